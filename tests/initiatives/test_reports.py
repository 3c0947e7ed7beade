"""Reports made by Celery (eager in tests) and reminders for late updates."""

import pytest
from django.core import mail

from initiatives import events, reports
from initiatives.models import Reminder, Report
from initiatives.selectors import last_closed_period

pytestmark = pytest.mark.django_db

CDO = "cdo@demo.digitaloffice.scot"


def test_digital_office_staff_run_a_report_that_everyone_can_download(
    client, login_as, django_capture_on_commit_callbacks
):
    ready = []
    events.report_ready.connect(
        lambda sender, report_id, **kw: ready.append(report_id), weak=False, dispatch_uid="test-ready"
    )
    login_as(CDO)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/initiatives/reports/", {"kind": "board_pack"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == "ready" and report.period == last_closed_period()
    assert ready == [report.pk]
    events.report_ready.disconnect(dispatch_uid="test-ready")
    for email in ("viewer@glasgow.demo.digitaloffice.scot", "partner@scottish-government.demo.digitaloffice.scot"):
        login_as(email)
        assert "Download PDF" in client.get("/initiatives/reports/").content.decode()
        download = client.get(f"/initiatives/reports/{report.pk}/download/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_council_staff_cannot_run_reports(client, login_as):
    login_as("editor@glasgow.demo.digitaloffice.scot")
    assert client.post("/initiatives/reports/", {"kind": "portfolio"}).status_code == 403
    assert not Report.objects.exists()


def test_a_council_summary_needs_its_council(client, login_as):
    login_as(CDO)
    html = client.post("/initiatives/reports/", {"kind": "council_summary"}).content.decode()
    assert "Choose the council the summary is for" in html
    assert not Report.objects.exists()


def test_generating_twice_changes_nothing(demo_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.monthly_report_queue()
    first = Report.objects.get(pk=report.pk)
    again = reports.report_generate(report_id=report.pk)
    assert again.file.name == first.file.name and again.finished_at == first.finished_at
    assert reports.monthly_report_queue().pk == report.pk  # once per period
    assert Report.objects.count() == 1


def test_reminders_go_once_to_the_editors_of_late_councils(demo_data):
    counts = reports.reminders_send_overdue()
    assert counts["sent"] > 0 and counts["failed"] == 0
    assert len(mail.outbox) == counts["sent"]
    assert all(r.recipient.council_role == "editor" for r in Reminder.objects.select_related("recipient"))
    assert "Update overdue" in mail.outbox[0].subject
    again = reports.reminders_send_overdue()
    assert again["sent"] == 0 and again["skipped"] == counts["sent"]
    assert len(mail.outbox) == counts["sent"]
