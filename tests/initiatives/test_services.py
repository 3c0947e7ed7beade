"""The reporting workflow and each role's rights, through the services every entry point uses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import User
from initiatives import services
from initiatives.models import Initiative, Participation, ProgressUpdate
from tests.conftest import signed_in_with_two_factor
from tests.councils.factories import council
from tests.initiatives.factories import InitiativeFactory, ProgressUpdateFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "rag_delivery": "green",
    "rag_spend": "green",
    "rag_benefits": "green",
    "rag_risk": "green",
    "percent_complete": 30,
    "spend_to_date": "1000.00",
}
FIRST_SAVE = {"version": services.NOT_YET_SAVED, **GOOD}  # the form was opened before the update existed


def person(role, code="S12000049", email=None):
    if role == "do":
        return signed_in_with_two_factor(
            User.objects.create_user(email=email or "do@example.org", is_digital_office_staff=True)
        )
    if role == "partner":
        from councils.models import PartnerOrganisation

        return User.objects.create_user(
            email=email or "p@example.org", partner=PartnerOrganisation.objects.get(slug="cosla")
        )
    return User.objects.create_user(
        email=email or f"{role}-{code}@example.org", council=council(code), council_role=role
    )


@pytest.fixture
def glasgow_initiative():
    return InitiativeFactory(lead_council=council("S12000049"))


@pytest.fixture
def period():
    return ReportingPeriodFactory()


def test_the_full_loop_draft_submit_return_resubmit_approve(glasgow_initiative, period):
    editor, cdo = person("editor"), person("do")
    draft = services.update_save_draft(user=editor, initiative=glasgow_initiative, period=period, **FIRST_SAVE)
    assert draft.state == "draft"
    submitted = services.update_submit(user=editor, update=draft)
    assert submitted.state == "submitted" and submitted.submitted_by == editor
    returned = services.update_return(user=cdo, update=submitted, comment="Add the go-live date.")
    assert returned.state == "returned" and returned.review_comment == "Add the go-live date."
    revised = services.update_save_draft(
        user=editor,
        initiative=glasgow_initiative,
        period=period,
        version=returned.version,
        **{**GOOD, "next_steps": "Go live in March."},
    )
    assert revised.state == "returned"  # still returned until resubmitted
    services.update_submit(user=editor, update=revised)
    approved = services.update_approve(user=cdo, update=revised)
    assert approved.state == "approved"
    glasgow_initiative.refresh_from_db()
    assert glasgow_initiative.current_update == approved


def test_a_draft_cannot_be_approved_or_returned(glasgow_initiative, period):
    editor = person("editor")
    draft = services.update_save_draft(user=editor, initiative=glasgow_initiative, period=period, **FIRST_SAVE)
    with pytest.raises(ValidationError, match="Only a submitted update can be approved"):
        services.update_approve(user=person("do"), update=draft)
    with pytest.raises(ValidationError, match="Only a submitted update can be returned"):
        services.update_return(user=person("do", email="x@example.org"), update=draft, comment="no")
    assert ProgressUpdate.objects.get(pk=draft.pk).state == "draft"


def test_an_approved_update_is_frozen(glasgow_initiative, period):
    update = ProgressUpdateFactory(initiative=glasgow_initiative, period=period, state="approved")
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.update_save_draft(user=person("editor"), initiative=glasgow_initiative, period=period, **FIRST_SAVE)
    with pytest.raises(ValidationError):
        services.update_submit(user=person("editor", email="e2@example.org"), update=update)


def test_amber_or_red_needs_a_commentary_to_submit(glasgow_initiative, period):
    editor = person("editor")
    draft = services.update_save_draft(
        user=editor,
        initiative=glasgow_initiative,
        period=period,
        version=services.NOT_YET_SAVED,
        **{**GOOD, "rag_risk": "red"},
    )
    with pytest.raises(ValidationError) as error:
        services.update_submit(user=editor, update=draft)
    assert "risk_commentary" in error.value.error_dict
    assert ProgressUpdate.objects.get(pk=draft.pk).state == "draft"


def test_returning_needs_a_comment(glasgow_initiative, period):
    update = ProgressUpdateFactory(initiative=glasgow_initiative, period=period, state="submitted")
    with pytest.raises(ValidationError):
        services.update_return(user=person("do"), update=update, comment="   ")


@pytest.mark.parametrize(
    ("role", "code", "allowed"),
    [
        ("do", None, True),
        ("editor", "S12000049", True),  # Glasgow leads
        ("viewer", "S12000049", False),
        ("editor", "S12000047", False),  # Fife takes no part
        ("partner", None, False),
    ],
)
def test_who_may_draft_an_update(glasgow_initiative, period, role, code, allowed):
    user = person(role, code or "S12000049")
    if allowed:
        assert services.update_save_draft(user=user, initiative=glasgow_initiative, period=period, **FIRST_SAVE).pk
    else:
        with pytest.raises(PermissionDenied):
            services.update_save_draft(user=user, initiative=glasgow_initiative, period=period, **FIRST_SAVE)
        assert not ProgressUpdate.objects.exists()


def test_an_adopter_council_may_report_but_not_edit_the_initiative(glasgow_initiative, period):
    Participation.objects.create(initiative=glasgow_initiative, council=council("S12000047"), role="adopter")
    fife = person("editor", "S12000047")
    assert services.update_save_draft(user=fife, initiative=glasgow_initiative, period=period, **FIRST_SAVE).pk
    with pytest.raises(PermissionDenied):
        services.initiative_update(
            user=fife, initiative=glasgow_initiative, version=glasgow_initiative.version, title="Fife's now"
        )
    assert services.register_item_save(
        user=fife, initiative=glasgow_initiative, kind="risk", title="Staffing", likelihood=2, impact=3
    ).pk


def test_only_digital_office_staff_review(glasgow_initiative, period):
    update = ProgressUpdateFactory(initiative=glasgow_initiative, period=period, state="submitted")
    for user in (person("editor"), person("viewer"), person("partner")):
        with pytest.raises(PermissionDenied):
            services.update_approve(user=user, update=update)
    assert ProgressUpdate.objects.get(pk=update.pk).state == "submitted"


def test_council_editors_create_initiatives_only_for_their_own_council():
    from strategy.models import Theme

    editor = person("editor")
    theme = Theme.objects.first()
    created = services.initiative_create(
        user=editor, title="Online forms", summary="s", theme=theme, lead_council=council("S12000049"), stage="proposed"
    )
    assert created.reference.startswith("DO-") and created.participations.get().role == "lead"
    with pytest.raises(PermissionDenied):
        services.initiative_create(
            user=editor, title="x", summary="s", theme=theme, lead_council=council("S12000047"), stage="proposed"
        )
    with pytest.raises(PermissionDenied):
        services.initiative_create(
            user=person("viewer"),
            title="x",
            summary="s",
            theme=theme,
            lead_council=council("S12000049"),
            stage="proposed",
        )


def test_a_second_save_from_an_older_version_is_refused_and_says_what_changed(glasgow_initiative):
    editor, cdo = person("editor"), person("do")
    opened_at = glasgow_initiative.version
    services.initiative_update(user=cdo, initiative=glasgow_initiative, version=opened_at, title="Renamed by the CDO")
    with pytest.raises(services.StaleEdit) as stale:
        services.initiative_update(
            user=editor, initiative=glasgow_initiative, version=opened_at, title="Renamed by Glasgow"
        )
    assert ("title", "Renamed by the CDO") in stale.value.changes
    assert Initiative.objects.get(pk=glasgow_initiative.pk).title == "Renamed by the CDO"


def test_joining_as_adopter_is_a_request_the_lead_council_accepts(glasgow_initiative):
    fife, glasgow = person("editor", "S12000047"), person("editor")
    request = services.join_request_create(user=fife, initiative=glasgow_initiative, role="adopter")
    assert not glasgow_initiative.participations.filter(council__gss_code="S12000047").exists()
    with pytest.raises(PermissionDenied):  # only the lead council (or the Digital Office) decides
        services.join_request_decide(user=fife, join_request=request, accept=True)
    services.join_request_decide(user=glasgow, join_request=request, accept=True)
    assert glasgow_initiative.participations.filter(council__gss_code="S12000047", role="adopter").exists()
    with pytest.raises(PermissionDenied):  # already taking part
        services.join_request_create(user=fife, initiative=glasgow_initiative, role="observer")


def test_two_editors_saving_the_same_draft_do_not_overwrite_each_other(glasgow_initiative, period):
    first, second = person("editor"), person("editor", email="second@example.org")
    draft = services.update_save_draft(user=first, initiative=glasgow_initiative, period=period, **FIRST_SAVE)
    opened_at = draft.version
    services.update_save_draft(
        user=first,
        initiative=glasgow_initiative,
        period=period,
        version=opened_at,
        **{**GOOD, "next_steps": "First's plan"},
    )
    with pytest.raises(services.StaleEdit) as stale:
        services.update_save_draft(
            user=second,
            initiative=glasgow_initiative,
            period=period,
            version=opened_at,
            **{**GOOD, "next_steps": "Mine"},
        )
    assert ("next steps", "First's plan") in stale.value.changes
    assert ProgressUpdate.objects.get(pk=draft.pk).next_steps == "First's plan"
