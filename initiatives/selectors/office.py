"""What Digital Office staff set (reminder delays, the board date), the reminder log and the report's subscribers."""

import datetime

from ..models import OfficeSettings, Reminder, ReportEmail, ReportSubscription

__all__ = ["last_board_date", "office_settings", "reminder_log", "report_emails_recent", "report_subscriptions"]


def office_settings() -> OfficeSettings:
    """The settings in force: the saved row, or the defaults before anyone has saved them."""
    return OfficeSettings.objects.filter(pk=1).first() or OfficeSettings(pk=1)


def last_board_date() -> datetime.date | None:
    """The date of the last board meeting, as Digital Office staff set it (the dashboard's "since the last board")."""
    return OfficeSettings.objects.filter(pk=1).values_list("last_board_on", flat=True).first()


def reminder_log():
    """Every reminder sent, newest first, with what the log page shows."""
    return Reminder.objects.select_related("initiative", "period", "recipient").order_by("-created_at", "-pk")


def report_emails_recent(limit=50):
    return ReportEmail.objects.select_related("report", "report__period", "recipient").order_by("-created_at")[:limit]


def report_subscriptions():
    return ReportSubscription.objects.select_related("user", "user__council", "user__partner").order_by("user__email")
