"""One login for everyone, with its rate limits and two-factor step; Digital Office staff and superusers do nothing
privileged until their session has used a second factor (README "Security")."""

import logging
import time

import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings
from django.urls import reverse

import digital_office.settings.base as base
from core.models import PartnerAPIKey, User
from seeding.demo import DEMO_PASSWORD, demo_totp_code

pytestmark = pytest.mark.django_db

CDO = "cdo@demo.digitaloffice.scot"
PRODUCTION_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}


def sign_in_with_password(client, email, password=DEMO_PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def test_the_admin_login_takes_no_password_and_sends_everyone_to_the_one_login(client, demo_data):
    """Fault: a staff user with TOTP signed in at /admin/login/ with the password only and got a full session."""
    User.objects.filter(email=CDO).update(is_staff=True)
    response = client.post("/admin/login/?next=/admin/", {"username": CDO, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"
    assert client.post("/admin/login/", {"username": CDO, "password": DEMO_PASSWORD}).status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_signing_in_for_the_admin_asks_for_the_second_factor_then_opens_it(client, demo_data):
    User.objects.filter(email=CDO).update(is_staff=True)
    response = client.get("/admin/login/?next=/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login") + "?next=%2Fadmin%2F"
    response = client.post(response.redirect_chain[-1][0], {"login": CDO, "password": DEMO_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # not signed in yet: the code is still owed
    response = client.post(reverse("mfa_authenticate"), {"code": "000000" if demo_totp_code() != "000000" else "1"})
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": demo_totp_code()})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@override_settings(ACCOUNT_RATE_LIMITS=PRODUCTION_RATE_LIMITS)
def test_forty_wrong_passwords_lock_the_account_out_and_the_right_one_is_then_refused(client, demo_data, caplog):
    """Fault: /admin/login/ answered 40 wrong passwords in a row, then accepted the right one."""
    caplog.set_level(logging.INFO, logger="security")
    answers = [
        sign_in_with_password(client, "editor@glasgow.demo.digitaloffice.scot", f"wrong-{attempt}")
        for attempt in range(40)
    ]
    checked = [a for a in answers if "are not correct" in a.content.decode()]
    assert len(checked) == 5  # the password was checked five times, then never again
    assert all(a.status_code == 429 or "Too many failed login attempts" in a.content.decode() for a in answers[5:])
    right = sign_in_with_password(client, "editor@glasgow.demo.digitaloffice.scot")
    assert right.status_code == 429 or "Too many failed login attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session
    events = [getattr(record, "security", {}).get("event") for record in caplog.records]
    assert "login_failed" in events and "lockout" in events
    assert all(r.security["client_address"] == "127.0.0.1" for r in caplog.records if hasattr(r, "security"))


def test_staff_without_an_authenticator_are_sent_to_set_one_up_and_can_do_nothing_privileged(client, demo_data):
    """Fault: with a password only, Digital Office staff made keys with funding:read, approved updates and edited
    contributions and assessments."""
    Authenticator.objects.filter(user__email=CDO).delete()
    response = sign_in_with_password(client, CDO)
    assert response["Location"] == reverse("home")  # no authenticator: nothing to ask yet...
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("mfa_activate_totp") + "?next=/"  # ...but nothing else until it is set up
    for path in ("/api-keys/", "/initiatives/review/", "/funding/", "/strategy/maturity/", "/initiatives/reports/",
                 "/initiatives/"):
        assert client.get(path)["Location"].startswith(reverse("mfa_activate_totp")), path
    from councils.models import PartnerOrganisation

    partner = PartnerOrganisation.objects.first()
    response = client.post("/api-keys/new/", {"partner": partner.pk, "name": "x", "scopes": ["funding:read"]})
    assert response.status_code == 302
    assert not PartnerAPIKey.objects.exists()
    api = client.get("/api/v1/contributions/")
    assert api.status_code == 403 and api.json()["error"]["code"] == "second_factor_required"


def test_having_an_authenticator_is_not_enough_the_session_must_have_used_it(client, login_as):
    login_as(CDO, second_factor=False)
    response = client.get("/api-keys/")
    assert response["Location"] == reverse("mfa_reauthenticate") + "?next=/api-keys/"
    response = client.post(reverse("mfa_reauthenticate") + "?next=/api-keys/", {"code": demo_totp_code()})
    assert response["Location"] == "/api-keys/"
    assert client.get("/api-keys/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_setting_up_the_authenticator_counts_as_using_it_and_makes_recovery_codes(client, reference_data):
    """allauth confirms the new authenticator after commit: a transactional test, so that commit happens."""
    from tests.conftest import committed_demo_data

    committed_demo_data()
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    Authenticator.objects.filter(user__email=CDO).delete()
    sign_in_with_password(client, CDO)
    # allauth asks for the password again before an account's security changes
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": DEMO_PASSWORD})
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "Authenticator" in page or "authenticator" in page
    secret = client.session["mfa.totp.secret"]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert set(Authenticator.objects.filter(user__email=CDO).values_list("type", flat=True)) == {
        "totp", "recovery_codes"}
    assert client.get("/api-keys/").status_code == 200


def test_staff_cannot_remove_their_authenticator(client, login_as):
    login_as(CDO)
    totp = Authenticator.objects.get(user__email=CDO, type="totp")
    client.post(reverse("mfa_deactivate_totp"), {"code": demo_totp_code()})
    assert Authenticator.objects.filter(pk=totp.pk).exists()


def test_a_recovery_code_is_a_second_factor_too(client, demo_data):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes(Authenticator.objects.get(user__email=CDO, type="recovery_codes")).get_unused_codes()
    sign_in_with_password(client, CDO)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response["Location"] == reverse("home")
    assert client.get("/api-keys/").status_code == 200


def test_council_staff_sign_in_with_their_password_alone(client, demo_data):
    response = sign_in_with_password(client, "editor@glasgow.demo.digitaloffice.scot")
    assert response["Location"] == reverse("home")
    assert client.get("/initiatives/").status_code == 200


def test_demo_code_command_prints_the_code_the_demo_staff_need(demo_data):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("demo_code", stdout=out)
    assert out.getvalue().strip() == demo_totp_code()


@override_settings(ACCOUNT_RATE_LIMITS=PRODUCTION_RATE_LIMITS, TRUSTED_PROXIES=["10.0.0.2"])
def test_the_login_limit_per_address_counts_each_client_behind_the_trusted_proxy(client, demo_data):
    """Fault: the login IP limit used the connecting address: behind the TLS proxy all users shared one bucket."""

    def attempt(forwarded, n, remote="10.0.0.2"):
        response = client.post(
            reverse("account_login"), {"login": f"nobody{n}@example.org", "password": "wrong-password"},
            REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded,
        )
        return "blocked" if response.status_code == 429 or b"Too many failed" in response.content else "checked"

    answers = [attempt("198.51.100.1", n) for n in range(11)]
    assert answers == ["checked"] * 10 + ["blocked"]  # one client: ten failures a minute
    assert attempt("198.51.100.2", 99) == "checked"  # another person behind the same proxy is not blocked
    # a client that is not the proxy cannot pick its address by sending X-Forwarded-For
    assert [attempt(f"203.0.113.{n}", n, remote="192.0.2.9") for n in range(11)][-1] == "blocked"


def test_an_office_behind_one_address_signs_in_more_than_thirty_times_a_minute(client, demo_data):
    """Fault: allauth's default `login: 30/m/ip` applied, so 30 sign-ins a minute served a whole council behind its
    one NAT address (or, with no trusted proxy, the whole site). The portal's own limits apply (base settings)."""
    with override_settings(ACCOUNT_RATE_LIMITS=base.ACCOUNT_RATE_LIMITS, TRUSTED_PROXIES=["10.0.0.2"]):
        signed_in = 0
        for _ in range(40):
            response = sign_in_with_password(
                client, "viewer@glasgow.demo.digitaloffice.scot", REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR="198.51.100.7",
            )
            signed_in += response.status_code == 302 and "_auth_user_id" in client.session
            client.logout()
        assert signed_in == 40
    assert base.ACCOUNT_RATE_LIMITS["login"] == "120/m/ip"


class NoMailServer:
    """EMAIL_BACKEND of a machine with no working mail server (connection refused)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def test_the_first_administrator_sets_up_two_factor_and_reaches_the_admin_with_no_mail_server(
        client, transactional_db, settings, caplog):
    """As after `manage.py createsuperuser` on a fresh install: allauth's "two-factor turned on" notice cannot
    be sent (it was the activation's 500); the set-up is kept, the failure logged, and /admin/ opens."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from core.tasks import send_message

    settings.EMAIL_BACKEND = f"{__name__}.NoMailServer"
    settings.MAIL_MAX_RETRIES = 1
    settings.ACCOUNT_RATE_LIMITS = PRODUCTION_RATE_LIMITS
    send_message.app.conf.task_eager_propagates = False
    try:
        User.objects.create_superuser(email="first.admin@example.scot", password="a long first password")
        sign_in_with_password(client, "first.admin@example.scot", "a long first password")
        assert client.get("/admin/")["Location"].startswith(reverse("mfa_activate_totp"))
        client.get(reverse("mfa_activate_totp"))
        client.post(reverse("account_reauthenticate"), {"password": "a long first password"})
        client.get(reverse("mfa_activate_totp"))
        secret = client.session["mfa.totp.secret"]
        response = client.post(reverse("mfa_activate_totp"),
                               {"code": format_hotp_value(hotp_value(secret, int(time.time()) // 30))})
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200
    finally:
        send_message.app.conf.task_eager_propagates = True
    assert any("could not be sent" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
