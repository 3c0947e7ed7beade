"""Publishing: the monthly job (one publication per period, however often it runs), the changelog and the archive,
and the office's controls (what is public, publish and withdraw, preview, history), a withdrawal served at once by
the pages, the caches and every stored file."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client

from core.models import User
from initiatives import services as portfolio_services
from initiatives.models import Initiative, ReportingPeriod
from public import selectors, services, tasks
from public.models import Publication
from tests.conftest import signed_in_with_two_factor

pytestmark = pytest.mark.django_db
CDO = "cdo@demo.digitaloffice.scot"


def test_the_job_publishes_each_closed_period_once(demo_data):
    Publication.objects.all().delete()
    period = ReportingPeriod.objects.filter(updates__state="approved").distinct().order_by("-starts_on")[1]
    day = period.submission_due_on + datetime.timedelta(days=30)  # approvals closed, the next period still open
    nxt = ReportingPeriod.objects.filter(starts_on__gt=period.starts_on).order_by("starts_on").first()
    day = min(day, nxt.submission_due_on)
    first = services.publication_publish_due(on=day)
    again = services.publication_publish_due(on=day)
    assert first is not None and first == again
    assert Publication.objects.count() == 1
    publication = Publication.objects.get()
    assert publication.period == ReportingPeriod.objects.filter(submission_due_on__lt=day).order_by(
        "-starts_on").first()
    for name in publication.files.values():
        assert default_storage.exists(name)
    assert publication.changelog[0]["change"] == "First publication."
    later = nxt.submission_due_on + datetime.timedelta(days=30)
    tasks.publish_due_snapshot.apply(kwargs={}).get()  # the task as beat sends it (today: the latest closed period)
    services.publication_publish_due(on=later)
    services.publication_publish_due(on=later)
    assert Publication.objects.filter(period=nxt).count() == 1
    assert Publication.objects.count() >= 2


def test_approvals_still_open_wait(demo_data, settings):
    period = ReportingPeriod.objects.order_by("-starts_on").first()
    assert not services.approvals_closed(period, on=period.submission_due_on)
    settings.PUBLIC_PUBLISH_DAYS_AFTER_DUE = 3
    assert services.approvals_closed(period, on=period.submission_due_on + datetime.timedelta(days=3))


def test_the_office_lists_previews_and_publishes(demo_data, login_as):
    client = login_as(CDO)
    proposed = Initiative.objects.filter(stage="proposed").first()
    page = client.get("/office/public/")
    assert page.status_code == 200 and proposed.reference in page.content.decode()
    preview = client.get(f"/office/public/{proposed.reference}/preview/")
    assert preview.status_code == 200 and proposed.title in preview.content.decode()
    assert "Preview" in preview.content.decode()
    assert Client().get(f"/public/initiatives/{proposed.reference}/").status_code == 404

    response = client.post(f"/office/public/{proposed.reference}/publish/", {"publication": "public"})
    assert response.status_code == 302
    public = Client().get(f"/public/initiatives/{proposed.reference}/")
    assert public.status_code == 200 and proposed.title in public.content.decode()
    assert proposed.reference in Client().get("/public/data/latest/initiatives.csv").content.decode()
    latest = Publication.objects.first()
    assert any(c["reference"] == proposed.reference for c in latest.changelog)
    history = Initiative.history.filter(id=proposed.pk).order_by("-history_date").first()
    assert history.publication == "public" and history.history_user.email == CDO
    assert proposed.reference in client.get("/office/public/").content.decode().split('id="history"')[1]


def test_a_withdrawal_takes_effect_at_once_everywhere(demo_data, login_as, django_capture_on_commit_callbacks):
    latest = Publication.objects.first()
    row = latest.data["initiatives"][0]
    reference, title = row["reference"], row["title"]
    older = Publication.objects.create(
        period=ReportingPeriod.objects.filter(starts_on__lt=latest.period.starts_on).order_by("-starts_on").first(),
        published_at=latest.published_at, modified_at=latest.modified_at, data=latest.data,
        files=services.files.write("public/test-older", latest.data["period"], services.files.read_tables(
            latest.files)), changelog=[])
    old_files = list(latest.files.values()) + list(older.files.values())
    before = Client().get("/public/")  # cached now
    assert title in before.content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the replaced files are removed once it commits
        login_as(CDO).post(f"/office/public/{reference}/publish/", {"publication": "withheld"})

    assert Initiative.objects.get(reference=reference).pk not in selectors.public_initiative_ids()
    assert Client().get(f"/public/initiatives/{reference}/").status_code == 404
    assert title not in Client().get("/public/").content.decode()
    assert Client().get("/public/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    for publication in Publication.objects.all():
        period = "latest" if publication.pk == latest.pk else f"{publication.period.starts_on:%Y-%m}"
        for name in publication.files:
            body = Client().get(f"/public/data/{period}/{name}")
            assert body.status_code == 200
            if not name.endswith(".xlsx"):
                assert reference not in body.content.decode("utf-8-sig"), (period, name)
    assert not any(default_storage.exists(name) for name in old_files)


def test_only_the_office_controls_publication(demo_data, login_as):
    reference = Initiative.objects.first().reference
    editor = login_as("editor@glasgow.demo.digitaloffice.scot")
    assert editor.get("/office/public/").status_code == 403
    assert editor.post(f"/office/public/{reference}/publish/", {"publication": "public"}).status_code == 403
    assert editor.get(f"/office/public/{reference}/preview/").status_code == 403
    assert Client().get("/office/public/").status_code == 302


def test_an_initiative_leaving_a_public_stage_leaves_at_once(demo_data, django_capture_on_commit_callbacks):
    reference = Publication.objects.first().data["initiatives"][0]["reference"]
    initiative = Initiative.objects.get(reference=reference)
    assert initiative.publication == "by_stage"
    cdo = signed_in_with_two_factor(User.objects.get(email=CDO))
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_services.initiative_update(user=cdo, initiative=initiative, version=initiative.version,
                                             stage="paused")
    assert Client().get(f"/public/initiatives/{reference}/").status_code == 404
    assert reference not in Client().get("/public/data/latest/initiatives.csv").content.decode("utf-8-sig")


def test_a_rewrite_rolled_back_after_a_page_was_read_leaves_nothing_behind(demo_data,
                                                                           django_capture_on_commit_callbacks):
    """Fault guarded: the page data remembered per generation number, which a rolled-back rewrite hands on to the
    next rewrite (whose pages then showed what the rolled-back one held)."""
    reference = Publication.objects.first().data["initiatives"][0]["reference"]
    initiative = Initiative.objects.get(reference=reference)

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        services.publications_refresh(withdrawn=set(), note=[])  # the next generation, the initiative still in it
        assert Client().get(f"/public/initiatives/{reference}/").status_code == 200
        raise Undone
    cdo = signed_in_with_two_factor(User.objects.get(email=CDO))
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_services.initiative_update(user=cdo, initiative=initiative, version=initiative.version,
                                             stage="paused")  # the same generation number, without it
    assert Client().get(f"/public/initiatives/{reference}/").status_code == 404
