"""The council editor's month with the keyboard only: sign in, My council, the update, an error, the fix, submit,
and back on My council with focus on the banner. Only Tab, Shift+Tab, the arrow keys, Enter and Space move and
act (and typing text into fields); axe checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from initiatives.models import ProgressUpdate
from initiatives.selectors import council_tasks

pytestmark = pytest.mark.browser

GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"
PASSWORD = "scotland-digital-2020"
ALLOWED = {"Tab", "Shift+Tab", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Enter", "Space"}

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return {tag: 'body', text: '', id: '', name: '', cls: ''};
    return {tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || '').trim().slice(0, 200),
            id: el.id || '', name: el.getAttribute('name') || '', cls: String(el.className || '')};
}"""


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.pressed = []

    def press(self, key):
        assert key in ALLOWED, f"{key} is not one of the keys this journey may use"
        self.pressed.append(key)
        self.page.keyboard.press(key)

    def type(self, text):
        self.page.keyboard.type(text)

    def focused(self):
        return self.page.evaluate(FOCUSED)

    def tab_to(self, matches, *, backwards=False, limit=150):
        """Press Tab (or Shift+Tab) until the focused element matches; fail if it never does."""
        for _ in range(limit):
            self.press("Shift+Tab" if backwards else "Tab")
            focused = self.focused()
            if matches(focused):
                return focused
        raise AssertionError(f"Tab never reached the element wanted; the last focused was {self.focused()}")


def test_the_monthly_update_with_the_keyboard_only(visitor):
    page = visitor.page
    keys = Keyboard(page)

    # Sign in.
    visitor.goto("/accounts/login/")
    keys.tab_to(lambda f: f["id"] == "id_login")
    keys.type(GLASGOW_EDITOR)
    keys.tab_to(lambda f: f["id"] == "id_password")
    keys.type(PASSWORD)
    keys.tab_to(lambda f: f["tag"] == "button" and "Sign in" in f["text"])
    keys.press("Enter")
    page.wait_for_url(visitor.base_url + "/")
    visitor.check_accessibility("keyboard-home")

    # The home page leads with the council's summary; its link goes to My council.
    expect(page.locator(".portal-task-summary")).to_contain_text("done")
    keys.tab_to(lambda f: f["tag"] == "a" and "task list" in f["text"])
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/initiatives/my-council/$"))
    visitor.check_accessibility("keyboard-my-council")

    # The first task still to do that is this period's, not started: make sure its last approved delivery has no
    # commentary, so a carried-forward Amber needs one.
    from core.models import User

    tasks = council_tasks(user=User.objects.get(email=GLASGOW_EDITOR))
    task = next(t for t in tasks.due if t.state == "not_started" and t.is_editable)
    if task.initiative.current_update_id:
        ProgressUpdate.objects.filter(pk=task.initiative.current_update_id).update(delivery_commentary="")
    keys.tab_to(
        lambda f: f["tag"] == "a"
        and f["text"].startswith(f"{task.initiative.reference} ")
        and f["text"].endswith(task.period.label)
    )
    keys.press("Enter")
    page.wait_for_url(re.compile(re.escape(f"/initiatives/{task.initiative.reference}/updates/")))
    visitor.check_accessibility("keyboard-update-form")

    # Delivery: into the radio group, then the arrow keys choose Amber.
    keys.tab_to(lambda f: f["name"] == "rag_delivery")
    for _ in range(3):
        if page.locator("#id_rag_delivery_1").is_checked():
            break
        keys.press("ArrowRight")
    expect(page.locator("#id_rag_delivery_1")).to_be_checked()
    # The commentary label now says it is required (CSS alone, no script).
    expect(page.locator("#id_delivery_commentary")).to_have_accessible_name("Delivery commentary (required)")
    expect(page.locator("label[for='id_spend_commentary'] .portal-conditional__optional")).to_be_visible()
    # A percentage out of range; then submit.
    keys.tab_to(lambda f: f["id"] == "id_percent_complete")
    keys.type("150")
    keys.tab_to(lambda f: f["tag"] == "button" and f["text"] == "Submit for review")
    keys.press("Enter")

    # The error summary has focus and lists what to fix, in plain words.
    page.wait_for_selector("#error-summary")
    assert keys.focused()["id"] == "error-summary"
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Explain why delivery is Amber or Red")
    expect(summary).to_contain_text("Enter a percentage from 0 to 100")
    visitor.check_accessibility("keyboard-update-errors")
    assert not ProgressUpdate.objects.filter(initiative=task.initiative, period=task.period).exists()

    # Fix: the summary's link takes focus to the commentary; type it; on to the percentage; submit again.
    keys.tab_to(lambda f: f["tag"] == "a" and "Explain why delivery" in f["text"])
    keys.press("Enter")
    assert keys.focused()["id"] == "id_delivery_commentary"
    keys.type("The supplier started three weeks late.")
    keys.tab_to(lambda f: f["id"] == "id_percent_complete")
    keys.type("45")
    keys.tab_to(lambda f: f["tag"] == "button" and f["text"] == "Submit for review")
    keys.press("Enter")

    # Back on My council, focus on the success banner, the next task one Tab away.
    page.wait_for_url(re.compile(r"/initiatives/my-council/$"))
    focused = keys.focused()
    assert "ds_notification--success" in focused["cls"], focused
    assert "submitted to the Digital Office for review" in focused["text"]
    visitor.check_accessibility("keyboard-my-council-after-submit")
    update = ProgressUpdate.objects.get(initiative=task.initiative, period=task.period)
    assert update.state == "submitted" and update.percent_complete == 45 and update.rag_delivery == "amber"
    following = keys.tab_to(lambda f: f["tag"] == "a", limit=3)
    assert following["text"].startswith("Next:")
    assert set(keys.pressed) <= ALLOWED
