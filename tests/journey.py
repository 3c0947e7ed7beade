"""The production journey that bin/smoke-production (processes on this machine) and bin/compose-smoke (the compose
stack) both run: the same steps, whatever runs the portal."""

import re
import time

from tests.stack import Browser, wait_until

PASSWORD = "smoke-test-password-2026"
SETUP = """
import datetime, json
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from core.models import User
from councils.models import Council
from initiatives.models import Initiative, Participation, ReportingPeriod
from strategy.models import Theme
today = timezone.localdate()
glasgow = Council.objects.get(gss_code="S12000049")
editor = User.objects.create_user(email="editor@smoke.test", password="{password}", council=glasgow,
                                  council_role="editor", full_name="Smoke Editor")
staff = User.objects.create_user(email="cdo@smoke.test", password="{password}", is_digital_office_staff=True,
                                 full_name="Smoke CDO")
secret = generate_totp_secret()
TOTP.activate(staff, secret)
month = today.replace(day=1)
last = (month - datetime.timedelta(days=1)).replace(day=1)
ReportingPeriod.objects.create(starts_on=last, ends_on=month - datetime.timedelta(days=1),
                               submission_opens_on=last, submission_due_on=today - datetime.timedelta(days=1))
ReportingPeriod.objects.create(starts_on=month, ends_on=(month + datetime.timedelta(days=32)).replace(day=1)
                               - datetime.timedelta(days=1), submission_opens_on=month,
                               submission_due_on=today + datetime.timedelta(days=10))
initiative = Initiative.objects.create(reference="DO-9001", title="Smoke test initiative", summary="Smoke.",
                                       theme=Theme.objects.first(), lead_council=glasgow, stage="alpha",
                                       start_date=last)
Participation.objects.create(initiative=initiative, council=glasgow, role="lead")
print(json.dumps({{"secret": secret, "period": month.isoformat()}}))
"""


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def journey(base_url, manage, setup, *, staff_email="cdo@smoke.test", staff_password=PASSWORD, say=print):
    """An editor submits an update, staff (with TOTP) approve it and ask for a board pack that a worker makes and
    web serves whole, a partner reads the API with a key (made by `manage`), /healthz is ok and quick. Returns
    what a later check may reuse: the staff browser, the report's id, the PDF and the key."""
    editor = Browser(base_url)
    editor.login("editor@smoke.test", PASSWORD)
    form_path = f"/initiatives/DO-9001/updates/{setup['period']}/"
    form = editor.get(form_path)
    check(form.status_code == 200, "the update form did not open")
    # The version the editor started from (0 before the update exists): a save from another start is a conflict.
    started_from = re.search(r'name="version" value="(\d*)"', form.text)
    submitted = editor.post(form_path, {
        "action": "submit", "rag_delivery": "green", "rag_spend": "amber", "spend_commentary": "Invoices late.",
        "rag_benefits": "green", "rag_risk": "green", "percent_complete": "35", "spend_to_date": "12000.00",
        "narrative": "Smoke test update.", "next_steps": "Carry on.",
        "version": started_from.group(1) if started_from else "",
    })
    check(submitted.status_code == 302, f"submitting the update answered {submitted.status_code}")
    say("an editor signed in and submitted an update")

    staff = Browser(base_url)
    staff.login(staff_email, staff_password, totp_secret=setup["secret"])
    queue = staff.get("/initiatives/review/").text
    found = re.search(r"/initiatives/review/(\d+)/", queue)
    check(found, "the submitted update is not in the review queue")
    review_path = found.group(0)
    version = re.search(r'name="version" value="(\d+)"', staff.get(review_path).text)
    approved = staff.post(review_path, {"decision": "approve", "review_comment": "", "version": version.group(1)})
    check(approved.status_code == 302, f"approving answered {approved.status_code}")
    say("Digital Office staff signed in with two-factor and approved it")

    asked = staff.post("/initiatives/reports/", {"kind": "board_pack"}, follow=True)
    check("is being made" in asked.text, "the report request was not accepted")
    report_id = re.search(r'data-report-id="(\d+)"', asked.text).group(1)

    def ready():
        status = staff.get(f"/initiatives/reports/status/?ids={report_id}").json()["reports"][0]
        check(status["status"] != "failed", f"the report failed: {status}")
        return status["status"] == "ready"

    wait_until(ready, timeout=180, interval=1, what="the worker making the report")
    pdf = staff.get(f"/initiatives/reports/{report_id}/download/")
    check(pdf.content.startswith(b"%PDF") and pdf.content.rstrip().endswith(b"%%EOF"), "the PDF is not whole")
    say("a report was requested and made by the worker")

    key = manage("partner_key", "create", "--partner", "scottish-government", "--scopes",
                 "initiatives:read").strip().splitlines()[-1].strip()
    api = Browser(base_url).get("/api/v1/initiatives/", headers={"Authorization": f"Api-Key {key}"})
    check(api.status_code == 200 and "DO-9001" in api.text, f"the API answered {api.status_code}")
    say("a partner read the API with a key")

    health = wait_until(lambda: (r := staff.get("/healthz")).status_code == 200 and r, timeout=60, what="/healthz ok")
    checks = health.json()["checks"]
    check(all(value.startswith("ok") for value in checks.values()), f"/healthz: {checks}")
    started = time.monotonic()
    staff.get("/healthz")
    check(time.monotonic() - started < 1.5, "/healthz took more than a second")
    say(f"/healthz is ok: {checks}")
    return {"staff": staff, "report_id": report_id, "pdf": pdf.content, "key": key}
