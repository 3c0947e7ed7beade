"""My council when a group holds more tasks than a page: each group has its own Design System pagination, reached
and followed with the keyboard alone, and the page passes axe on every page of the group."""

import re

import pytest
from playwright.sync_api import expect

from councils.models import Council
from initiatives.selectors import last_closed_period
from tests.browser.test_keyboard_journey import Keyboard
from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.browser

GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"


def test_a_long_overdue_list_pages_with_the_keyboard(visitor):
    closed = last_closed_period()
    glasgow = Council.objects.get(gss_code="S12000049")
    for number in range(30):  # each owes the last closed period's update, and nothing is reported
        InitiativeFactory(reference=f"DO-K{number:03d}", title=f"Late initiative {number}", lead_council=glasgow,
                          start_date=closed.starts_on, stage="beta")
    page = visitor.page
    keys = Keyboard(page)
    visitor.login(GLASGOW_EDITOR)
    visitor.goto("/initiatives/my-council/")
    overdue = page.locator("#overdue + p + ul.ds_task-list")
    expect(overdue.locator(".ds_task-list__task")).to_have_count(25)
    expect(page.locator("#overdue + p")).to_contain_text("Showing 1 to 25 of")
    expect(page.get_by_role("navigation", name="Pages of the overdue updates")).to_be_visible()
    visitor.check_accessibility("my-council-paged")

    # Tab to the overdue group's "Next" and follow it: the second page of that group, back at its heading.
    keys.tab_to(lambda f: f["tag"] == "a" and f["text"] == "Next", limit=200)
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/initiatives/my-council/\?overdue_page=2#overdue$"))
    expect(page.locator("#overdue + p")).to_contain_text("Showing 26 to")
    expect(overdue.locator(".ds_task-list__task").first).to_be_visible()
    visitor.check_accessibility("my-council-paged-2")
