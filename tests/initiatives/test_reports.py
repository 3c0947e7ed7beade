"""Reports: the figures of their period, a tagged PDF and an XLSX with the same figures, files replaced whole,
jobs that neither run twice nor stay stuck, and the monthly report e-mailed to its subscribers once."""

import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from core.models import User
from initiatives import events, reports
from initiatives.models import Initiative, Report, ReportEmail, ReportSubscription, Risk
from initiatives.reports.render import PARTIAL_FOLDER
from initiatives.selectors import last_closed_period
from tests.conftest import mark_second_factor_used
from tests.councils.factories import council
from tests.initiatives.factories import InitiativeFactory, ProgressUpdateFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

CDO = "cdo@demo.digitaloffice.scot"
TZ = datetime.UTC


def pdf_text(report):
    with report.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def workbook(report):
    with report.spreadsheet.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()), read_only=True)


def rows_of(book, sheet):
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def make(kind=Report.Kind.PORTFOLIO, period=None, council_=None):
    return reports.report_queue(kind=kind, period=period, council=council_)


@pytest.fixture
def committed_demo(transactional_db, reference_data):
    """The small demo data, committed: on_commit callbacks (the queue hand-over) run as they do in production."""
    from tests.conftest import committed_demo_data

    return committed_demo_data()


# -- reports for their period --------------------------------------------------------------------------


@pytest.fixture
def two_periods(db):
    """September and October 2026; later updates changed the status that September's report must keep."""
    september = ReportingPeriodFactory(
        starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2026, 9, 30),
        submission_opens_on=datetime.date(2026, 9, 24), submission_due_on=datetime.date(2026, 10, 10),
    )
    october = ReportingPeriodFactory()  # due 10 November 2026
    glasgow = council("S12000049")
    with time_machine.travel(datetime.datetime(2026, 8, 1, 9, tzinfo=TZ)):
        steady = InitiativeFactory(reference="DO-T901", title="Steady", lead_council=glasgow)
        late = InitiativeFactory(reference="DO-T902", title="Late", lead_council=glasgow)
        silent = InitiativeFactory(reference="DO-T903", title="Silent", lead_council=glasgow)
        closed_later = InitiativeFactory(reference="DO-T904", title="Closed later", stage="beta", lead_council=glasgow)
    on_time = datetime.datetime(2026, 10, 5, 10, tzinfo=TZ)
    ProgressUpdateFactory(initiative=steady, period=september, state="approved", submitted_at=on_time)
    october_red = ProgressUpdateFactory(
        initiative=steady, period=october, state="approved", rag_delivery="red", delivery_commentary="Slipping",
        submitted_at=datetime.datetime(2026, 11, 5, 10, tzinfo=TZ),
    )
    late_update = ProgressUpdateFactory(
        initiative=late, period=september, state="approved", rag_delivery="amber", delivery_commentary="Late",
        submitted_at=datetime.datetime(2026, 10, 15, 10, tzinfo=TZ),
    )
    Initiative.objects.filter(pk=steady.pk).update(current_update=october_red)
    Initiative.objects.filter(pk=late.pk).update(current_update=late_update)
    with time_machine.travel(datetime.datetime(2026, 11, 1, 9, tzinfo=TZ)):
        closed_later.stage = "closed"
        closed_later.save()
    return {"september": september, "october": october, "silent": silent, "closed_later": closed_later}


def test_a_report_for_a_past_period_keeps_the_figures_of_that_period(two_periods, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make(period=two_periods["september"])
    report.refresh_from_db()
    assert report.status == "ready", report.error
    figures = reports.report_figures(report)
    status = {row.initiative.reference: row.status for row in figures.rows}
    assert status["DO-T901"].rag_delivery == "green"  # today it is Red (October's update)
    assert status["DO-T902"].rag_delivery == "amber"
    assert status["DO-T903"] is None
    stages = {row.initiative.reference: row.stage for row in figures.rows}
    assert stages["DO-T904"] == "beta"  # closed in November, after the period
    delivery = next(c for c in figures.rag if c.axis == "delivery")
    assert (delivery.green, delivery.amber, delivery.red, delivery.not_reported) == (1, 1, 0, 2)
    overdue = {o.initiative.reference: o.submitted_at for o in figures.overdue}
    assert set(overdue) == {"DO-T902", "DO-T903", "DO-T904"}  # nothing submitted by 10 October
    assert overdue["DO-T902"] == datetime.datetime(2026, 10, 15, 10, tzinfo=TZ)

    text = pdf_text(report)
    assert "Reporting period September 2026" in text
    assert re.search(r"DO-T901 Steady\s+\S+\s+Alpha\s+Green", text)
    assert "15 Oct 2026" in text and "Not yet" in text
    book = workbook(report)
    summary = dict(rows_of(book, "Summary")[1:])
    assert summary["Delivery: Green"] == 1 and summary["Delivery: Red"] == 0
    assert summary["Delivery: Not reported"] == 2 and summary["Updates overdue at the deadline"] == 3
    assert summary["Stage: Beta"] == 1 and summary["Stage: Closed"] == 0
    initiatives = {row[0]: row for row in rows_of(book, "Initiatives")[1:]}
    assert initiatives["DO-T901"][4:6] == ["September 2026", "Green"]
    assert initiatives["DO-T903"][4] == "Not reported" and initiatives["DO-T903"][-1] == "Yes"
    overdue_sheet = {row[0]: row for row in rows_of(book, "Overdue")[1:]}
    assert overdue_sheet["DO-T902"][3] == datetime.datetime(2026, 10, 15, 11, 0)  # UK time
    assert overdue_sheet["DO-T903"][3:] in ([], [None])  # not submitted yet: an empty cell


def test_the_next_period_shows_the_later_status(two_periods, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make(period=two_periods["october"])
    status = {row.initiative.reference: row.status for row in reports.report_figures(report).rows}
    assert status["DO-T901"].rag_delivery == "red"
    assert status["DO-T902"].period == two_periods["september"]  # its latest approved, not a later one


def test_a_council_summary_covers_the_initiatives_its_council_took_part_in(two_periods):
    fife = council("S12000047")
    InitiativeFactory(reference="DO-T905", lead_council=fife)
    report = Report.objects.create(kind=Report.Kind.COUNCIL_SUMMARY, period=two_periods["september"], council=fife)
    assert [row.initiative.reference for row in reports.report_figures(report).rows] == ["DO-T905"]


# -- the files ---------------------------------------------------------------------------------------------


def test_digital_office_staff_run_a_report_that_everyone_can_download(
    client, login_as, django_capture_on_commit_callbacks
):
    ready = []
    events.report_ready.connect(
        lambda sender, report_id, **kw: ready.append(report_id), weak=False, dispatch_uid="test-ready"
    )
    login_as(CDO)
    assert "Run a report" in client.get("/initiatives/reports/").content.decode()  # not hidden in a toggle
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/initiatives/reports/", {"kind": "board_pack"}, follow=True)
    assert "is being made" in response.content.decode()
    report = Report.objects.get()
    assert report.status == "ready" and report.period == last_closed_period()
    assert ready == [report.pk]
    events.report_ready.disconnect(dispatch_uid="test-ready")
    for email in ("viewer@glasgow.demo.digitaloffice.scot", "partner@scottish-government.demo.digitaloffice.scot"):
        login_as(email)
        html = client.get("/initiatives/reports/").content.decode()
        assert "Run a report" not in html and f"/initiatives/reports/{report.pk}/download/xlsx/" in html
        pdf = client.get(f"/initiatives/reports/{report.pk}/download/")
        assert pdf.status_code == 200 and pdf["Content-Disposition"].endswith(".pdf\"")
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")
        xlsx = client.get(f"/initiatives/reports/{report.pk}/download/xlsx/")
        assert b"".join(xlsx.streaming_content).startswith(b"PK")


def test_the_pdf_is_tagged_with_a_structure_tree(demo_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = make(kind=Report.Kind.BOARD_PACK)
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("Board pack")
    assert catalog["/StructTreeRoot"]["/K"]  # the tree has content


def test_the_board_packs_top_risks_are_sorted_by_likelihood_times_impact(two_periods):
    steady = Initiative.objects.get(reference="DO-T901")
    for title, likelihood, impact, mitigation in [
        ("Five by one", 5, 1, "Watch"), ("Two by four", 2, 4, "Plan"), ("Three by three", 3, 3, "Act"),
        ("One by five", 1, 5, ""), ("Closed one", 5, 5, "Done"),
    ]:
        Risk.objects.create(initiative=steady, title=title, likelihood=likelihood, impact=impact,
                            mitigation=mitigation, status="closed" if title == "Closed one" else "open")
    report = Report.objects.create(kind=Report.Kind.BOARD_PACK, period=two_periods["september"])
    figures = reports.report_figures(report)
    assert [r.title for r in figures.top_risks] == ["Three by three", "Two by four", "One by five", "Five by one"]
    html = render_to_string("initiatives/reports/report.html", {"figures": figures, "report": report})
    assert not re.search(r"<li>\s*</li>", html) and not re.search(r"<td>\s*</td>", html)


def test_no_table_row_is_split_across_pages(two_periods):
    from weasyprint import HTML

    steady = Initiative.objects.get(reference="DO-T901")
    for number in range(40):
        Risk.objects.create(initiative=steady, title=f"Risk {number}", likelihood=3, impact=3,
                            mitigation="A long mitigation that wraps over several lines. " * 12)
    report = Report.objects.create(kind=Report.Kind.BOARD_PACK, period=two_periods["september"])
    figures = reports.report_figures(report)
    html = render_to_string("initiatives/reports/report.html", {"figures": figures, "report": report})
    document = HTML(string=html).render()
    assert len(document.pages) > 2
    seen = {}
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if type(box).__name__ == "TableRowGroupBox" and box.element is not None and box.element.tag == "tbody":
                for row in box.children:
                    seen.setdefault(id(row.element), set()).add(number)
    assert seen and all(len(pages) == 1 for pages in seen.values())


def test_making_it_again_replaces_the_files_whole(demo_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = make()
    first.refresh_from_db()
    old_pdf, old_xlsx = first.file.name, first.spreadsheet.name
    assert reports.report_generate(report_id=first.pk, request_number=first.request_number) is None  # a repeat: nothing
    with django_capture_on_commit_callbacks(execute=True):
        again = make()
    again.refresh_from_db()
    assert again.pk == first.pk and again.request_number == first.request_number + 1 and again.status == "ready"
    assert again.file.name != old_pdf and again.file.storage.exists(again.file.name)
    assert not again.file.storage.exists(old_pdf) and not again.file.storage.exists(old_xlsx)
    assert Report.objects.count() == 1
    # A job of the first request delivered late does nothing to the newer files.
    assert reports.report_generate(report_id=first.pk, request_number=first.request_number) is None
    assert Report.objects.get().file.name == again.file.name


def test_the_report_command_queues_and_waits(committed_demo, capsys):
    period = last_closed_period()
    call_command("report", "generate", "--kind", "council", "--council", "S12000049",
                 "--period", f"{period.starts_on:%Y-%m}", "--wait", "--timeout", "30")
    report = Report.objects.get()
    assert report.kind == "council_summary" and report.council.gss_code == "S12000049" and report.status == "ready"
    assert "Ready:" in capsys.readouterr().out


def test_council_staff_cannot_run_reports(client, login_as):
    login_as("editor@glasgow.demo.digitaloffice.scot")
    assert client.post("/initiatives/reports/", {"kind": "portfolio"}).status_code == 403
    assert not Report.objects.exists()


def test_a_council_summary_needs_its_council(client, login_as):
    login_as(CDO)
    html = client.post("/initiatives/reports/", {"kind": "council_summary"}).content.decode()
    assert "Choose the council the summary is for" in html
    assert not Report.objects.exists()


# -- jobs that survive their workers -----------------------------------------------------------------


def test_a_second_request_while_it_is_being_made_is_not_queued_twice(demo_data, client, login_as):
    login_as(CDO)
    client.post("/initiatives/reports/", {"kind": "portfolio"})  # on_commit not run: stays queued
    Report.objects.update(enqueued_at=timezone.now())
    html = client.post("/initiatives/reports/", {"kind": "portfolio"}, follow=True).content.decode()
    assert "is already being made" in html
    assert Report.objects.get().request_number == 1


@override_settings(JOB_STALE_AFTER_SECONDS=30, REPORT_MAX_ATTEMPTS=2)
def test_a_report_whose_worker_died_is_made_again_by_the_sweep(demo_data, django_capture_on_commit_callbacks):
    period = last_closed_period()
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    stuck = Report.objects.create(kind="portfolio", period=period, status="running", attempts=1,
                                  started_at=long_ago, heartbeat_at=long_ago, enqueued_at=long_ago)
    assert reports.monthly_report_queue().pk == stuck.pk  # not a second row
    with django_capture_on_commit_callbacks(execute=True):
        counts = reports.report_sweep()
    stuck.refresh_from_db()
    assert counts["requeued"] == 1 and stuck.status == "ready" and stuck.attempts == 2


@override_settings(JOB_STALE_AFTER_SECONDS=30, REPORT_MAX_ATTEMPTS=2)
def test_a_report_whose_worker_keeps_dying_fails_with_the_reason(demo_data):
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    stuck = Report.objects.create(kind="board_pack", period=last_closed_period(), status="running", attempts=2,
                                  started_at=long_ago, heartbeat_at=long_ago)
    assert reports.report_sweep()["failed"] == 1
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "stopped 2 times" in stuck.error


def test_a_running_report_with_a_fresh_heartbeat_is_left_alone(demo_data):
    now = timezone.now()
    running = Report.objects.create(kind="portfolio", period=last_closed_period(), status="running", attempts=1,
                                    started_at=now, heartbeat_at=now, enqueued_at=now)
    assert reports.report_generate(report_id=running.pk, request_number=running.request_number) is None  # a duplicate
    assert reports.report_sweep()["requeued"] == 0
    running.refresh_from_db()
    assert running.status == "running" and running.attempts == 1


def test_partial_files_left_by_a_dead_worker_are_removed(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    folder = tmp_path / PARTIAL_FOLDER
    folder.mkdir(parents=True)
    left = folder / "dead.part"
    left.write_bytes(b"%PDF-half")
    old = (timezone.now() - datetime.timedelta(hours=1)).timestamp()
    import os

    os.utime(left, (old, old))
    assert reports.report_sweep()["partial_files"] == 1 and not left.exists()


def test_a_report_asked_for_while_the_queue_is_down_is_made_when_it_is_back(committed_demo, client, monkeypatch):
    import kombu.exceptions

    from initiatives import tasks

    def unreachable(*args, **kwargs):
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    cdo = User.objects.get(email=CDO)
    client.force_login(cdo)
    mark_second_factor_used(client, cdo)
    with monkeypatch.context() as patch:
        patch.setattr(tasks.generate_report, "apply_async", unreachable)
        response = client.post("/initiatives/reports/", {"kind": "portfolio"}, follow=True)
    assert response.status_code == 200
    assert "will be made as soon as the queue is back" in response.content.decode()
    report = Report.objects.get()
    assert report.status == "queued" and report.enqueued_at is None
    assert reports.report_sweep()["resent"] == 1
    report.refresh_from_db()
    assert report.status == "ready"


# -- the monthly report by e-mail --------------------------------------------------------------------


def test_subscribers_receive_the_monthly_report_once(demo_data, client, login_as, django_capture_on_commit_callbacks):
    login_as(CDO)
    for email in ("viewer@glasgow.demo.digitaloffice.scot", "partner@scottish-government.demo.digitaloffice.scot"):
        client.post("/initiatives/reports/settings/", {"form": "subscriber", "email": email})
    html = client.post("/initiatives/reports/settings/", {"form": "subscriber", "email": "nobody@example.org"}).content
    assert "No active portal account has this e-mail address" in html.decode()
    assert ReportSubscription.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.monthly_report_queue()
    report.refresh_from_db()
    assert report.status == "ready"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "partner@scottish-government.demo.digitaloffice.scot", "viewer@glasgow.demo.digitaloffice.scot"]
    message = mail.outbox[0]
    assert message.subject == f"Monthly portfolio report for {report.period.label}"
    assert message.alternatives[0][1] == "text/html"
    assert sorted(name for name, _content, _type in message.attachments) == [
        f"portfolio-{report.period.starts_on:%Y-%m}.pdf", f"portfolio-{report.period.starts_on:%Y-%m}.xlsx"]
    assert "/initiatives/reports/" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_queue(kind="portfolio", period=report.period)  # made again: not sent again
    assert len(mail.outbox) == 2
    assert ReportEmail.objects.filter(status="sent").count() == 2


def test_only_digital_office_staff_manage_subscribers(client, login_as):
    login_as("editor@glasgow.demo.digitaloffice.scot")
    assert client.get("/initiatives/reports/settings/").status_code == 403
    assert client.post("/initiatives/reports/settings/", {"form": "subscriber", "email": CDO}).status_code == 403
    assert client.get("/initiatives/reports/reminders/").status_code == 403
    assert not ReportSubscription.objects.exists()


def test_the_status_of_listed_reports_refreshes_without_a_page(demo_data, client, login_as):
    report = Report.objects.create(kind="portfolio", period=last_closed_period(), status="running")
    login_as("viewer@glasgow.demo.digitaloffice.scot")
    body = client.get(f"/initiatives/reports/status/?ids={report.pk},x").json()
    assert body["reports"][0]["status"] == "running" and "Being made" in body["reports"][0]["html"]
    assert client.get("/initiatives/reports/status/?ids=1").status_code == 200
    client.logout()
    assert client.get(f"/initiatives/reports/status/?ids={report.pk}").status_code == 302



def test_a_job_delivered_again_after_its_process_died_takes_over_at_once(demo_data, django_capture_on_commit_callbacks):
    """Killing a worker's pool process gives its message back (reject on worker lost): the redelivery makes it."""
    import socket
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()
    now = timezone.now()
    report = Report.objects.create(kind="portfolio", period=last_closed_period(), status="running", attempts=1,
                                   started_at=now, heartbeat_at=now, enqueued_at=now,
                                   claimed_by=f"{socket.gethostname()}:{dead.pid}")
    with django_capture_on_commit_callbacks(execute=True):
        made = reports.report_generate(report_id=report.pk, request_number=report.request_number)
    assert made is not None and made.status == "ready" and made.attempts == 2
