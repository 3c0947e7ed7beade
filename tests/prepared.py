"""What many tests need and is slow to make, made once per run and shared by every process of it (the pytest-xdist
workers, the serial pass, bin/smoke-production):

- `migrated_template(server_url)`: a PostgreSQL database with every migration applied, from which test databases
  and the integration stacks' databases are copied (`CREATE DATABASE ... TEMPLATE`, about a second) instead of each
  migrating from empty (about 30 s). The migrations still run from empty once a run: to make the template.
- `collected_static()`: the static files as the image's build collects them (production settings, compressed, with
  their manifest), for the stacks' gunicorn (about 40 s of CPU each time).

Each is kept under a key of its inputs (the migration files; the static sources) and rebuilt when they change, so
a run on a developer's machine never uses a stale copy. Concurrent callers wait on a lock (an advisory lock on the
server; a file lock) while the first one builds.
"""

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
TEST_SETTINGS = "digital_office.settings.test"
LOCK_KEY = 804_202_612  # pg_advisory_lock key of the template's build
STATIC_CACHE = ROOT / "var" / "test-static"
STATIC_SOURCES = [
    ROOT / "static",
    ROOT / "node_modules" / "@scottish-government" / "design-system" / "dist",
    ROOT / "node_modules" / "chart.js" / "dist",
]


def _files_key(paths, extra: bytes = b"") -> str:
    """A digest of the files under `paths` (name, size and modification time: cheap, and changed by any edit)."""
    digest = hashlib.sha256(extra)
    for base in paths:
        for path in sorted(base.rglob("*")) if base.is_dir() else [base]:
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path.relative_to(ROOT)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _migrations_key() -> str:
    """The migration files' contents (not their times: a fresh clone's files are all new) and the pinned packages
    (third-party apps' migrations)."""
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def template_name(server_url: str) -> str:
    """test_<database>_migrated: .ci/run drops the databases named test_<its database>... when it ends."""
    return f"test_{urlsplit(server_url).path.lstrip('/')}_migrated"


def migrated_template(server_url: str) -> str | None:
    """The name of a database on `server_url`'s server holding every migration and nothing else; None off
    PostgreSQL (SQLite test databases migrate as before)."""
    if not server_url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg2  # noqa: PLC0415 - only for PostgreSQL

    name, key = template_name(server_url), _migrations_key()
    admin = psycopg2.connect(urlsplit(server_url)._replace(path="/postgres").geturl())
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
            cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                           [name])
            row = cursor.fetchone()
            if row is None or row[0] != key:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{name}"')
                environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
                environment.update(DJANGO_SETTINGS_MODULE=TEST_SETTINGS,
                                   DATABASE_URL=urlsplit(server_url)._replace(path=f"/{name}").geturl())
                result = subprocess.run([str(PYTHON), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                                        env=environment, capture_output=True, text=True, timeout=900)
                if result.returncode != 0:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    raise RuntimeError(f"migrating the test template failed:\n{result.stdout}\n{result.stderr}")
                cursor.execute(f"COMMENT ON DATABASE \"{name}\" IS '{key}'")  # key: hex digits only
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    finally:
        admin.close()
    return name


def collected_static() -> Path:
    """A folder of the static files collected with production settings (whitenoise's compressed manifest)."""
    from tests.stack import Database, Stack  # noqa: PLC0415 - tests.stack is heavier than this module

    key = _files_key(STATIC_SOURCES, (ROOT / "requirements.txt").read_bytes())
    target = STATIC_CACHE / key
    STATIC_CACHE.mkdir(parents=True, exist_ok=True)
    with open(STATIC_CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "staticfiles.json").exists():
            for old in STATIC_CACHE.iterdir():  # one copy kept: the sources changed
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
            building = STATIC_CACHE / f".{key}.building"
            shutil.rmtree(building, ignore_errors=True)
            Stack(building / "stack", Database("unused", building, ""), redis_url="redis://127.0.0.1:9/0",
                  static_root=building / "static").collectstatic()
            (building / "static").rename(target)
            shutil.rmtree(building, ignore_errors=True)
    return target


def main():
    """Both made at once before the tests (make test): migrating is one process on one core, collecting the static
    files compresses on the others, so the two together take about as long as the longer one."""
    started, failures, took = time.monotonic(), [], {}

    def build(name, make):
        try:
            make()
            took[name] = time.monotonic() - started
        except Exception as error:  # noqa: BLE001 - told below; the tests then build it again and fail where it fails
            failures.append(f"{name}: {error}")

    threads = [threading.Thread(target=build, args=("migrated template", lambda: migrated_template(
                   os.environ.get("DATABASE_URL", "")))),
               threading.Thread(target=build, args=("collected static files", collected_static))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, seconds in took.items():
        print(f"tests.prepared: {name} ready after {seconds:.0f} s")
    if failures:
        print("tests.prepared: FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
