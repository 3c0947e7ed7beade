"""The authorisation matrix: every URL of the portal (from the URL configuration) and every operation of the partner
API (from its OpenAPI schema), called with every method it answers, as every role, against the status each role
must get (README "Who may do what").

The expected statuses are rules, one per URL name (EXPECTED below), not a table of literals: a page is open to some
roles and closed to the rest, an API operation needs the scope its schema names. A URL or operation that has no rule
fails the test, so a new page cannot arrive without someone deciding who may use it.

Every request runs in a transaction that is rolled back, so a POST that deletes or approves something does not
change what the next role meets.
"""

import importlib
import pkgutil
import re

import pytest
import yaml
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from simple_history.admin import SimpleHistoryAdmin

from core.models import User
from core.policies import SYSTEM
from core.scopes import SCOPES
from councils.models import Contribution, Council, FundingAgreement, PartnerOrganisation, Payment
from initiatives.models import (
    Initiative,
    JoinRequest,
    Participation,
    ProgressUpdate,
    Report,
    ReportingPeriod,
    ReportSubscription,
    Risk,
)
from initiatives.selectors import last_closed_period, open_period
from people.models import EmailDomain, Invitation
from seeding.demo import DEMO_INVITATION_EMAIL, DEMO_TOTP_SECRET
from strategy.models import MaturityAssessment, MaturityDimension, MaturityLevel, Measure, MeasureReading, Outcome
from tests import authorization as authorization_rules
from tests.authorization.roles import (
    ACCOUNTS,
    ANONYMOUS,
    COUNCIL_STAFF,
    DIGITAL_OFFICE,
    EDITORS,
    FORM,
    KEYS,
    LEAD,
    OBSERVER,
    PARTNER,
    PERSON_SCOPES,
    READ_KEYS,
    ROLES,
    SIGNED_IN,
    STAFF,
    STAFF_NO_2FA,
    SUPERUSER,
    UNRELATED,
    VIEWER,
    Api,
    Page,
    everyone,
    only,
)
from tests.conftest import mark_second_factor_used

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXPECTED = {
    # -- the portal as a whole
    "home": Page(get=everyone(), post=None),  # the dashboard
    # -- the dashboard, its export and the council pages (the office: every council; council staff: their own)
    "dashboard:dashboard": Page(get=everyone(), post=None),
    "dashboard:export": Page(get=everyone(), post=None),
    "dashboard:council": Page(get={(VIEWER, LEAD, STAFF): 200}, post=None, otherwise=404),
    "accessibility": Page(get={"all": 200}, post=None, public=True),
    "healthz": Page(get={"all": 200}, post=None, public=True),
    "service_status": Page(get=DIGITAL_OFFICE, post=None),  # the office's status page (the feed's horizon)
    "set_language": Page(get={"all": 302}, public=True),  # it sends the person back where they were
    # -- the portfolio: every role reads; writes follow the initiative's councils and roles
    "initiatives:list": Page(get=everyone(), post=everyone()),
    "initiatives:create": Page(get={(*EDITORS, STAFF): 200}, post={(*EDITORS, STAFF): FORM}),
    "initiatives:my_council": Page(get=only(COUNCIL_STAFF), post=only(COUNCIL_STAFF), otherwise=404),
    "initiatives:review_queue": Page(get=DIGITAL_OFFICE, post=DIGITAL_OFFICE),
    "initiatives:review": Page(get=DIGITAL_OFFICE, post=DIGITAL_OFFICE),
    "initiatives:reports": Page(get=everyone(), post=only(STAFF, FORM)),
    "initiatives:report_download": Page(get=everyone(), post=everyone()),
    "initiatives:report_download_xlsx": Page(get=everyone(), post=everyone()),
    "initiatives:report_status": Page(get=everyone(), post=everyone()),
    # reminders and the monthly report's settings: the office only
    "initiatives:office_settings": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "initiatives:subscriber_remove": Page(get=None, post=only(STAFF, 302)),
    "initiatives:reminder_log": Page(get=DIGITAL_OFFICE, post=DIGITAL_OFFICE),
    "initiatives:detail": Page(get=everyone(), post=everyone()),
    "initiatives:edit": Page(get=only((LEAD, STAFF)), post=only((LEAD, STAFF), FORM)),
    "initiatives:join": Page(get=only(UNRELATED), post=only(UNRELATED, FORM)),
    "initiatives:join_request_decide": Page(get=None, post=only((LEAD, STAFF), 302)),
    "initiatives:period_reopen": Page(get=None, post=only(STAFF, 302)),
    # the sample update is submitted: its writers are sent back to the initiative (it is with the reviewers); what
    # they post is kept on the page with the reason it was not saved
    "initiatives:update": Page(get=only((LEAD, STAFF), 302), post=only((LEAD, STAFF), 200)),
    "initiatives:register_new": Page(get=only((LEAD, STAFF)), post=only((LEAD, STAFF), FORM)),
    "initiatives:register_edit": Page(get=only((LEAD, STAFF)), post=only((LEAD, STAFF), FORM)),
    "initiatives:register_delete": Page(get=None, post=only((LEAD, STAFF), 302)),
    "strategy:overview": Page(get=everyone()),
    "strategy:coverage": Page(get=everyone()),
    # -- funding: the office reads and writes every council's; council staff read their own (another's: 404)
    "councils:ledger": Page(get={COUNCIL_STAFF: 302, STAFF: 200}),  # council staff go to their council's ledger
    "councils:agreement_create": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "councils:agreement": Page(get=DIGITAL_OFFICE),
    "councils:agreement_edit": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "councils:import_template": Page(get=DIGITAL_OFFICE),
    "councils:year": Page(get=DIGITAL_OFFICE),
    "councils:funding_council": Page(get={(VIEWER, LEAD, STAFF): 200}, otherwise=404),
    "councils:contribution_create": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "councils:contributions_export": Page(get=only((*COUNCIL_STAFF, STAFF))),
    "councils:contribution": Page(get={(VIEWER, LEAD, STAFF): 200}, otherwise=404),
    "councils:contribution_edit": Page(get={STAFF: 200, (VIEWER, LEAD): 403}, otherwise=404),
    # a payment of a council the person may not see is not found
    "councils:payment_create": Page(get={STAFF: 200, (VIEWER, LEAD): 403}, otherwise=404),
    "councils:payment_edit": Page(get={STAFF: 200, (VIEWER, LEAD): 403}, otherwise=404),
    "councils:payment_delete": Page(get=None, post={STAFF: 302, (VIEWER, LEAD): 403}, otherwise=404),
    "councils:import": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "councils:import_preview": Page(get=only(STAFF, 302), post=only(STAFF, 302)),
    # -- strategy: every role reads measures; maturity is confidential to each council and the office
    "strategy:measure_create": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "strategy:measure": Page(get=everyone()),
    "strategy:measure_edit": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "strategy:reading_create": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "strategy:reading_edit": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "strategy:readings_import": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "strategy:readings_import_preview": Page(get=only(STAFF, 302), post=only(STAFF, 302)),
    "strategy:maturity": Page(get=only((*COUNCIL_STAFF, STAFF))),
    "strategy:maturity_sector": Page(get=only((*COUNCIL_STAFF, STAFF))),
    "strategy:maturity_council": Page(get={(VIEWER, LEAD, STAFF): 200, (OBSERVER, UNRELATED, PARTNER): 404}),
    "strategy:assessment_create": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "strategy:maturity_assessment": Page(get={(VIEWER, LEAD, STAFF): 200, (OBSERVER, UNRELATED, PARTNER): 404}),
    "strategy:assessment_edit": Page(get={STAFF: 200, (VIEWER, LEAD): 403}, otherwise=404),
    "strategy:maturity_model": Page(get=DIGITAL_OFFICE),
    "strategy:dimension_create": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "strategy:dimension_edit": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "strategy:level_create": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "strategy:level_edit": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "strategy:maturity_threshold": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    # -- people and access (issue 15): Digital Office staff everywhere; a council's digital lead (LEAD is Glasgow's)
    # in their own council; the organisation's other staff are refused (403), everyone else finds nothing (404)
    "people:index": Page(get={STAFF: 200, LEAD: 302}),  # a lead is sent to their own team
    "people:invite": Page(get=only((STAFF, LEAD)), post=only((STAFF, LEAD), FORM)),
    "people:invitation_resend": Page(get=None, post={(STAFF, LEAD): 302, VIEWER: 403}, otherwise=404),
    "people:invitation_withdraw": Page(get=None, post={(STAFF, LEAD): 302, VIEWER: 403}, otherwise=404),
    "people:record": Page(get=only((STAFF, LEAD))),
    "people:domains": Page(get=DIGITAL_OFFICE, post=only(STAFF, FORM)),
    "people:domain_delete": Page(get=None, post=only(STAFF, 302)),
    "people:person": Page(get={(STAFF, LEAD): 200, VIEWER: 403}, otherwise=404),  # the person is Glasgow's viewer
    "people:person_deactivate": Page(get={(STAFF, LEAD): 200, VIEWER: 403},
                                     post={(STAFF, LEAD): 302, VIEWER: 403}, otherwise=404),
    "people:council_team": Page(get={(STAFF, LEAD): 200, VIEWER: 403}, otherwise=404),
    "people:council_sso": Page(get=None, post={(STAFF, LEAD): 302, VIEWER: 403}, otherwise=404),
    "people:partner_team": Page(get={STAFF: 200, PARTNER: 403}, otherwise=404),
    # the teams' addresses before issue 21: a permanent redirect for everyone signed in (bookmarks), GET only
    "people:council_team_moved": Page(get=everyone(301), post=None),
    "people:partner_team_moved": Page(get=everyone(301), post=None),
    # an invitation link that is no invitation's: not found, for everyone
    "people:accept": Page(get={"signed out": 404, SIGNED_IN: 404, STAFF_NO_2FA: 404}, account=True),
    # -- single sign-on (allauth's OpenID Connect provider; no provider is configured in tests, so its pages 404)
    "openid_connect_login": Page(get={"signed out": 404, SIGNED_IN: 404, STAFF_NO_2FA: 404}, account=True),
    "openid_connect_callback": Page(get={"signed out": 404, SIGNED_IN: 404, STAFF_NO_2FA: 404}, account=True),
    "socialaccount_login_cancelled": Page(get={"signed out": 200, SIGNED_IN: 200, STAFF_NO_2FA: 200}, post=None,
                                          account=True),
    # allauth's error page (the callback shows it itself, with 401): signed-out visitors are sent to sign in
    "socialaccount_login_error": Page(get={SIGNED_IN: 401, STAFF_NO_2FA: 401}, post={SIGNED_IN: 405, STAFF_NO_2FA: 405},
                                      account=True),
    "socialaccount_signup": Page(get={"signed out": 302, SIGNED_IN: 302, STAFF_NO_2FA: 302}, account=True),
    "socialaccount_connections": Page(get={SIGNED_IN: 200, STAFF_NO_2FA: 200}, account=True),
    # -- signing in and the account (allauth)
    "account_login": Page(get={"signed out": 200, SIGNED_IN: 302, STAFF_NO_2FA: 302},
                          post={"signed out": 200, SIGNED_IN: 302, STAFF_NO_2FA: 302}, account=True),
    "account_logout": Page(get={"signed out": 302, SIGNED_IN: 200, STAFF_NO_2FA: 200},
                           post={"signed out": 302, SIGNED_IN: 302, STAFF_NO_2FA: 302}, account=True),
    "account_inactive": Page(get={"signed out": 200, SIGNED_IN: 200, STAFF_NO_2FA: 200}, post=None, account=True),
    "account_signup": Page(get={"signed out": 200, SIGNED_IN: 302, STAFF_NO_2FA: 302},
                           post={"signed out": 200, SIGNED_IN: 302, STAFF_NO_2FA: 302}, account=True),
    "account_reauthenticate": Page(get={SIGNED_IN: 200, STAFF_NO_2FA: 200}, post={SIGNED_IN: 200, STAFF_NO_2FA: 200},
                                   account=True),
    # reauthentication by emailed code is not enabled: allauth sends people back
    "account_request_reauthentication_code": Page(get={SIGNED_IN: 302, STAFF_NO_2FA: 302}, account=True),
    "account_confirm_reauthentication_code": Page(get={SIGNED_IN: 302, STAFF_NO_2FA: 302}, account=True),
    "account_email": Page(get={SIGNED_IN: 200, STAFF_NO_2FA: 200}, post={SIGNED_IN: 302, STAFF_NO_2FA: 302},
                          account=True),
    "account_email_verification_sent": Page(get={"signed out": 200, SIGNED_IN: 200, STAFF_NO_2FA: 200},
                                            post=None, account=True),
    "account_change_password": Page(get={SIGNED_IN: 200, STAFF_NO_2FA: 200}, post={SIGNED_IN: 200, STAFF_NO_2FA: 200},
                                    account=True),
    "account_set_password": Page(get={SIGNED_IN: 302, STAFF_NO_2FA: 302}, post={SIGNED_IN: 302, STAFF_NO_2FA: 302},
                                 account=True),
    "account_reset_password": Page(get={"signed out": 200, SIGNED_IN: 200, STAFF_NO_2FA: 200},
                                   post={"signed out": 200, SIGNED_IN: 200, STAFF_NO_2FA: 200}, account=True),
    "account_confirm_login_code": Page(get={"signed out": 302, SIGNED_IN: 302, STAFF_NO_2FA: 302},
                                       post={"signed out": 302, SIGNED_IN: 302, STAFF_NO_2FA: 302}, account=True),
    "account_confirm_email": Page(get={"signed out": 200, SIGNED_IN: 200, STAFF_NO_2FA: 200},
                                  post={"signed out": 404, SIGNED_IN: 404, STAFF_NO_2FA: 404}, account=True),
    "account_reset_password_from_key_done": Page(get={"signed out": 200, SIGNED_IN: 200, STAFF_NO_2FA: 200},
                                                 post=None, account=True),
    "account_reset_password_from_key": Page(get={"signed out": 200, SIGNED_IN: 200, STAFF_NO_2FA: 200},
                                            post={"signed out": 200, SIGNED_IN: 200, STAFF_NO_2FA: 200},
                                            account=True),
    "account_reset_password_done": Page(get={"signed out": 200, SIGNED_IN: 200, STAFF_NO_2FA: 200}, post=None,
                                        account=True),
    "mfa_index": Page(get={SIGNED_IN: 200, STAFF_NO_2FA: 200}, post={SIGNED_IN: 405, STAFF_NO_2FA: 405},
                      account=True),
    "mfa_authenticate": Page(get={"signed out": 302, SIGNED_IN: 302, STAFF_NO_2FA: 302},
                             post={"signed out": 302, SIGNED_IN: 302, STAFF_NO_2FA: 302}, account=True),
    # Only people with an authenticator type a code again; others are sent to set one up or back.
    "mfa_reauthenticate": Page(get={COUNCIL_STAFF: 302, PARTNER: 302, STAFF: 200, STAFF_NO_2FA: 200},
                               post={COUNCIL_STAFF: 302, PARTNER: 302, STAFF: 200, STAFF_NO_2FA: 200}, account=True),
    "mfa_activate_totp": Page(get={COUNCIL_STAFF: 302, PARTNER: 302, STAFF: 302, STAFF_NO_2FA: 302},
                              post={COUNCIL_STAFF: 302, PARTNER: 302, STAFF: 302, STAFF_NO_2FA: 302}, account=True),
    "mfa_deactivate_totp": Page(get={COUNCIL_STAFF: 404, PARTNER: 404, STAFF: 302, STAFF_NO_2FA: 302},
                                post={COUNCIL_STAFF: 404, PARTNER: 404, STAFF: 302, STAFF_NO_2FA: 302}, account=True),
    "mfa_view_recovery_codes": Page(get={COUNCIL_STAFF: 404, PARTNER: 404, STAFF: 302, STAFF_NO_2FA: 302},
                                    post={SIGNED_IN: 405, STAFF_NO_2FA: 405}, account=True),
    "mfa_generate_recovery_codes": Page(get={COUNCIL_STAFF: 302, PARTNER: 302, STAFF: 302, STAFF_NO_2FA: 302},
                                        post={COUNCIL_STAFF: 302, PARTNER: 302, STAFF: 302, STAFF_NO_2FA: 302},
                                        account=True),
    "mfa_download_recovery_codes": Page(get={COUNCIL_STAFF: 404, PARTNER: 404, STAFF: 302, STAFF_NO_2FA: 302},
                                        account=True),
    # -- the partner API's own pages
    "api:root": Api(public=True),
    "api:schema": Api(public=True),
    "api:docs": Api(public=True),
    "api:not-found": Api(ok=404, public=True),
}

# Operations whose answer the scope alone does not decide.
API_EXCEPTIONS = {
    # another council's contribution is not found; a partner user never reads funding
    ("GET", "/api/v1/contributions/{id}/"): Api(people={OBSERVER: 404, UNRELATED: 404}),
    # a partner's own webhooks: its keys with webhooks:manage only
    ("GET", "/api/v1/webhooks/"): Api(people=dict.fromkeys(SIGNED_IN, 403)),
    ("POST", "/api/v1/webhooks/"): Api(ok=400, people=dict.fromkeys(SIGNED_IN, 403)),
    ("GET", "/api/v1/webhooks/{id}/"): Api(people=dict.fromkeys(SIGNED_IN, 403)),
    ("DELETE", "/api/v1/webhooks/{id}/"): Api(ok=204, people=dict.fromkeys(SIGNED_IN, 403)),
    ("GET", "/api/v1/webhook-deliveries/"): Api(people=dict.fromkeys(SIGNED_IN, 403)),
    ("GET", "/api/v1/webhook-deliveries/{id}/"): Api(people=dict.fromkeys(SIGNED_IN, 403)),
    # the change feed: every reader, each sees the changes of what their scopes open
    ("GET", "/api/v1/changes/"): Api(people=dict.fromkeys(SIGNED_IN, 200), keys=dict.fromkeys(READ_KEYS, 200)),
    ("GET", "/api/v1/changes/latest/"): Api(people=dict.fromkeys(SIGNED_IN, 200), keys=dict.fromkeys(READ_KEYS, 200)),
}


def admin_rule(name, arguments):
    """The admin: for superusers and Digital Office staff marked as staff, once their session used the second
    factor; the people may use only the models Django's permissions give them (staff have none here, superusers
    all). Everyone else is sent to the one login, and a signed-in person without the right is refused there."""
    missing = arguments in ({"object_id": 0}, {"id": 0}, [0, 0])
    superuser = 200
    if name.endswith("_add") and name.split(":")[1].rsplit("_", 1)[0] in READ_ONLY_ADMIN:
        superuser = 403
    elif missing:
        superuser = 302  # the admin says the record does not exist
    elif name == "admin:login":
        superuser = 302
    elif name == "admin:logout":
        superuser = 405
    elif name in ("admin:view_on_site", "admin:autocomplete"):
        superuser = 404 if name == "admin:view_on_site" else 403
    if name in ("admin:index", "admin:password_change", "admin:password_change_done", "admin:jsi18n", "admin:logout",
                "admin:login", "admin:autocomplete", "admin:view_on_site"):
        staff = superuser
    else:
        staff = 404 if name == "admin:app_list" else 403
    if missing and name.endswith("_history") and not isinstance(model_admin_of(name), SimpleHistoryAdmin):
        staff = 302  # Django's own history page looks for the record before it checks permissions
    others = 403 if name == "admin:login" else 302
    return Page(get={SUPERUSER: superuser, STAFF: staff, SIGNED_IN: others}, otherwise=302, admin=True)


def model_admin_of(name):
    return next((model_admin for model, model_admin in admin.site._registry.items()
                 if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_")), None)


READ_ONLY_ADMIN = set()  # each app's module adds its own (tests/authorization/partner_access.py)


# -- each app's own rules ------------------------------------------------------------------------------------------
# A module in tests/authorization/ per app (so a new app brings its rules in a file of its own): it may define
# EXPECTED and API_EXCEPTIONS (merged into the ones above), PERSON_SCOPES (scopes a role reads with, added to the
# ones above), world(w) (sample records, added to the world), page_kwargs(name, w) (a URL's arguments, or None),
# api_values(w) ({"/prefix/": value}, for the API's paths) and READ_ONLY_ADMIN (a set).
PLUGINS = [importlib.import_module(f"tests.authorization.{module.name}")
           for module in pkgutil.iter_modules(authorization_rules.__path__) if not module.name.startswith("_")]
for plugin in PLUGINS:
    duplicated = set(getattr(plugin, "EXPECTED", {})) & set(EXPECTED)
    assert not duplicated, f"{plugin.__name__} repeats rules for {sorted(duplicated)}"
    EXPECTED.update(getattr(plugin, "EXPECTED", {}))
    API_EXCEPTIONS.update(getattr(plugin, "API_EXCEPTIONS", {}))
    READ_ONLY_ADMIN |= set(getattr(plugin, "READ_ONLY_ADMIN", ()))
    for role, scopes in getattr(plugin, "PERSON_SCOPES", {}).items():
        PERSON_SCOPES[role] = PERSON_SCOPES[role] | set(scopes)


# -- what is called ------------------------------------------------------------------------------------------------


def url_patterns(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern


@pytest.fixture
def world(demo_data, settings):
    """The sample records every URL is called with."""
    settings.API_UNAUTHENTICATED_RATE = "1000000/min"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "partner_key": "1000000/min", "portal_user": "1000000/min"}}
    glasgow, fife, highland = (Council.objects.get(gss_code=code) for code in ("S12000049", "S12000047", "S12000017"))
    initiative = (
        Initiative.objects.filter(lead_council=glasgow, stage__in=["alpha", "beta", "live"])
        .exclude(participations__council__in=[fife, highland]).order_by("reference").first()
    )
    Participation.objects.create(initiative=initiative, council=fife, role=Participation.Role.OBSERVER)
    period = open_period()
    ProgressUpdate.objects.filter(initiative=initiative, period=period).delete()
    update = ProgressUpdate.objects.create(
        initiative=initiative, period=period, council=glasgow, state="submitted", rag_delivery="green",
        rag_spend="green", rag_benefits="green", rag_risk="green", percent_complete=10, spend_to_date=0,
    )
    User.objects.filter(email=ACCOUNTS[STAFF]).update(is_staff=True)
    root = User.objects.create_superuser(email=ACCOUNTS[SUPERUSER], password="x" * 20)
    TOTP.activate(root, DEMO_TOTP_SECRET)
    RecoveryCodes.activate(root)
    report = Report.objects.create(kind=Report.Kind.PORTFOLIO, status=Report.Status.READY)
    from django.core.files.base import ContentFile

    report.file.save("portfolio.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    report.spreadsheet.save("portfolio.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    subscription = ReportSubscription.objects.create(user=User.objects.get(email=ACCOUNTS[VIEWER]))
    contribution = Contribution.objects.filter(council=glasgow).order_by("pk").first()
    measure = Measure.objects.order_by("pk").first()
    join_request = JoinRequest.objects.create(initiative=initiative, council=highland, role="adopter")
    w = {
        "initiative": initiative, "update": update, "period": period, "closed": last_closed_period(),
        "glasgow": glasgow, "report": report,
        "contribution": contribution, "payment": Payment.objects.filter(contribution__council=glasgow).first(),
        "agreement": FundingAgreement.objects.order_by("pk").first(), "measure": measure,
        "reading": MeasureReading.objects.filter(measure=measure).first(),
        "assessment": MaturityAssessment.objects.filter(council=glasgow).first(),
        "dimension": MaturityDimension.objects.first(), "level": MaturityLevel.objects.first(),
        "risk": Risk.objects.create(initiative=initiative, title="Sample risk", likelihood=2, impact=2),
        "join_request": join_request, "reporting_period": ReportingPeriod.objects.first(),
        "subscription": subscription,
        "invitation": Invitation.objects.get(email=DEMO_INVITATION_EMAIL),
        "viewer": User.objects.get(email=ACCOUNTS[VIEWER]),
        "domain": EmailDomain.objects.create(domain="glasgow.gov.uk", council=glasgow),
    }
    for plugin in PLUGINS:
        if hasattr(plugin, "world"):
            w.update(plugin.world(w))
    return w


def page_kwargs(name, w):
    """The arguments each URL is called with: records of the sample initiative and of Glasgow (the lead)."""
    i = w["initiative"]
    if name == "admin:app_list":
        return {"app_label": "initiatives"}
    samples = {
        "initiatives:review": {"pk": w["update"].pk},
        "initiatives:report_download": {"pk": w["report"].pk},
        "initiatives:report_download_xlsx": {"pk": w["report"].pk},
        "initiatives:subscriber_remove": {"pk": w["subscription"].pk},
        "initiatives:detail": {"reference": i.reference},
        "initiatives:edit": {"reference": i.reference},
        "initiatives:join": {"reference": i.reference},
        "initiatives:join_request_decide": {"reference": i.reference, "pk": w["join_request"].pk},
        "initiatives:period_reopen": {"reference": i.reference},
        "initiatives:update": {"reference": i.reference, "period_start": w["period"].starts_on},
        "initiatives:register_new": {"reference": i.reference, "kind": "risk"},
        "initiatives:register_edit": {"reference": i.reference, "kind": "risk", "pk": w["risk"].pk},
        "initiatives:register_delete": {"reference": i.reference, "kind": "risk", "pk": w["risk"].pk},
        "councils:agreement": {"pk": w["agreement"].pk},
        "councils:agreement_edit": {"pk": w["agreement"].pk},
        "councils:import_template": {"pk": w["agreement"].pk, "kind": "contributions"},
        "councils:year": {"year": w["contribution"].financial_year},
        "councils:funding_council": {"slug": w["glasgow"].slug},
        "dashboard:council": {"slug": w["glasgow"].slug},
        "councils:contribution": {"pk": w["contribution"].pk},
        "councils:contribution_edit": {"pk": w["contribution"].pk},
        "councils:payment_create": {"pk": w["contribution"].pk},
        "councils:payment_edit": {"pk": w["payment"].pk},
        "councils:payment_delete": {"pk": w["payment"].pk},
        "strategy:measure": {"pk": w["measure"].pk},
        "strategy:measure_edit": {"pk": w["measure"].pk},
        "strategy:reading_create": {"pk": w["measure"].pk},
        "strategy:reading_edit": {"pk": w["measure"].pk, "reading_pk": w["reading"].pk},
        "strategy:readings_import": {"pk": w["measure"].pk},
        "strategy:readings_import_preview": {"pk": w["measure"].pk},
        "strategy:maturity_council": {"slug": w["glasgow"].slug},
        "strategy:maturity_assessment": {"pk": w["assessment"].pk},
        "strategy:assessment_edit": {"pk": w["assessment"].pk},
        "strategy:dimension_edit": {"pk": w["dimension"].pk},
        "strategy:level_edit": {"pk": w["level"].pk},
        "account_confirm_email": {"key": "not-a-key"},
        "people:invitation_resend": {"pk": w["invitation"].pk},
        "people:invitation_withdraw": {"pk": w["invitation"].pk},
        "people:domain_delete": {"pk": w["domain"].pk},
        "people:person": {"pk": w["viewer"].pk},
        "people:person_deactivate": {"pk": w["viewer"].pk},
        "people:council_team": {"slug": w["glasgow"].slug},
        "people:council_sso": {"slug": w["glasgow"].slug},
        "people:partner_team": {"slug": "scottish-government"},
        "people:council_team_moved": {"slug": w["glasgow"].slug},
        "people:partner_team_moved": {"slug": "scottish-government"},
        "people:accept": {"token": "not-a-token"},
        "openid_connect_login": {"provider_id": "entra"},
        "openid_connect_callback": {"provider_id": "entra"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-key"},
    }
    for plugin in PLUGINS:
        found = plugin.page_kwargs(name, w) if hasattr(plugin, "page_kwargs") else None
        if found is not None:
            return found
    return samples.get(name, {})


def admin_calls():
    """Every admin URL: the site's own pages and, for each registered model, its list, add, change, history and
    delete pages (the first record of the model, or 0 when it has none)."""
    calls = []
    for name, pattern in url_patterns():
        if not name.startswith("admin:"):
            continue
        kwargs = {}
        if name in ("admin:view_on_site", "admin:app_list"):
            kwargs = page_kwargs(name, {"initiative": None}) if name == "admin:app_list" else {
                "content_type_id": 1, "object_id": 1}
        elif {"object_id", "id"} & set(pattern.pattern.regex.groupindex):
            model = next((m for m in admin.site._registry if name.startswith(
                f"admin:{m._meta.app_label}_{m._meta.model_name}_")), None) or User
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            kwargs["object_id" if "object_id" in pattern.pattern.regex.groupindex else "id"] = first or 0
        elif pattern.pattern.regex.groups:  # simple_history's record view: (object, historical record)
            model = next(m for m in admin.site._registry if name.startswith(
                f"admin:{m._meta.app_label}_{m._meta.model_name}_"))
            record = model.history.order_by("history_id").values_list("id", "history_id").first() or (0, 0)
            calls.append((name, list(record)))
            continue
        calls.append((name, kwargs))
    return calls


def api_operations(client):
    """(method, path template, scope) for every operation of the API's OpenAPI schema."""
    document = yaml.safe_load(client.get("/api/v1/schema/").content)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, operation.get("x-required-scope")


def api_path(template, w):
    values = {
        "/councils/": w["glasgow"].gss_code, "/partners/": "scottish-government", "/themes/": "digital-services",
        "/initiatives/": w["initiative"].reference, "/contributions/": w["contribution"].pk,
        "/measures/": w["measure"].pk, "/measure-readings/": w["reading"].pk,
        "/outcomes/": Outcome.objects.order_by("number").first().pk,  # ids differ once a flush reloaded the data
        "/milestones/": w["initiative"].milestones.first().pk, "/risks/": w["risk"].pk,
        "/benefits/": w["initiative"].benefits.first().pk if w["initiative"].benefits.exists() else 0,
        "/updates/": ProgressUpdate.objects.filter(state="approved").first().pk, "/reports/": w["report"].pk,
    }
    for plugin in PLUGINS:
        if hasattr(plugin, "api_values"):
            values.update(plugin.api_values(w))
    for prefix, value in values.items():
        if template.startswith("/api/v1" + prefix):
            return re.sub(r"\{[^}]+\}", str(value), template)
    return template


# -- the callers ---------------------------------------------------------------------------------------------------


def callers(w):
    from core import services as core_services

    partner = PartnerOrganisation.objects.get(slug="scottish-government")
    result = {ANONYMOUS: Client()}
    for role, email in ACCOUNTS.items():
        client = Client()
        user = User.objects.get(email=email)
        client.force_login(user)
        if role != STAFF_NO_2FA:
            mark_second_factor_used(client, user)
        result[role] = client
    for role, scope in zip(KEYS, SCOPES, strict=True):
        _key, text = core_services.key_create(user=SYSTEM, partner=partner, name=role, scopes=[scope])
        result[role] = Client(HTTP_AUTHORIZATION=f"Api-Key {text}")
    return result


def call(client, method, url, *, api=False):
    """One request, rolled back afterwards (and the client's cookies as they were)."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url)
            elif method == "POST":
                response = client.post(url, {} if not api else "{}", **(
                    {"content_type": "application/json"} if api else {}))
            else:
                response = client.generic(method, url)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response.status_code


# The requests are shared out in SHARES tests, so that pytest-xdist's workers each take some (make test).
SHARES = 4


@pytest.mark.parametrize("share", range(SHARES))
def test_every_url_and_operation_answers_each_role_as_the_rules_say(share, world, capsys, monkeypatch):
    # /healthz answers every caller alike; whether the heartbeats are fresh is for tests/digital_office/test_health.py
    monkeypatch.setattr("digital_office.views.service_health", lambda: {"status": "ok", "checks": {}})
    clients = callers(world)
    named = dict(url_patterns())
    api_own = {"api:root", "api:schema", "api:docs", "api:not-found"}
    router_names = {name for name in named if name.startswith("api:")} - api_own
    portal_names = {name for name in named if not name.startswith("admin:")} - router_names
    without_rule = sorted(portal_names - set(EXPECTED))
    assert not without_rule, f"URLs without an entry in EXPECTED: {without_rule}"
    stale = sorted(set(EXPECTED) - portal_names)
    assert not stale, f"rules for URLs that no longer exist: {stale}"

    calls = []  # (label, role, method, url, expected, api)
    for name, rule in EXPECTED.items():
        if name.startswith("api:") and name not in ("api:root", "api:schema", "api:docs", "api:not-found"):
            continue
        url = reverse(name, kwargs=page_kwargs(name, world)) if name != "api:not-found" else "/api/v1/nowhere/"
        if isinstance(rule, Api):
            for role in ROLES:
                calls.append((name, role, "GET", url, rule.expected(role, "GET", None), True))
            continue
        for method in ("GET", "POST"):
            for role in ROLES:
                calls.append((name, role, method, url, rule.expected(role, method), False))
    for name, arguments in admin_calls():
        rule = admin_rule(name, arguments)
        url = reverse(name, **({"args": arguments} if isinstance(arguments, list) else {"kwargs": arguments}))
        for role in ROLES:
            calls.append((name, role, "GET", url, rule.expected(role, "GET"), False))
    operations = list(api_operations(clients[ANONYMOUS]))
    # every URL of the API's router is in its schema, so every one of them is called below
    assert len({template for _method, template, _scope in operations}) == len(router_names)
    for method, template, scope in operations:
        rule = API_EXCEPTIONS.get((method, template), Api(ok=201 if method == "POST" else 200))
        url = api_path(template, world)
        for role in ROLES:
            calls.append((f"{method} {template}", role, method, url, rule.expected(role, method, scope), True))

    mismatches = []
    for label, role, method, url, expected, api in calls[share::SHARES]:
        actual = call(clients[role], method, url, api=api)
        if actual != expected:
            mismatches.append(f"{label:45} {method:6} {role:22} expected {expected}, got {actual}  ({url})")
    urls = {(label, method) for label, _role, method, _url, _expected, _api in calls}
    with capsys.disabled():
        print(f"\nauthorisation matrix: {len(urls)} URL-and-method pairs × {len(ROLES)} roles = {len(calls)} requests"
              f" (share {share + 1} of {SHARES} here)")
    asked = len(calls[share::SHARES])
    assert not mismatches, f"{len(mismatches)} of {asked} answers differ from the rules:\n" + "\n".join(
        mismatches)
