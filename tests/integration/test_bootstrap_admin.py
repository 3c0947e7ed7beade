"""`manage.py bootstrap_admin` on a fresh install with production settings: the printed password and otpauth://
secret sign the first administrator in through the real login and two-factor pages of gunicorn to /admin/; run
again it refuses and changes nothing; --force gives new credentials and the old code no longer opens the site."""

import os
import re
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.prepared import collected_static, migrated_template
from tests.stack import VENV_BIN, Browser, Database, RedisServer, Stack, totp_now

pytestmark = pytest.mark.slow

ADMIN = "first.admin@council.example.scot"


@pytest.fixture
def fresh_install(tmp_path):
    server = os.environ.get("DATABASE_URL", "")
    # test_<name>...: .ci/run drops databases so named when it ends, whatever happened.
    name = f"test_{server.rsplit('/', 1)[-1]}_bootstrap{os.getpid()}" if server.startswith("postgres") else "boot"
    # The schema from the run's migrated template and its collected static files (tests.prepared): what the image's
    # build and compose's one-shot migrate service leave, which migrate (run below, as compose does) keeps.
    database = Database(name, tmp_path, server).create(template=migrated_template(server))
    redis = RedisServer(tmp_path / "redis").start()
    stack = Stack(tmp_path / "stack", database, redis.url(0), static_root=collected_static())
    try:
        stack.migrate()
        yield stack
    finally:
        stack.stop_all()
        redis.kill()
        database.drop()


def bootstrap(stack, *args, stdin=""):
    return subprocess.run([str(VENV_BIN / "python"), "manage.py", "bootstrap_admin", *args], input=stdin,
                          cwd=stack.env["PYTHONPATH"], env=stack.env, capture_output=True, text=True, timeout=120)


def printed(output):
    uri = re.search(r"^otpauth URI: (otpauth://\S+)$", output, re.MULTILINE).group(1)
    password = re.search(r"^Password: (\S+)$", output, re.MULTILINE)
    codes = re.search(r"^Recovery codes \(each works once\): (.+)$", output, re.MULTILINE).group(1).split()
    return {"uri": uri, "secret": parse_qs(urlsplit(uri).query)["secret"][0],
            "password": password.group(1) if password else None, "codes": codes}


def admin_page(browser):
    return browser.get("/admin/")


def test_the_first_administrator_signs_in_with_the_printed_totp_and_reaches_the_admin(fresh_install):
    stack = fresh_install
    made = bootstrap(stack, ADMIN, "--full-name", "First Admin")
    assert made.returncode == 0, made.stderr
    first = printed(made.stdout)
    assert first["uri"].startswith("otpauth://totp/") and "issuer=Digital" in first["uri"]
    assert first["password"] and len(first["codes"]) >= 8

    stack.start("web")
    anonymous = Browser(stack.base_url)
    assert admin_page(anonymous).status_code == 302  # to the login page

    admin = Browser(stack.base_url)
    admin.login(ADMIN, first["password"], totp_secret=first["secret"])
    page = admin_page(admin)
    assert page.status_code == 200, page.headers.get("Location")
    assert "<title>Administration |" in page.text and 'href="/admin/core/user/"' in page.text
    # A wrong code does not get in: the two-factor step is real.
    stranger = Browser(stack.base_url)
    stranger.get("/accounts/login/")
    step = stranger.post("/accounts/login/", {"login": ADMIN, "password": first["password"]})
    assert "/2fa/authenticate" in step.headers["Location"]
    wrong = f"{(int(totp_now(first['secret'])) + 1) % 1000000:06d}"
    stranger.get(urlsplit(step.headers["Location"]).path)
    refused = stranger.post(urlsplit(step.headers["Location"]).path, {"code": wrong})
    assert refused.status_code == 200 and admin_page(stranger).status_code == 302

    again = bootstrap(stack, "someone.else@council.example.scot")
    assert again.returncode != 0 and "An administrator exists already" in again.stderr
    assert ADMIN in again.stderr
    assert "otpauth" not in again.stdout
    count = stack.database.sql("SELECT count(*) FROM core_user WHERE is_superuser")[0][0]
    assert count == 1

    forced = bootstrap(stack, ADMIN, "--force", "--password-stdin", stdin="a new long passphrase for the admin\n")
    assert forced.returncode == 0, forced.stderr
    second = printed(forced.stdout)
    assert second["password"] is None and second["secret"] != first["secret"]
    old = Browser(stack.base_url)
    try:
        old.login(ADMIN, first["password"], totp_secret=first["secret"])
        signed_in_with_old = True
    except RuntimeError:
        signed_in_with_old = False
    assert not signed_in_with_old
    renewed = Browser(stack.base_url)
    renewed.login(ADMIN, "a new long passphrase for the admin", totp_secret=second["secret"])
    assert admin_page(renewed).status_code == 200
