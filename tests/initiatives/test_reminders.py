"""Reminders over a whole period with a frozen clock: who gets what and when, once each, none after submission,
none for observers or closed initiatives, escalation to Digital Office staff once."""

import datetime
from collections import defaultdict

import pytest
import time_machine
from django.core import mail

from core.models import User
from initiatives import reminders
from initiatives.models import Participation, Reminder
from tests.conftest import mark_second_factor_used
from tests.councils.factories import council
from tests.initiatives.factories import InitiativeFactory, ProgressUpdateFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

GLASGOW, FIFE, HIGHLAND = "S12000049", "S12000047", "S12000017"


def person(email, **fields):
    return User.objects.create_user(email=email, full_name=email.split("@")[0], **fields)


@pytest.fixture
def october(db):
    """October 2026: window opens 25 October, due 10 November."""
    period = ReportingPeriodFactory()
    glasgow, fife, highland = council(GLASGOW), council(FIFE), council(HIGHLAND)
    shared = InitiativeFactory(reference="DO-R001", title="Shared", lead_council=glasgow)
    Participation.objects.create(initiative=shared, council=fife, role="adopter")
    Participation.objects.create(initiative=shared, council=highland, role="observer")
    silent = InitiativeFactory(reference="DO-R002", title="Silent", lead_council=glasgow)
    InitiativeFactory(reference="DO-R003", title="Closed", lead_council=glasgow, stage="closed")
    drafted = InitiativeFactory(reference="DO-R004", title="Drafted", lead_council=fife)
    ProgressUpdateFactory(initiative=drafted, period=period, state="draft")
    people = {
        "glasgow": person("editor@glasgow.example", council=glasgow, council_role="editor"),
        "glasgow_viewer": person("viewer@glasgow.example", council=glasgow, council_role="viewer"),
        "glasgow_gone": person("gone@glasgow.example", council=glasgow, council_role="editor", is_active=False),
        "fife": person("editor@fife.example", council=fife, council_role="editor"),
        "highland": person("editor@highland.example", council=highland, council_role="editor"),
        "cdo": person("cdo@office.example", is_digital_office_staff=True),
        "cto": person("cto@office.example", is_digital_office_staff=True),
    }
    return {"period": period, "shared": shared, "silent": silent, "drafted": drafted, "people": people}


def run_every_day(first, last, on_day=None):
    """Run the daily job at 09:00 UK time on each day; return {email: [(day, subject, [references])]}."""
    received = defaultdict(list)
    day = first
    while day <= last:
        if on_day:
            on_day(day)
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False):
            before = len(mail.outbox)
            reminders.reminders_send()
            for message in mail.outbox[before:]:
                references = sorted(set(word for word in message.body.split() if word.startswith("DO-R")))
                received[message.to[0]].append((day, message.subject, references))
        day += datetime.timedelta(days=1)
    return received


def test_a_whole_period_of_reminders(october):
    shared, period = october["shared"], october["period"]

    def submit_shared_on_3_november(day):
        if day == datetime.date(2026, 11, 3):
            ProgressUpdateFactory(initiative=shared, period=period, state="submitted")

    received = run_every_day(datetime.date(2026, 10, 20), datetime.date(2026, 12, 20), submit_shared_on_3_november)
    opened = "Progress updates for October 2026 can now be submitted"
    closing = "Progress updates for October 2026 are due on 10 November 2026"
    overdue = "Progress updates for October 2026 are overdue"
    escalated = "Escalation: progress updates for October 2026 still missing"
    oct25, nov7, nov11, nov15 = (datetime.date(2026, 10, 25), datetime.date(2026, 11, 7), datetime.date(2026, 11, 11),
                                 datetime.date(2026, 11, 15))
    assert received["editor@glasgow.example"] == [
        (oct25, opened, ["DO-R001", "DO-R002"]),  # never the closed DO-R003
        (nov7, closing, ["DO-R002"]),  # DO-R001 was submitted on 3 November
        (nov11, overdue, ["DO-R002"]),
    ]
    assert received["editor@fife.example"] == [  # adopter of DO-R001, lead of DO-R004 (a draft is not submitted)
        (oct25, opened, ["DO-R001", "DO-R004"]),
        (nov7, closing, ["DO-R004"]),
        (nov11, overdue, ["DO-R004"]),
    ]
    for email in ("cdo@office.example", "cto@office.example"):
        assert received[email] == [(nov15, escalated, ["DO-R002", "DO-R004"])]  # once
    # Observers, viewers and inactive accounts get nothing.
    assert set(received) == {"editor@glasgow.example", "editor@fife.example", "cdo@office.example",
                             "cto@office.example"}
    assert Reminder.objects.filter(status="sent").count() == Reminder.objects.count() == 2 + 1 + 1 + 2 + 1 + 1 + 2 * 2
    html = mail.outbox[0].alternatives[0][0]
    assert "/initiatives/DO-R001/updates/2026-10-01/" in html


def test_nothing_after_submission_and_each_kind_once(october):
    with time_machine.travel(datetime.datetime(2026, 11, 11, 9), tick=False):
        first = reminders.reminders_send()
        again = reminders.reminders_send()
    assert first["overdue"] == 2 and again == {}
    for initiative in (october["shared"], october["silent"]):
        ProgressUpdateFactory(initiative=initiative, period=october["period"], state="submitted")
    october["drafted"].updates.update(state="submitted")
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9), tick=False):
        assert reminders.reminders_send() == {}  # escalation is due, but nothing is missing any more


def test_the_delays_come_from_the_settings_page(october, client):
    client.force_login(october["people"]["cdo"])
    mark_second_factor_used(client, october["people"]["cdo"])
    response = client.post("/initiatives/reports/settings/", {
        "form": "settings", "reminder_days_before_close": "5", "escalation_days_after_due": "2",
        "last_board_on": "2026-09-15",
    })
    assert response.status_code == 302
    received = run_every_day(datetime.date(2026, 11, 4), datetime.date(2026, 11, 13))
    assert [day for day, subject, _refs in received["editor@glasgow.example"] if "due on" in subject] == [
        datetime.date(2026, 11, 5)]
    assert [day for day, _s, _r in received["cdo@office.example"]] == [datetime.date(2026, 11, 12)]
    from initiatives import selectors

    assert selectors.last_board_date() == datetime.date(2026, 9, 15)


def test_settings_errors_are_written_for_people(october, client):
    client.force_login(october["people"]["cdo"])
    mark_second_factor_used(client, october["people"]["cdo"])
    html = client.post("/initiatives/reports/settings/", {
        "form": "settings", "reminder_days_before_close": "40", "escalation_days_after_due": "",
    }).content.decode()
    assert "Enter a number of days from 1 to 14" in html and "Enter a number of days from 1 to 28" in html


def test_the_chase_is_for_the_period_of_the_day_it_runs_on(october):
    """`on` decides the overdue set too, not only the period (an update for a later period changes nothing)."""
    november = ReportingPeriodFactory(
        starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 11, 30),
        submission_opens_on=datetime.date(2026, 11, 24), submission_due_on=datetime.date(2026, 12, 10),
    )
    ProgressUpdateFactory(initiative=october["silent"], period=november, state="approved")
    counts = reminders.reminders_send(on=datetime.date(2026, 11, 11))
    assert counts["overdue"] == 2
    assert Reminder.objects.filter(initiative=october["silent"], period=october["period"], kind="overdue").exists()


def test_the_reminder_log_is_for_digital_office_staff(october, client):
    with time_machine.travel(datetime.datetime(2026, 11, 11, 9), tick=False):
        reminders.reminders_send()
    client.force_login(october["people"]["cdo"])
    mark_second_factor_used(client, october["people"]["cdo"])
    html = client.get("/initiatives/reports/reminders/?kind=overdue").content.decode()
    assert "DO-R002" in html and "editor@glasgow.example" in html and "Overdue" in html
    client.force_login(october["people"]["glasgow"])
    assert client.get("/initiatives/reports/reminders/").status_code == 403
