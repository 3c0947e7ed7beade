"""Views of the portfolio: parse input, call one service or selector, render. One module per concern."""

from .common import PAGE_SIZE
from .portfolio import (
    REGISTERS,
    initiative_create,
    initiative_detail,
    initiative_edit,
    initiative_join,
    initiative_list,
    join_request_decide,
    period_reopen,
    register_item_delete,
    register_item_edit,
    strategy_coverage,
    strategy_overview,
)
from .reports import office_settings, reminder_log, report_download, report_list, report_status, subscriber_remove
from .updates import my_council, review_queue, update_edit, update_review

__all__ = [
    "PAGE_SIZE",
    "REGISTERS",
    "initiative_create",
    "initiative_detail",
    "initiative_edit",
    "initiative_join",
    "initiative_list",
    "join_request_decide",
    "my_council",
    "office_settings",
    "period_reopen",
    "register_item_delete",
    "register_item_edit",
    "reminder_log",
    "report_download",
    "report_list",
    "report_status",
    "review_queue",
    "strategy_coverage",
    "strategy_overview",
    "subscriber_remove",
    "update_edit",
    "update_review",
]
