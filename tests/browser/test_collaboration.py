"""Working together in the browser: a Glasgow editor mentions a Fife editor on an initiative both councils run
(choosing them from the suggestions), the Fife editor finds the notification and replies. axe on each page; the
conversation and the notifications page reflow at 320 px."""

import pytest
from django.db.models import Count, Q
from playwright.sync_api import expect

from core.models import User
from initiatives.models import Initiative
from tests.browser.crawl import measure

pytestmark = pytest.mark.browser

GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"
FIFE_EDITOR = "editor@fife.demo.digitaloffice.scot"


def shared_initiative():
    councils = [User.objects.get(email=e).council_id for e in (GLASGOW_EDITOR, FIFE_EDITOR)]
    return (Initiative.objects.annotate(both=Count("participations", filter=Q(participations__council__in=councils)))
            .filter(both=2).order_by("reference").first())


def reflows(visitor, route, path):
    for width in (320, 1280):
        result = measure(visitor.page, route, path, width)
        assert not result.scrolls_sideways, f"{path} scrolls sideways at {width} px ({result.scroll_width} px)"
        if width == 320:
            assert not visitor.axe_violations(), f"axe at 320 px on {path}"
    visitor.page.set_viewport_size({"width": 1280, "height": 900})


def test_a_glasgow_editor_mentions_a_fife_editor_who_sees_it_and_replies(visitor):
    page = visitor.page
    initiative = shared_initiative()
    fife_name = User.objects.get(email=FIFE_EDITOR).get_full_name()
    visitor.login(GLASGOW_EDITOR)
    visitor.goto(f"/initiatives/{initiative.reference}/")
    expect(page.locator("#conversation-title")).to_have_text("Conversation")

    box = page.get_by_label("Add a comment")
    box.click()
    box.type("Could you share your data-sharing template, @editor@fi")
    option = page.get_by_role("option", name=FIFE_EDITOR)
    expect(option).to_be_visible()
    visitor.check_accessibility("conversation-suggestions")
    page.keyboard.press("Enter")  # the first suggestion, chosen from the keyboard
    expect(box).to_have_value(f"Could you share your data-sharing template, @{FIFE_EDITOR} ")
    box.type("please?")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".portal-comment").last).to_contain_text("Could you share your data-sharing template")
    visitor.check_accessibility("initiative-with-conversation")

    visitor.login(FIFE_EDITOR)
    page.get_by_role("link", name="Notifications", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Notifications")
    mention = page.get_by_role("link", name=f"mentioned you on {initiative.reference}")
    expect(mention.first).to_be_visible()
    visitor.check_accessibility("notifications")
    reflows(visitor, "collaboration:notifications", "/collaboration/notifications/")

    mention.first.click()
    expect(page.locator("h1")).to_have_text(initiative.title)
    thread = page.locator("ol.portal-comments > li", has_text="Could you share your data-sharing template")
    thread.locator("summary", has_text="Reply").click()
    thread.get_by_label("Your reply").fill("Yes: here is our signed template, version 3.")
    thread.get_by_role("button", name="Post reply").click()
    replies = page.locator("ol.portal-comments--replies", has_text="our signed template, version 3")
    expect(replies).to_have_count(1)
    expect(replies).to_contain_text(fife_name)
    visitor.check_accessibility("conversation-replied")
    reflows(visitor, "collaboration:initiative_conversation",
            f"/collaboration/initiatives/{initiative.reference}/conversation/")


def test_the_office_adds_a_board_meeting(visitor):
    import datetime

    page = visitor.page
    visitor.login("cdo@demo.digitaloffice.scot")
    visitor.goto("/collaboration/settings/")
    page.get_by_role("link", name="Keep the board's meeting dates").click()
    expect(page.locator("h1")).to_have_text("Board meeting dates")
    page.get_by_role("button", name="Add the meeting").click()  # no date: the error says what to do
    expect(page.locator(".ds_error-summary")).to_contain_text("Enter the date of the meeting")
    visitor.check_accessibility("board-meetings-error")
    day = datetime.date.today() + datetime.timedelta(days=40)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Title (optional)").fill("Board: budget")
    page.get_by_role("button", name="Add the meeting").click()
    expect(page.locator("main table")).to_contain_text("Board: budget")
    visitor.check_accessibility("board-meetings")
    reflows(visitor, "collaboration:board_meetings", "/collaboration/board-meetings/")
