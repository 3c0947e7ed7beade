"""The real thing: gunicorn, a prefork Celery worker and beat with production settings, a Redis of the test's own,
and a database of its own. A report asked for in the portal is made with the right figures; a worker killed in
the middle of one leaves, after a restart, exactly one ready report, no half-written file and no second e-mail;
and with Redis stopped pages and sign-in keep working, the API answers 503 in its shape, and a report asked for
then is made once Redis is back."""

import io
import json
import os
import signal
import time
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from seeding.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.prepared import collected_static, migrated_template
from tests.stack import Browser, Database, RedisServer, S3Server, Stack, wait_until

# One worker runs this file's tests: they share a module-scoped fixture that is slow to start (make test's loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("integration-jobs")]

CDO = "cdo@demo.digitaloffice.scot"
VIEWER = "viewer@glasgow.demo.digitaloffice.scot"
LOCAL = "digital_office.settings.local"
FAST_JOBS = {"JOB_HEARTBEAT_SECONDS": 1, "JOB_STALE_AFTER_SECONDS": 6, "HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS": 4}

# Independent of the report code: the figures of the last closed period, worked out row by row.
ORACLE = """
import datetime, json
from django.utils import timezone
from initiatives.models import Initiative, ProgressUpdate, ReportingPeriod
today = timezone.localdate()
period = ReportingPeriod.objects.filter(submission_due_on__lt=today).order_by("-starts_on").first()
end = timezone.make_aware(datetime.datetime.combine(period.ends_on + datetime.timedelta(days=1), datetime.time()))
rows, delivery = 0, {"green": 0, "amber": 0, "red": 0, "none": 0}
for initiative in Initiative.objects.all():
    if not ((initiative.start_date and initiative.start_date <= period.ends_on) or initiative.created_at < end):
        continue
    rows += 1
    approved = [u for u in ProgressUpdate.objects.filter(initiative=initiative, state="approved")
                if u.period.starts_on <= period.starts_on]
    latest = max(approved, key=lambda u: u.period.starts_on, default=None)
    delivery[latest.rag_delivery if latest else "none"] += 1
print(json.dumps({"period": period.label, "rows": rows, "delivery": delivery}))
"""


@pytest.fixture(scope="session")
def stack_database(tmp_path_factory):
    """Migrated as compose's one-shot service does it (on a copy of the run's migrated template), with the small
    demo data and the run's collected static files (tests.prepared); dropped at the end."""
    folder = tmp_path_factory.mktemp("stack-db")
    server = os.environ.get("DATABASE_URL", "")
    # test_<name>...: .ci/run drops databases so named when it ends, whatever happened.
    name = f"test_{server.rsplit('/', 1)[-1]}_stack{os.getpid()}" if server.startswith("postgres") else "stack"
    database = Database(name, folder, server).create(template=migrated_template(server))
    static = collected_static()
    setup = Stack(folder / "setup", database, redis_url="redis://127.0.0.1:9/0", static_root=static)
    setup.migrate()
    setup.manage("seed_demo", "--scale", "small", "--seed", "1", settings=LOCAL)
    database.static_root = static
    yield database
    database.drop()


def clear_jobs(database):
    for table in ("initiatives_reportemail", "initiatives_reportsubscription", "initiatives_historicalreport",
                  "initiatives_report", "core_workerheartbeat"):
        database.sql(f"DELETE FROM {table}")


@pytest.fixture
def stack(stack_database, tmp_path):
    clear_jobs(stack_database)
    redis = RedisServer(tmp_path / "redis").start()
    portal = Stack(tmp_path / "stack", stack_database, redis.url(0), static_root=stack_database.static_root,
                   **FAST_JOBS)
    portal.redis = redis
    yield portal
    portal.stop_all()
    redis.kill()


def report_row(stack, kind):
    rows = stack.database.sql(
        "SELECT id, status, attempts, file, spreadsheet, error FROM initiatives_report WHERE kind = %s", (kind,)
    )
    return [dict(zip(("id", "status", "attempts", "file", "spreadsheet", "error"), row, strict=True)) for row in rows]


def wait_for_status(stack, kind, status, timeout, interval=0.05):
    return wait_until(
        lambda: next((row for row in report_row(stack, kind) if row["status"] == status), None),
        timeout=timeout, interval=interval, what=f"{kind} report {status}",
    )


def complete_pdf(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    return PdfReader(io.BytesIO(data))


def test_a_report_survives_its_worker_being_killed_mid_report(stack):
    stack.start("web")
    stack.start("worker")
    cdo = Browser(stack.base_url)
    cdo.login(CDO, DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET)
    added = cdo.post("/initiatives/reports/settings/", {"form": "subscriber", "email": VIEWER})
    assert added.status_code == 302
    asked = cdo.post("/initiatives/reports/", {"kind": "portfolio"}, follow=True)
    assert "is being made" in asked.text

    running = wait_for_status(stack, "portfolio", "running", timeout=60)
    stack.kill("worker")  # SIGKILL to the worker and its pool, in the middle of the report
    row = report_row(stack, "portfolio")[0]
    assert row["status"] == "running" and not row["file"] and not row["spreadsheet"]
    assert all("partial" in str(path) for path in stack.media_files()), stack.media_files()
    assert not stack.mail_messages()

    stack.start("worker")  # as compose restarts it
    ready = wait_for_status(stack, "portfolio", "ready", timeout=120, interval=0.5)
    time.sleep(3)  # any second delivery of the killed job would run now
    rows = report_row(stack, "portfolio")
    assert len(rows) == 1 and rows[0]["status"] == "ready" and rows[0]["id"] == running["id"]
    assert rows[0]["attempts"] == 2
    files = stack.media_files()
    assert sorted(str(path.relative_to(stack.media)) for path in files) == sorted([ready["file"], ready["spreadsheet"]])
    pdf = complete_pdf((stack.media / ready["file"]).read_bytes())
    assert zipfile.ZipFile(stack.media / ready["spreadsheet"]).testzip() is None
    subject = [m for m in wait_until(stack.mail_messages, timeout=30, what="the report e-mail")
               if "Subject: Monthly portfolio report" in m]
    time.sleep(2)
    assert len(subject) == 1 and f"To: {VIEWER}" in subject[0]
    assert len([m for m in stack.mail_messages() if "Subject: Monthly portfolio report" in m]) == 1

    # The figures, read back from the files as someone downloading them would, against an independent count.
    expected = json.loads(stack.manage("shell", "-c", ORACLE).stdout.strip().splitlines()[-1])
    viewer = Browser(stack.base_url)
    viewer.login(VIEWER, DEMO_PASSWORD)
    pdf_bytes = viewer.get(f"/initiatives/reports/{ready['id']}/download/").content
    text = "\n".join(page.extract_text() for page in complete_pdf(pdf_bytes).pages)
    assert "/StructTreeRoot" in pdf.trailer["/Root"]
    assert f"Reporting period {expected['period']}" in text
    assert f"{expected['rows']} initiatives." in text
    d = expected["delivery"]
    assert f"Delivery {d['green']} {d['amber']} {d['red']} {d['none']}" in text
    xlsx = viewer.get(f"/initiatives/reports/{ready['id']}/download/xlsx/").content
    summary = dict(list(load_workbook(io.BytesIO(xlsx), read_only=True)["Summary"].iter_rows(values_only=True))[1:])
    assert summary["Reporting period"] == expected["period"] and summary["Initiatives"] == expected["rows"]
    assert [summary[f"Delivery: {name}"] for name in ("Green", "Amber", "Red", "Not reported")] == [
        d["green"], d["amber"], d["red"], d["none"]]
    assert "EncodeError" not in stack.log("worker")


def test_a_report_whose_pool_process_is_killed_is_made_by_the_redelivered_job(stack):
    stack.start("web")
    stack.start("worker")
    cdo = Browser(stack.base_url)
    cdo.login(CDO, DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET)
    cdo.post("/initiatives/reports/", {"kind": "board_pack"})
    wait_for_status(stack, "board_pack", "running", timeout=60)
    children = stack.children("worker")
    assert children
    for pid in children:
        os.kill(pid, signal.SIGKILL)  # the pool process only: the worker gives the message back
    ready = wait_for_status(stack, "board_pack", "ready", timeout=90, interval=0.5)
    assert ready["attempts"] == 2 and len(report_row(stack, "board_pack")) == 1
    assert "WorkerLostError" in stack.log("worker")


def test_with_redis_stopped_pages_and_sign_in_work_the_api_says_503_and_reports_wait_for_it(stack):
    # The sweep every 3 s instead of every minute, as Digital Office staff could set it in the admin site.
    stack.database.sql(
        "UPDATE django_celery_beat_intervalschedule SET every = 3 WHERE id IN (SELECT interval_id FROM "
        "django_celery_beat_periodictask WHERE name = 'Sweep stuck jobs')"
    )
    key = stack.manage("partner_key", "create", "--partner", "cosla", "--scopes", "initiatives:read").stdout
    key = key.strip().splitlines()[-1].strip()
    for service in ("web", "worker", "beat"):
        stack.start(service)
    cdo = Browser(stack.base_url)
    cdo.login(CDO, DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET)
    healthy = wait_until(lambda: cdo.get("/healthz").status_code == 200, timeout=60, what="/healthz ok")
    assert healthy
    api = {"Authorization": f"Api-Key {key}", "Accept": "application/json"}
    assert cdo.get("/api/v1/initiatives/", headers=api).status_code == 200

    stack.redis.kill()
    started = time.monotonic()
    health = cdo.get("/healthz")
    assert time.monotonic() - started < 1.5  # the answer within a second, plus the request itself
    assert health.status_code == 503 and health.json()["checks"]["redis"].startswith("error")
    for path in ("/", "/initiatives/", "/initiatives/reports/"):
        assert cdo.get(path).status_code == 200, path
    someone = Browser(stack.base_url)
    someone.login(VIEWER, DEMO_PASSWORD)  # sign-in (and its rate limit) without Redis
    assert someone.get("/").status_code == 200
    refused = cdo.get("/api/v1/initiatives/", headers=api)
    assert refused.status_code == 503 and refused.headers["Content-Type"].startswith("application/json")
    assert refused.json()["error"]["code"] == "service_unavailable"
    started = time.monotonic()
    asked = cdo.post("/initiatives/reports/", {"kind": "board_pack"}, follow=True)
    assert time.monotonic() - started < 10
    assert asked.status_code == 200 and "will be made as soon as the queue is back" in asked.text
    assert report_row(stack, "board_pack")[0]["status"] == "queued"

    stack.redis.start()  # back, empty: the message never reached it
    ready = wait_for_status(stack, "board_pack", "ready", timeout=120, interval=0.5)
    assert ready["file"]
    assert wait_until(lambda: cdo.get("/healthz").status_code == 200, timeout=60, what="/healthz ok again")
    assert cdo.get("/api/v1/initiatives/", headers=api).status_code == 200


def test_a_report_made_by_a_worker_is_downloaded_from_a_web_host_that_shares_no_disk_with_it(stack_database,
                                                                                             tmp_path):
    """Two machines: the worker's and the web's, each with its own (empty) MEDIA_ROOT, one S3 bucket."""
    clear_jobs(stack_database)
    redis = RedisServer(tmp_path / "redis").start()
    s3 = S3Server(tmp_path / "s3").start()
    worker_host = Stack(tmp_path / "worker-host", stack_database, redis.url(0),
                        static_root=stack_database.static_root, **FAST_JOBS, **s3.env())
    web_host = Stack(tmp_path / "web-host", stack_database, redis.url(0),
                     static_root=stack_database.static_root, **FAST_JOBS, **s3.env())
    try:
        web_host.start("web")
        worker_host.start("worker")
        cdo = Browser(web_host.base_url)
        cdo.login(CDO, DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET)
        cdo.post("/initiatives/reports/", {"kind": "board_pack"})
        ready = wait_for_status(worker_host, "board_pack", "ready", timeout=120, interval=0.5)
        assert sorted(s3.keys()) == sorted([ready["file"], ready["spreadsheet"]])  # nothing partial left
        pdf = cdo.get(f"/initiatives/reports/{ready['id']}/download/")
        assert pdf.status_code == 200
        complete_pdf(pdf.content)
        xlsx = cdo.get(f"/initiatives/reports/{ready['id']}/download/xlsx/")
        assert xlsx.status_code == 200 and zipfile.ZipFile(io.BytesIO(xlsx.content)).testzip() is None
        assert not worker_host.media_files() and not web_host.media_files()  # neither wrote to its own disk
    finally:
        web_host.stop_all()
        worker_host.stop_all()
        s3.stop()
        redis.kill()


def test_healthz_reports_a_worker_killed_with_sigkill_as_failed_within_the_threshold(stack):
    stack.start("web")
    stack.start("worker")
    stack.start("beat")
    probe = Browser(stack.base_url)
    assert wait_until(lambda: probe.get("/healthz").status_code == 200, timeout=60, what="/healthz ok")
    stack.kill("worker")  # SIGKILL: no shutdown signal, its heartbeat row stays behind
    killed_at = time.monotonic()
    failed = wait_until(lambda: (r := probe.get("/healthz")).status_code == 503 and r.json(), timeout=60,
                        interval=0.5, what="/healthz failing")
    assert time.monotonic() - killed_at <= FAST_JOBS["HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS"] + 5
    celery = failed["checks"]["celery"]
    assert celery.startswith("error") and "silent for" in celery, celery
    assert failed["checks"]["beat"] == "ok"

    stack.start("worker")  # as compose restarts it: the new heartbeat is alive, the dead one still named
    assert wait_until(lambda: "1 alive" in probe.get("/healthz").json()["checks"]["celery"], timeout=60,
                      what="the new worker's heartbeat")
