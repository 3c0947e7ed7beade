"""My council as a task list: what a council owes, from every period, in the order it should do it."""

import datetime
import re

import pytest
import time_machine

from core.models import User
from initiatives import selectors, services
from initiatives.models import Participation, ProgressUpdate
from tests.conftest import signed_in_with_two_factor
from tests.councils.factories import council
from tests.initiatives.factories import InitiativeFactory, ProgressUpdateFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

GLASGOW, FIFE = "S12000049", "S12000047"
ON = datetime.date(2026, 11, 29)  # November's window is open; August to October have closed
# The pages ask for "today": they are read on ON.
on_the_day = time_machine.travel(datetime.datetime(2026, 11, 29, 12, tzinfo=datetime.UTC), tick=False)


def month(year, number):
    start = datetime.date(year, number, 1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return ReportingPeriodFactory(
        starts_on=start,
        ends_on=end,
        submission_opens_on=end - datetime.timedelta(days=6),
        submission_due_on=end + datetime.timedelta(days=10),
    )


def staff(role, code=GLASGOW, email=None):
    return User.objects.create_user(
        email=email or f"{role}-{code}@example.org", full_name=f"{role.title()} of {code}", council=council(code),
        council_role=role,
    )


def takes_part(initiative, code, role, joined_on=None):
    Participation.objects.create(initiative=initiative, council=council(code), role=role, joined_on=joined_on)


@pytest.fixture
def month_of_work():
    """Glasgow's portfolio over four months, each initiative in a different state."""
    aug, sep, oct_, nov = month(2026, 8), month(2026, 9), month(2026, 10), month(2026, 11)
    start = datetime.date(2026, 8, 1)
    glasgow = council(GLASGOW)
    led = InitiativeFactory(reference="DO-T001", lead_council=glasgow, start_date=start)
    for period in (aug, sep):
        ProgressUpdateFactory(initiative=led, period=period, state="approved")
    # October missing: overdue. November not begun.

    adopted = InitiativeFactory(reference="DO-T002", lead_council=council("S12000017"), start_date=start)
    takes_part(adopted, GLASGOW, "adopter")
    takes_part(adopted, FIFE, "adopter")
    ProgressUpdateFactory(initiative=adopted, period=aug, state="approved")
    # September missing: overdue from an earlier period, not just the last one.
    ProgressUpdateFactory(initiative=adopted, period=oct_, state="submitted")
    fife = staff("editor", FIFE)
    services.update_save_draft(
        user=fife, initiative=adopted, period=nov, version=services.NOT_YET_SAVED,
        rag_delivery="green", rag_spend="green", rag_benefits="green", rag_risk="green",
        percent_complete=20, spend_to_date="100",
    )

    returned = InitiativeFactory(reference="DO-T003", lead_council=glasgow, start_date=start)
    for period in (aug, sep):
        ProgressUpdateFactory(initiative=returned, period=period, state="approved")
    ProgressUpdateFactory(initiative=returned, period=oct_, state="returned", review_comment="Add the go-live date.")
    ProgressUpdateFactory(initiative=returned, period=nov, state="submitted")

    observed = InitiativeFactory(reference="DO-T004", lead_council=council(FIFE), start_date=start)
    takes_part(observed, GLASGOW, "observer")

    InitiativeFactory(reference="DO-T005", lead_council=glasgow, start_date=start, stage="closed")

    late_start = InitiativeFactory(reference="DO-T006", lead_council=glasgow, start_date=datetime.date(2026, 10, 15))
    ProgressUpdateFactory(initiative=late_start, period=nov, state="approved")

    late_joiner = InitiativeFactory(reference="DO-T007", lead_council=council("S12000017"), start_date=start)
    takes_part(late_joiner, GLASGOW, "adopter", joined_on=datetime.date(2026, 10, 1))
    for period in (aug, sep):
        ProgressUpdateFactory(initiative=late_joiner, period=period, state="approved")
    return {"periods": (aug, sep, oct_, nov)}


def listed(tasks):
    return [(t.initiative.reference, t.period.starts_on.month, t.state) for t in tasks]


def test_the_task_list_shows_every_state_returned_first_then_overdue_from_any_period_then_due(month_of_work):
    tasks = selectors.council_tasks(user=staff("editor"), on=ON)
    assert listed(tasks.returned) == [("DO-T003", 10, "returned")]
    assert listed(tasks.overdue) == [  # the latest period first
        ("DO-T001", 10, "not_started"),
        ("DO-T006", 10, "not_started"),  # started in October: owes October, not August or September
        ("DO-T007", 10, "not_started"),  # joined in October: owes nothing before
        ("DO-T002", 9, "not_started"),  # an earlier period than the last closed one
    ]
    assert listed(tasks.due) == [
        ("DO-T001", 11, "not_started"),
        ("DO-T002", 11, "draft"),
        ("DO-T003", 11, "submitted"),
        ("DO-T006", 11, "approved"),
        ("DO-T007", 11, "not_started"),
    ]
    assert (tasks.done_count, tasks.total_count) == (2, 10)
    assert [f.initiative.reference for f in tasks.following] == ["DO-T004"]  # observers follow, owe nothing
    assert tasks.next_task.initiative.reference == "DO-T003"  # the returned update comes first


def test_a_draft_saved_by_another_council_says_who_saved_it(month_of_work):
    tasks = selectors.council_tasks(user=staff("editor"), on=ON)
    draft = next(t for t in tasks.due if t.initiative.reference == "DO-T002")
    who, when = draft.touched
    assert str(who) == "Editor of S12000047"
    assert draft.update.council.gss_code == FIFE
    assert when is not None


def test_editors_may_act_on_what_is_still_open_and_viewers_on_nothing(month_of_work):
    editor_tasks = selectors.council_tasks(user=staff("editor"), on=ON)
    editable = {(t.initiative.reference, t.period.starts_on.month) for t in editor_tasks.tasks if t.is_editable}
    assert ("DO-T003", 10) in editable and ("DO-T001", 11) in editable
    assert ("DO-T003", 11) not in editable  # submitted: frozen
    viewer_tasks = selectors.council_tasks(user=staff("viewer"), on=ON)
    assert listed(viewer_tasks.tasks) == listed(editor_tasks.tasks)  # the same list
    assert not any(t.is_editable for t in viewer_tasks.tasks)  # without actions


@on_the_day  # the reopened period is the last closed one on that day
def test_submitting_the_overdue_update_takes_it_off_the_overdue_list(month_of_work):
    editor = staff("editor")
    aug, sep, oct_, nov = month_of_work["periods"]
    task = next(t for t in selectors.council_tasks(user=editor, on=ON).overdue if t.initiative.reference == "DO-T001")
    assert not task.is_editable  # a closed period: the Digital Office reopens it first (issue 10)
    office = signed_in_with_two_factor(User.objects.create_user("do@example.org", is_digital_office_staff=True))
    services.period_reopen(user=office, initiative=task.initiative, reason="Late because of the election")
    services.update_save_and_submit(
        user=editor, initiative=task.initiative, period=oct_, version=services.NOT_YET_SAVED,
        rag_delivery="green", rag_spend="green", rag_benefits="green", rag_risk="green",
        percent_complete=30, spend_to_date="100",
    )
    assert "DO-T001" not in [t.initiative.reference for t in selectors.council_tasks(user=editor, on=ON).overdue]


@on_the_day
def test_my_council_page_as_editor_and_viewer(client, month_of_work):
    editor = staff("editor")
    client.force_login(editor)
    html = client.get("/initiatives/my-council/").content.decode()
    # The banner about returned updates, then the returned task before the overdue ones and the due ones.
    assert "ds_notification" in html and "returned 1 update" in html
    assert html.index('id="returned"') < html.index('id="overdue"') < html.index('id="due"')
    assert "2 of 10 done." in html
    assert "Draft saved by Editor of S12000047 (Fife)" in html
    # overdue for a closed period: listed, but written only once the Digital Office reopens it (issue 10)
    assert 'href="/initiatives/DO-T001/updates/2026-10-01/"' not in html
    assert 'id="following"' in html and "DO-T004" in html.split('id="following"')[1]
    assert html.count('id="task-do-t001-2026-10"') == 1

    client.force_login(staff("viewer"))
    html = client.get("/initiatives/my-council/").content.decode()
    assert "2 of 10 done." in html
    assert "/updates/" not in html  # no actions
    assert "Submit by" not in html and "Your council’s editors submit this period’s updates by" in html


@on_the_day
def test_home_for_council_staff_leads_with_the_same_summary(client, month_of_work):
    client.force_login(staff("editor"))
    html = client.get("/").content.decode()
    assert "2 of 10 done." in html
    assert html.index("2 of 10 done.") < html.index('id="attention"')  # before the dashboard
    assert 'href="/initiatives/my-council/"' in html


def test_overdue_reaches_back_as_far_as_the_setting_says(month_of_work, settings):
    settings.OVERDUE_LOOKBACK_PERIODS = 1  # October only
    tasks = selectors.council_tasks(user=staff("editor"), on=ON)
    assert {t.period.starts_on.month for t in tasks.overdue} == {10}


def _queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/initiatives/my-council/").status_code == 200
    return len(captured)


@on_the_day
def test_the_task_list_costs_the_same_queries_however_many_tasks(client, month_of_work):
    client.force_login(staff("editor"))
    few = _queries(client)
    aug, sep, oct_, nov = month_of_work["periods"]
    for number in range(20):  # twenty more initiatives, each owing three periods, some observed
        initiative = InitiativeFactory(lead_council=council("S12000017"), start_date=datetime.date(2026, 8, 1))
        takes_part(initiative, GLASGOW, "observer" if number % 4 == 0 else "adopter")
        ProgressUpdateFactory(initiative=initiative, period=sep, state="draft")
        ProgressUpdateFactory(initiative=initiative, period=nov, state="submitted")
    assert _queries(client) == few


# -- a council with hundreds of tasks: each group paged, counted in the database --------------------------------


def hundreds_of_tasks(periods):
    """Forty more initiatives Glasgow leads, started in August with nothing reported (each owes August to October,
    overdue, and November, due), thirty of them with September returned; and thirty Glasgow follows. Returns the
    overdue list as it should read: latest period first, then by reference."""
    aug, sep, oct_, nov = periods
    led = [
        InitiativeFactory(reference=f"DO-P{number:03d}", title=f"Shared service number {number} " + "x" * 60,
                          lead_council=council(GLASGOW), start_date=datetime.date(2026, 8, 1))
        for number in range(40)
    ]
    for initiative in led[:30]:
        ProgressUpdateFactory(initiative=initiative, period=sep, state="returned", review_comment="Add the risks.")
    for number in range(30):
        followed = InitiativeFactory(reference=f"DO-F{number:03d}", lead_council=council(FIFE),
                                     start_date=datetime.date(2026, 8, 1))
        takes_part(followed, GLASGOW, "observer")
    new = [i.reference for i in led]
    return [
        *[(ref, 10) for ref in sorted(["DO-T001", "DO-T006", "DO-T007", *new])],
        *[(ref, 9) for ref in sorted(["DO-T002", *new[30:]])],
        *[(ref, 8) for ref in sorted(new)],
    ]


def section(html, group, following):
    return html.split(f'id="{group}"')[1].split(f'id="{following}"')[0]


def task_keys(html):
    """(reference, month) of each task on a piece of the page, in order."""
    return [(ref.upper(), int(month)) for ref, month in re.findall(r'id="task-(do-[a-z]\d+)-2026-(\d\d)"', html)]


@on_the_day
def test_hundreds_of_tasks_show_a_page_of_each_group_in_the_same_queries_and_a_bounded_page(client, month_of_work):
    client.force_login(staff("editor"))
    few = _queries(client)
    overdue = hundreds_of_tasks(month_of_work["periods"])
    assert _queries(client) == few
    html = client.get("/initiatives/my-council/").content.decode()
    assert len(html.encode()) < 100_000  # 75 KB; all 170 tasks and 31 followed unpaged made 140 KB
    # Each group says how many it holds and shows the first 25, in the list's order.
    assert "Returned to your council <span class=\"portal-count\">(31)</span>" in html
    assert len(task_keys(section(html, "returned", "overdue"))) == 25
    assert task_keys(section(html, "overdue", "due")) == overdue[:25]
    assert "(94)" in section(html, "overdue", "due") and "Showing 1 to 25 of 94." in html
    assert len(task_keys(section(html, "due", "following"))) == 25
    assert html.count("portal-following") == 1 and section(html, "following", "milestones").count("<li>") == 25
    # The summary counts every task, not the page: 31 returned, 94 overdue, 45 due, of which 2 done.
    assert "2 of 170 done." in html
    assert "94 updates overdue from earlier periods" in html
    home = client.get("/").content.decode()  # the home page says the same, from the same counts
    assert "2 of 170 done." in home and "94 updates overdue from earlier periods" in home
    assert "You have 168 updates to submit by" in home and "31 were returned" in home


@on_the_day
def test_each_group_pages_on_its_own_and_a_page_past_the_end_shows_the_last(client, month_of_work):
    client.force_login(staff("editor"))
    overdue = hundreds_of_tasks(month_of_work["periods"])
    html = client.get("/initiatives/my-council/?overdue_page=2&due_page=2").content.decode()
    page = section(html, "overdue", "due")
    assert task_keys(page) == overdue[25:50]
    assert "Showing 26 to 50 of 94." in page
    # Design System pagination, one navigation per group, its links keeping the other groups' pages.
    assert 'aria-label="Pages of the overdue updates"' in page
    assert 'aria-current="page" href="?overdue_page=2&amp;due_page=2#overdue"' in page
    assert 'href="?overdue_page=3&amp;due_page=2#overdue"' in page
    assert task_keys(section(html, "returned", "overdue"))[0] == ("DO-P000", 9)  # page 1 of the others
    due = task_keys(section(html, "due", "following"))
    assert len(due) == 20 and all(month == 11 for _, month in due)  # 45 due: the second page holds 20
    last = client.get("/initiatives/my-council/?overdue_page=99").content.decode()
    assert task_keys(section(last, "overdue", "due")) == overdue[75:]
    # The next task after a submission is the first to do in the whole list, whatever page is shown.
    tasks = selectors.council_tasks(user=staff("editor", email="second@example.org"), on=ON, pages={"returned": 2})
    assert (tasks.next_task.initiative.reference, tasks.next_task.period.starts_on.month) == ("DO-P000", 9)


def test_the_next_task_is_the_first_this_person_can_act_on_however_far_down_the_list(month_of_work, monkeypatch):
    monkeypatch.setattr("initiatives.selectors.task_list.NEXT_TASK_BATCH", 2)  # read two at a time
    ProgressUpdate.objects.filter(initiative__reference="DO-T003", state="returned").update(state="approved")
    # Four overdue updates of closed periods come first, which nobody may write until the office reopens them.
    task = selectors.next_council_task(user=staff("editor"), on=ON)
    assert (task.initiative.reference, task.period.starts_on.month, task.is_editable) == ("DO-T001", 11, True)
    viewer_task = selectors.next_council_task(user=staff("viewer"), on=ON)  # may write none: the first to do
    assert (viewer_task.initiative.reference, viewer_task.period.starts_on.month) == ("DO-T001", 10)
