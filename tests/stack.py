"""The portal's production processes, started for real: for the integration tests and bin/smoke-production.

- `RedisServer`: a redis-server of its own on a free port (killed and restarted at will);
- `S3Server`: an S3-compatible server of its own (moto's server mode) on a free loopback port, with a bucket;
- `Database`: a database of its own (PostgreSQL, or an SQLite file), made and dropped, read with plain SQL;
- `Stack`: migrations, gunicorn, a Celery worker and beat started as docker-compose.yml starts them (its
  commands, through bin/docker-entrypoint) with production settings, each in its own process group so that
  it can be killed whole; logs in a folder; everything it started is stopped by `stop_all()`;
- `Browser`: an HTTP client that signs in as a person would (CSRF, cookies, two-factor when asked) behind the
  TLS-terminating proxy production expects (X-Forwarded-Proto: https).
"""

import base64
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
ENTRYPOINT = ROOT / "bin" / "docker-entrypoint"
COMPOSE = ROOT / "docker-compose.yml"
PRODUCTION = "digital_office.settings.production"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, *, timeout: float, interval: float = 0.25, what: str = "condition"):
    """Call `check()` until it returns something true; return it, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception as exc:  # keep trying until the deadline; say what went wrong last
            value, last_error = None, exc
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"{what}: not after {timeout:g} s" + (f" (last error: {last_error!r})" if last_error else ""))


class RedisServer:
    def __init__(self, folder: Path, port: int | None = None):
        self.folder = folder
        self.port = port or free_port()
        self.process = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=open(self.folder / "redis.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_until(self.answers, timeout=10, what=f"redis-server on port {self.port}")
        return self

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class S3Server:
    """moto's S3 server (`moto_server`, from PyPI's moto[server]) on 127.0.0.1, standing in for MinIO or AWS S3."""

    ACCESS_KEY, SECRET_KEY, REGION = "testing-access-key", "testing-secret-key", "eu-west-2"

    def __init__(self, folder: Path, bucket: str = "portal-files"):
        self.folder = folder
        self.bucket = bucket
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=open(self.folder / "moto.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_until(lambda: requests.get(self.url, timeout=1).status_code < 500, timeout=30,
                   what=f"moto_server on port {self.port}")
        self.client().create_bucket(Bucket=self.bucket,
                                    CreateBucketConfiguration={"LocationConstraint": self.REGION})
        return self

    def client(self):
        import boto3  # noqa: PLC0415 - only the S3 tests need it

        return boto3.client("s3", endpoint_url=self.url, region_name=self.REGION,
                            aws_access_key_id=self.ACCESS_KEY, aws_secret_access_key=self.SECRET_KEY)

    def keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def env(self) -> dict:
        """The portal's settings for this bucket (the environment variables an operator sets)."""
        return {"AWS_STORAGE_BUCKET_NAME": self.bucket, "AWS_S3_ENDPOINT_URL": self.url,
                "AWS_S3_REGION_NAME": self.REGION, "AWS_ACCESS_KEY_ID": self.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": self.SECRET_KEY}

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Database:
    """A database of its own: PostgreSQL on the server of `server_url` (a postgres:// URL), else an SQLite file."""

    def __init__(self, name: str, folder: Path, server_url: str = ""):
        self.name = name
        self.postgres = server_url.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            parts = urlsplit(server_url)
            self.admin_url = parts._replace(path="/postgres").geturl()
            self.url = parts._replace(path=f"/{name}").geturl()
        else:
            self.path = folder / f"{name}.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _admin(self, statement):
        import psycopg2  # noqa: PLC0415 - only for PostgreSQL

        connection = psycopg2.connect(self.admin_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def create(self, template: str | None = None):
        """Empty, or (PostgreSQL) a copy of `template`: tests.prepared.migrated_template, the run's migrations."""
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.name}"' + (f' TEMPLATE "{template}"' if template else ""))
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.unlink(missing_ok=True)
        return self

    def drop(self):
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            self.path.unlink(missing_ok=True)

    def sql(self, query: str, params=()):
        """Rows of a query (`%s` placeholders), read outside Django, as the processes under test wrote them."""
        if self.postgres:
            import psycopg2  # noqa: PLC0415 - only for PostgreSQL

            connection = psycopg2.connect(self.url)
            connection.autocommit = True
        else:
            connection = sqlite3.connect(self.path, timeout=10)
            query = query.replace("%s", "?")
        try:
            cursor = connection.cursor()
            cursor.execute(query, params)
            rows = cursor.fetchall() if cursor.description else []
            if not self.postgres:
                connection.commit()
            return rows
        finally:
            connection.close()


def compose_commands(env: dict) -> dict[str, list[str]]:
    """The command of each service in docker-compose.yml, with ${VAR:-default} filled in from `env`."""
    services = yaml.safe_load(COMPOSE.read_text())["services"]

    def fill(text):
        def value(match):
            name, default = match.group(1), match.group(3) or ""
            return env.get(name) or default

        return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?\}", value, text).replace("$$", "$")

    return {name: [fill(str(part)) for part in service["command"]] for name, service in services.items()
            if "command" in service}


class Stack:
    """Processes of the portal with production settings, logging to `folder`; `stop_all()` ends every one."""

    def __init__(self, folder: Path, database: Database, redis_url: str, static_root: Path | None = None,
                 **extra_env):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.database = database
        self.port = free_port()
        self.media = folder / "media"
        self.mail = folder / "mail"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "PYTEST"))},
            "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": PRODUCTION,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # the tests play the TLS-terminating proxy, on loopback: production believes its forwarded headers
            "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
            "DATABASE_URL": database.url,
            "REDIS_URL": redis_url,
            "MEDIA_ROOT": str(self.media),
            "STATIC_ROOT": str(static_root or folder / "static"),
            "EMAIL_URL": f"filemail:///{self.mail}",
            "DEFAULT_FROM_EMAIL": "Digital Office portal <no-reply@portal.test>",
            "PORTAL_URL": f"https://127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            "WORKER_CONCURRENCY": "1",
            "LOG_LEVEL": "INFO",
            **{k: str(v) for k, v in extra_env.items()},
        }
        self.processes = {}
        self.restarts = {}
        self._stopping = set()
        self._watchers = {}

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def command(self, service: str) -> list[str]:
        """The service's compose command, run through the image's entrypoint, listening on this stack's port."""
        command = compose_commands(self.env)[service]
        command = [f"--bind=127.0.0.1:{self.port}" if part.startswith("--bind=") else part for part in command]
        return [str(ENTRYPOINT), *command]

    def run(self, command: list[str], *, settings: str | None = None, timeout: float = 600, check=True):
        """Run a one-off command (as compose's one-shot `migrate` runs) in the project folder."""
        env = {**self.env, "DJANGO_SETTINGS_MODULE": settings or self.env["DJANGO_SETTINGS_MODULE"]}
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def manage(self, *args, settings: str | None = None, timeout: float = 600):
        return self.run([str(VENV_BIN / "python"), "manage.py", *args], settings=settings, timeout=timeout)

    def collectstatic(self):
        """What the image's build does: static files collected, with their manifest, for whitenoise."""
        return self.manage("collectstatic", "--noinput", "-v", "0")

    def migrate(self):
        """What compose's one-shot `migrate` service does, through the entrypoint."""
        return self.run([str(ENTRYPOINT), *compose_commands(self.env)["migrate"]])

    def start(self, service: str):
        """Start web, worker or beat in a process group of its own, from a folder of its own.

        Like compose's `restart: unless-stopped`, a service that exits by itself is started again a second later
        (a Celery worker exits when it loses Redis with messages in hand: kombu's "Unrecoverable error").
        """
        self._stopping.discard(service)
        self._spawn(service)
        if service not in self._watchers:
            watcher = threading.Thread(target=self._watch, args=(service,), daemon=True)
            self._watchers[service] = watcher
            watcher.start()
        if service == "web":
            wait_until(lambda: self._http_ok("/accounts/login/"), timeout=60, what="gunicorn answering")
        return self.processes[service]

    def _spawn(self, service):
        workdir = self.folder / service
        workdir.mkdir(exist_ok=True)
        log = open(self.folder / f"{service}.log", "ab")
        self.processes[service] = subprocess.Popen(
            self.command(service), cwd=workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _watch(self, service):
        while True:
            time.sleep(0.5)
            process = self.processes.get(service)
            if service in self._stopping:
                if process is None:
                    self._watchers.pop(service, None)
                    return
                continue
            if process is not None and process.poll() is not None:
                time.sleep(1)
                if service not in self._stopping:
                    self.restarts[service] = self.restarts.get(service, 0) + 1
                    self._spawn(service)

    def _http_ok(self, path):
        self.alive("web")
        response = requests.get(self.base_url + path, headers=PROXY_HEADERS, timeout=2, allow_redirects=False)
        return response.status_code < 500

    def alive(self, service):
        process = self.processes.get(service)
        if process is None or process.poll() is not None:
            raise RuntimeError(f"{service} is not running; its log:\n{self.log(service)[-3000:]}")
        return True

    def log(self, service) -> str:
        path = self.folder / f"{service}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def children(self, service) -> list[int]:
        """Process ids of the service's children (the worker's pool processes)."""
        parent = self.processes[service].pid
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rpartition(")")[2].split()
                if int(fields[1]) == parent:
                    found.append(int(stat.parent.name))
        return found

    def kill(self, service, sig=signal.SIGKILL):
        """Signal the service's whole process group (SIGKILL: as when a machine or container dies)."""
        process = self.processes.get(service)
        if process is None:
            return
        if sig in (signal.SIGKILL, signal.SIGTERM):
            self._stopping.add(service)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        if sig in (signal.SIGKILL, signal.SIGTERM):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # anything the group left behind
            self.processes.pop(service, None)

    def stop_all(self):
        for service in list(self.processes):
            self.kill(service, signal.SIGTERM)

    def media_files(self) -> list[Path]:
        return sorted(path for path in self.media.rglob("*") if path.is_file())

    def mail_messages(self) -> list[str]:
        """Each message the file mail backend wrote (it separates messages with a line of dashes)."""
        messages = []
        for path in sorted(self.mail.glob("*")):
            messages += [part for part in path.read_text(errors="replace").split("-" * 79) if part.strip()]
        return messages


PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def totp_now(secret_b32: str, step: int = 30, digits: int = 6) -> str:
    """The current TOTP code of a base32 secret (RFC 6238), as an authenticator app shows it."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    counter = struct.pack(">Q", int(time.time()) // step)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


class Browser:
    """A person at a browser, behind the TLS proxy: keeps cookies (secure ones too) and sends CSRF tokens."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.host = urlsplit(base_url).netloc
        self.cookies = {}

    def request(self, method, path, *, data=None, headers=None, timeout=20, follow=False):
        url = path if path.startswith("http") else self.base_url + path
        sent = {**PROXY_HEADERS, "Referer": f"https://{self.host}{urlsplit(url).path}",
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        if method == "POST":
            sent["Origin"] = f"https://{self.host}"
            data = {"csrfmiddlewaretoken": self.csrf_token(), **(data or {})}
        response = requests.request(method, url, data=data, headers=sent, timeout=timeout, allow_redirects=False)
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        location = response.headers.get("Location", "")
        if follow and response.status_code in (301, 302, 303) and location:
            target = urlsplit(location)
            return self.request("GET", target.path + (f"?{target.query}" if target.query else ""), follow=True)
        return response

    def csrf_token(self):
        """Production names its cookies with the __Host- prefix (__Host-csrftoken)."""
        return next((value for name, value in self.cookies.items() if name.endswith("csrftoken")), "")

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data=None, **kwargs):
        if not self.csrf_token():
            self.get(path)
        return self.request("POST", path, data=data, **kwargs)

    def login(self, email, password, totp_secret=None):
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"login": email, "password": password})
        if response.status_code == 302 and "/2fa/authenticate" in response.headers.get("Location", ""):
            if totp_secret is None:
                raise RuntimeError(f"{email} needs a two-factor code")
            step = urlsplit(response.headers["Location"]).path
            self.get(step)
            response = self.post(step, {"code": totp_now(totp_secret)})
            if response.status_code != 302:  # a code is good once: an earlier sign-in used this one, wait for the next
                time.sleep(30 - time.time() % 30 + 1)
                response = self.post(step, {"code": totp_now(totp_secret)})
        if response.status_code != 302:
            raise RuntimeError(f"sign-in of {email} failed: {response.status_code}\n{response.text[:2000]}")
        return response


def remove(path: Path):
    shutil.rmtree(path, ignore_errors=True)
