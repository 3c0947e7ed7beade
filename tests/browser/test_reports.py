"""The Reports page in the browser: the main action in view, the status of a running report refreshing by itself
(no reload) and announced in a live region, and the settings and reminder log pages, each checked with axe."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from initiatives.models import Report
from initiatives.selectors import last_closed_period

pytestmark = pytest.mark.browser

CDO = "cdo@demo.digitaloffice.scot"


def test_a_running_report_turns_ready_on_the_page_without_a_reload(visitor):
    page = visitor.page
    visitor.login(CDO)
    period = last_closed_period()
    report = Report.objects.create(kind="board_pack", period=period, status="running", started_at=timezone.now(),
                                   heartbeat_at=timezone.now())
    visitor.goto("/initiatives/reports/")
    expect(page.get_by_role("button", name="Run report")).to_be_visible()  # not behind a toggle
    expect(page.get_by_role("radio", name="Board pack")).to_be_visible()
    row = page.locator(f'tr[data-report-id="{report.pk}"]')
    expect(row).to_contain_text("Being made")
    visitor.check_accessibility("reports")
    page.evaluate("window.__notReloaded = true")

    Report.objects.filter(pk=report.pk).update(status="ready", finished_at=timezone.now())
    expect(row).to_contain_text("Ready", timeout=15_000)
    expect(page.locator("#report-announcer")).to_have_text(f"Board pack for {period.label}: ready")
    assert page.evaluate("window.__notReloaded") is True
    visitor.check_accessibility("reports-refreshed")


def test_the_settings_and_reminder_log_pages(visitor):
    page = visitor.page
    visitor.login(CDO)
    visitor.goto("/initiatives/reports/")
    page.get_by_role("link", name="Reminders, board date and who receives the monthly report").click()
    expect(page.locator("h1")).to_have_text("Reminders and reports settings")
    visitor.check_accessibility("report-settings")
    page.fill("#id_reminder_days_before_close", "30")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".ds_error-summary")).to_contain_text("Enter a number of days from 1 to 14")
    assert page.title().startswith("Error:")
    visitor.check_accessibility("report-settings-error")
    page.fill("#id_reminder_days_before_close", "4")
    page.fill("#id_last_board_on", "2026-09-15")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".portal-messages")).to_contain_text("Settings saved.")
    page.fill("#id_email", "viewer@glasgow.demo.digitaloffice.scot")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#subscribers ~ .ds_table-wrapper")).to_contain_text("viewer@glasgow.demo.digitaloffice.scot")
    visitor.goto("/initiatives/reports/reminders/")
    expect(page.locator("h1")).to_have_text("Reminder log")
    visitor.check_accessibility("reminder-log")
