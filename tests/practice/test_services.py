"""The library's rules as services apply them: the workflow and its four eyes, adoption for one's own council only
and its yearly lapse, files checked and versioned, and an initiative that cannot close without its lessons."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from initiatives import services as portfolio
from initiatives.models import Initiative
from practice import services
from practice.models import Adoption, Asset, Lesson

from .conftest import CDO, CTO, FIFE_EDITOR, GLASGOW_EDITOR, GLASGOW_VIEWER, HIGHLAND_EDITOR

pytestmark = pytest.mark.django_db


def draft(people, glasgow, next_year, **fields):
    values = {"kind": Asset.Kind.PLAYBOOK, "title": "Parking permits playbook", "summary": "How we did it.",
              "body": "## Steps\n\n<script>alert(1)</script>", "review_by": next_year}
    values.update(fields)
    return services.asset_create(user=people[GLASGOW_EDITOR], council=glasgow, **values)


def test_an_asset_goes_from_draft_to_published_and_the_submitter_cannot_publish_it(people, glasgow, next_year):
    asset = draft(people, glasgow, next_year)
    assert asset.state == Asset.State.DRAFT and asset.owner == people[GLASGOW_EDITOR]
    with pytest.raises(PermissionDenied):
        services.asset_submit(user=people[FIFE_EDITOR], asset=asset)
    services.asset_submit(user=people[CDO], asset=asset)
    with pytest.raises(PermissionDenied):  # four eyes: the CDO submitted it
        services.asset_publish(user=people[CDO], asset=asset)
    with pytest.raises(PermissionDenied):  # and an editor never publishes
        services.asset_publish(user=people[GLASGOW_EDITOR], asset=asset)
    published = services.asset_publish(user=people[CTO], asset=asset)
    assert published.state == Asset.State.PUBLISHED and published.reviewed_by == people[CTO]
    assert published.published_at is not None


def test_the_creator_cannot_publish_what_they_wrote_even_if_someone_else_submitted_it(people, next_year):
    asset = services.asset_create(user=people[CDO], council=None, kind=Asset.Kind.CODE, title="Forms kit",
                                  summary="A kit.", review_by=next_year)
    services.asset_submit(user=people[CTO], asset=asset)
    with pytest.raises(PermissionDenied):
        services.asset_publish(user=people[CDO], asset=asset)
    with pytest.raises(PermissionDenied):
        services.asset_publish(user=people[CTO], asset=asset)


def test_returning_needs_a_comment_and_tells_the_submitter(people, glasgow, next_year,
                                                           django_capture_on_commit_callbacks):
    asset = draft(people, glasgow, next_year)
    services.asset_submit(user=people[GLASGOW_EDITOR], asset=asset)
    with pytest.raises(ValidationError) as error:
        services.asset_return(user=people[CDO], asset=asset, comment="  ")
    assert "comment" in error.value.error_dict
    with django_capture_on_commit_callbacks(execute=True):
        returned = services.asset_return(user=people[CDO], asset=asset, comment="Add the costs.")
    assert returned.state == Asset.State.RETURNED and returned.review_comment == "Add the costs."
    assert [m.to for m in mail.outbox] == [[GLASGOW_EDITOR]] and "Add the costs." in mail.outbox[0].body
    services.asset_submit(user=people[GLASGOW_EDITOR], asset=returned)  # back in the queue


def test_the_summary_is_at_most_150_characters_and_links_are_web_addresses(people, glasgow, next_year):
    with pytest.raises(ValidationError) as error:
        draft(people, glasgow, next_year, summary="x" * 151, links="ftp://example.org/file")
    assert {"summary", "links"} <= set(error.value.error_dict)


def test_only_the_councils_editors_and_the_office_add_its_assets(people, glasgow, next_year):
    for email in (FIFE_EDITOR, GLASGOW_VIEWER):
        with pytest.raises(PermissionDenied):
            services.asset_create(user=people[email], council=glasgow, kind=Asset.Kind.PLAYBOOK, title="x",
                                  summary="y", review_by=next_year)
    with pytest.raises(PermissionDenied):  # the office's own are the office's
        services.asset_create(user=people[GLASGOW_EDITOR], council=None, kind=Asset.Kind.PLAYBOOK, title="x",
                              summary="y", review_by=next_year)


def test_files_are_checked_and_a_second_upload_under_the_same_title_is_its_next_version(people, glasgow, next_year):
    asset = draft(people, glasgow, next_year)
    pdf = SimpleUploadedFile("guide.pdf", b"%PDF-1.4 guide", content_type="application/pdf")
    first = services.asset_file_add(user=people[GLASGOW_EDITOR], asset=asset, upload=pdf, title="Guide")
    second = services.asset_file_add(user=people[GLASGOW_EDITOR], asset=asset, title="Guide", upload=SimpleUploadedFile(
        "guide-v2.pdf", b"%PDF-1.7 guide", content_type="application/pdf"))
    assert (first.version, second.version) == (1, 2)
    assert second.file.open("rb").read() == b"%PDF-1.7 guide"
    with pytest.raises(ValidationError, match="not what its name says"):
        services.asset_file_add(user=people[GLASGOW_EDITOR], asset=asset, upload=SimpleUploadedFile(
            "fake.pdf", b"MZ executable", content_type="application/pdf"))
    with pytest.raises(ValidationError, match="Upload a PDF"):
        services.asset_file_add(user=people[GLASGOW_EDITOR], asset=asset, upload=SimpleUploadedFile(
            "run.exe", b"MZ", content_type="application/octet-stream"))


def test_files_larger_than_the_limit_are_refused(people, glasgow, next_year, settings):
    settings.PRACTICE_FILE_MAX_BYTES = 1024 * 1024
    asset = draft(people, glasgow, next_year)
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        services.asset_file_add(user=people[GLASGOW_EDITOR], asset=asset, upload=SimpleUploadedFile(
            "big.pdf", b"%PDF-" + b"0" * (1024 * 1024), content_type="application/pdf"))


def test_an_asset_past_its_review_date_needs_an_update_and_its_owner_is_reminded_once(
        people, playbook, django_capture_on_commit_callbacks):
    later = playbook.review_by + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.assets_review_due(on=later)["needs_update"] >= 1
        assert services.assets_review_due(on=later)["needs_update"] == 0  # idempotent
    playbook.refresh_from_db()
    assert playbook.state == Asset.State.NEEDS_UPDATE
    assert [m.to for m in mail.outbox if playbook.title in m.subject] == [[GLASGOW_EDITOR]]


def test_a_council_declares_adoption_for_itself_only_and_the_owner_confirms(people, playbook):
    with pytest.raises(PermissionDenied):  # the owning council does not adopt its own
        services.adoption_declare(user=people[GLASGOW_EDITOR], asset=playbook, state="using")
    with pytest.raises(PermissionDenied):  # the office declares for no council
        services.adoption_declare(user=people[CDO], asset=playbook, state="using")
    adoption = services.adoption_declare(user=people[HIGHLAND_EDITOR], asset=playbook, state="using")
    assert adoption.council == people[HIGHLAND_EDITOR].council and adoption.confirmed_at is None
    with pytest.raises(PermissionDenied):  # another adopter does not confirm it
        services.adoption_confirm(user=people[FIFE_EDITOR], adoption=adoption)
    confirmed = services.adoption_confirm(user=people[GLASGOW_EDITOR], adoption=adoption)
    assert confirmed.confirmed_by == people[GLASGOW_EDITOR]
    with pytest.raises(ValidationError, match="why"):
        services.adoption_declare(user=people[HIGHLAND_EDITOR], asset=playbook, state="stopped")
    stopped = services.adoption_declare(user=people[HIGHLAND_EDITOR], asset=playbook, state="stopped",
                                        reason="Moved to the national system.")
    assert stopped.pk == adoption.pk and stopped.confirmed_at is None  # a changed declaration waits again


def test_a_draft_cannot_be_adopted(people, glasgow, next_year):
    asset = draft(people, glasgow, next_year)
    with pytest.raises(PermissionDenied):
        services.adoption_declare(user=people[FIFE_EDITOR], asset=asset, state="interested")


def test_using_is_reconfirmed_yearly_or_lapses_to_unconfirmed(people, playbook, django_capture_on_commit_callbacks):
    adoption = services.adoption_declare(user=people[HIGHLAND_EDITOR], asset=playbook, state="using")
    start = adoption.using_confirmed_on
    a_year_on = start + datetime.timedelta(days=services.RECONFIRM_AFTER_DAYS)
    with django_capture_on_commit_callbacks(execute=True):
        services.adoptions_reconfirm_due(on=a_year_on - datetime.timedelta(days=1))
        adoption.refresh_from_db()
        assert adoption.reminded_on is None
        services.adoptions_reconfirm_due(on=a_year_on)
    adoption.refresh_from_db()
    assert adoption.reminded_on == a_year_on and adoption.state == Adoption.State.USING
    assert any(HIGHLAND_EDITOR in m.to and playbook.title in m.subject for m in mail.outbox)
    services.adoptions_reconfirm_due(on=a_year_on + datetime.timedelta(days=services.RECONFIRM_GRACE_DAYS - 1))
    adoption.refresh_from_db()
    assert adoption.state == Adoption.State.USING
    services.adoptions_reconfirm_due(on=a_year_on + datetime.timedelta(days=services.RECONFIRM_GRACE_DAYS))
    adoption.refresh_from_db()
    assert adoption.state == Adoption.State.UNCONFIRMED  # never silently kept
    with time_machine.travel(a_year_on + datetime.timedelta(days=40)):
        back = services.adoption_reconfirm(user=people[HIGHLAND_EDITOR], adoption=adoption)
    assert back.state == Adoption.State.USING and back.reminded_on is None


def _initiative(stage):
    return Initiative.objects.filter(lead_council__gss_code="S12000049", stage=stage).first()


def test_closing_an_initiative_without_its_lessons_is_refused_saying_what_to_write(people):
    initiative = Initiative.objects.filter(lead_council__gss_code="S12000049").exclude(stage="closed").first()
    with pytest.raises(ValidationError) as error:
        portfolio.initiative_update(user=people[GLASGOW_EDITOR], initiative=initiative, version=initiative.version,
                                    stage="closed")
    message = " ".join(error.value.error_dict["stage"][0].messages)
    assert "what worked" in message and "what did not work" in message and "what you would do again" in message
    assert f"/practice/lessons/{initiative.reference}/closed/" in message
    initiative.refresh_from_db()
    assert initiative.stage != "closed"


def test_a_pause_is_not_a_stage_gate(people):
    initiative = Initiative.objects.filter(lead_council__gss_code="S12000049", stage__in=["alpha", "beta", "live"]
                                           ).first()
    portfolio.initiative_update(user=people[GLASGOW_EDITOR], initiative=initiative, version=initiative.version,
                                stage="paused")
    initiative.refresh_from_db()
    assert initiative.stage == "paused"


def test_recording_lessons_drafts_a_lessons_asset_and_moves_the_initiative_on(people):
    initiative = Initiative.objects.filter(lead_council__gss_code="S12000049").exclude(stage="closed").first()
    with pytest.raises(ValidationError) as error:
        services.lesson_record(user=people[GLASGOW_EDITOR], initiative=initiative, to_stage="closed",
                               version=initiative.version, what_worked="", what_did_not="x", do_again="")
    assert {"what_worked", "do_again"} == set(error.value.error_dict)
    lesson = services.lesson_record(
        user=people[GLASGOW_EDITOR], initiative=initiative, to_stage="closed", version=initiative.version,
        what_worked="Weekly show and tells.", what_did_not="Late procurement.", do_again="Research with tenants.",
        points=[(1, "green", "Keep researching."), (5, "amber", "Test with screen readers.")])
    initiative.refresh_from_db()
    assert initiative.stage == "closed" and lesson.stage_changed
    asset = lesson.asset
    assert asset.kind == Asset.Kind.LESSONS and asset.state == Asset.State.DRAFT
    assert asset.initiative_id == initiative.pk
    assert asset.council_id == initiative.lead_council_id
    assert "Weekly show and tells." in asset.body and "Understand users and their needs" in asset.body
    assert "Test with screen readers." in asset.body
    assert list(lesson.standard_points.values_list("criterion", "rating")) == [(1, "green"), (5, "amber")]
    assert Lesson.objects.filter(initiative=initiative).count() == 1


def test_a_forward_stage_move_also_asks_for_lessons_but_another_council_cannot_record_them(people):
    initiative = Initiative.objects.filter(lead_council__gss_code="S12000049", stage="alpha").first() or \
        Initiative.objects.filter(lead_council__gss_code="S12000049", stage__in=["proposed", "discovery"]).first()
    target = {"proposed": "discovery", "discovery": "alpha", "alpha": "beta"}[initiative.stage]
    with pytest.raises(ValidationError):
        portfolio.initiative_update(user=people[GLASGOW_EDITOR], initiative=initiative, version=initiative.version,
                                    stage=target)
    with pytest.raises(PermissionDenied):
        services.lesson_record(user=people[FIFE_EDITOR], initiative=initiative, to_stage=target,
                               version=initiative.version, what_worked="a", what_did_not="b", do_again="c")
