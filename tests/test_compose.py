"""The deployment files, checked by reading them: there is no Docker engine where the tests run."""

import os
import re
import stat
from pathlib import Path

import pytest
import yaml

# One worker runs this file's tests: they share a module-scoped fixture that is slow to start (make test's loadgroup).
pytestmark = pytest.mark.xdist_group("compose")


ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
CI_RUN = ROOT / ".ci" / "run"

APP_SERVICES = ("web", "worker", "beat")
REQUIRED_SERVICES = (*APP_SERVICES, "db", "redis", "cache", "minio")
SECRET_KEY_NAME = re.compile(r"SECRET|PASSWORD|KEY|TOKEN", re.IGNORECASE)
# ${VAR}, ${VAR:-default}, ${VAR:?error} and friends; $${...} is an escaped literal, not a variable.
VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")
WHOLE_REFERENCE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:]?[-?+][^}]*)?\}$")
URL_CREDENTIALS = re.compile(r"[a-z][a-z0-9+.-]*://([^/\s:@]*):([^@\s]*)@", re.IGNORECASE)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def environment_of(service):
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in environment)
    return environment


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def test_every_service_is_there(services):
    assert set(REQUIRED_SERVICES) <= set(services)


def test_every_long_running_service_has_a_health_check(services):
    for name, service in services.items():
        if service.get("restart") == "no":
            continue  # a one-shot job (migrations); others wait for it to complete instead
        healthcheck = service.get("healthcheck")
        assert healthcheck and healthcheck.get("test") and not healthcheck.get("disable"), name


def test_health_checks_ask_the_service_itself(services):
    def check(name):
        return " ".join(strings_in(services[name]["healthcheck"]["test"]))

    assert "docker-healthcheck-web" in check("web")  # GET /healthz
    assert "inspect ping" in check("worker")
    assert "inspect ping" in check("beat")
    assert "--enable-remote-control" in services["beat"]["command"]
    assert "pg_isready" in check("db")
    assert "redis-cli ping" in check("redis")
    assert "redis-cli ping" in check("cache")
    assert "mc ready local" in check("minio")


def test_web_healthcheck_script_exists():
    script = ROOT / "bin" / "docker-healthcheck-web"
    assert script.is_file() and os.access(script, os.X_OK)
    assert "/healthz" in script.read_text()


def test_database_keeps_its_data_in_a_named_volume(compose, services):
    assert services["db"]["image"].startswith("postgres:15")
    named_volumes = set(compose.get("volumes") or {})
    sources = {str(volume).split(":", 1)[0] for volume in services["db"].get("volumes", [])}
    assert "postgres-data" in sources
    assert "postgres-data" in named_volumes


def test_app_services_use_production_settings(services):
    for name in APP_SERVICES:
        settings_module = environment_of(services[name]).get("DJANGO_SETTINGS_MODULE")
        assert settings_module == "digital_office.settings.production", name


def test_app_services_start_only_when_their_dependencies_are_ready(services):
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["db"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name
        assert depends_on["cache"]["condition"] == "service_healthy", name
        assert depends_on["minio"]["condition"] == "service_healthy", name
        for dependency, condition in depends_on.items():
            one_shot = services[dependency].get("restart") == "no"
            expected = "service_completed_successfully" if one_shot else "service_healthy"
            assert condition["condition"] == expected, (name, dependency)


def test_migrations_and_reference_data_run_before_the_app(services):
    one_shots = [service for service in services.values() if service.get("restart") == "no"]
    commands = " ".join(" ".join(strings_in(service.get("command"))) for service in one_shots)
    assert "migrate" in commands and "load_reference_data" in commands


def test_environment_secrets_are_references(services):
    for name, service in services.items():
        for key, value in environment_of(service).items():
            if SECRET_KEY_NAME.search(key):
                assert isinstance(value, str) and WHOLE_REFERENCE.match(value), f"{name}: {key} is not a ${{VAR}}"


def test_no_literal_credential_anywhere(compose):
    for text in strings_in(compose):
        for match in URL_CREDENTIALS.finditer(text):
            password = match.group(2)
            assert password.startswith("${") or password.startswith("$${"), f"literal password in {text!r}"
    raw = COMPOSE_FILE.read_text()
    for line in raw.splitlines():
        setting = re.match(r"\s*-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*[:=]\s*(\S.*)$", line)
        if setting and SECRET_KEY_NAME.search(setting.group(1)):
            value = setting.group(2).strip().strip("\"'")
            assert value.startswith("${"), f"literal secret on line {line.strip()!r}"


def test_env_example_lists_every_variable_the_compose_file_uses():
    used = set(VARIABLE.findall(COMPOSE_FILE.read_text()))
    listed = {
        match.group(1)
        for match in re.finditer(r"^\s*#?\s*([A-Za-z_][A-Za-z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE)
    }
    assert used, "the compose file is expected to take its values from .env"
    assert used <= listed, f"missing from .env.example: {sorted(used - listed)}"


def test_env_example_holds_placeholders_only():
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if SECRET_KEY_NAME.search(key):
            assert value.startswith("change-me"), f"{key} in .env.example must be a placeholder"


def test_ci_runs_make_test():
    assert CI_RUN.is_file()
    assert CI_RUN.stat().st_mode & stat.S_IXUSR, ".ci/run must be executable"
    text = CI_RUN.read_text()
    assert text.startswith("#!/usr/bin/env bash") or text.startswith("#!/bin/bash")
    assert "set -euo pipefail" in text
    assert re.search(r"^\s*make test\s*$", text, re.MULTILINE)


def test_web_and_workers_share_no_volume_and_keep_files_in_the_bucket(compose, services):
    """Issue 28: web, worker and beat can run on different machines: no volume between them (no MEDIA_ROOT), every
    file in the S3 bucket of the minio service, which keeps it in a named volume of its own."""
    for name in (*APP_SERVICES, "migrate"):
        assert not services[name].get("volumes"), f"{name} mounts a volume"
        environment = environment_of(services[name])
        assert "MEDIA_ROOT" not in environment, name
        assert environment["AWS_S3_ENDPOINT_URL"] == "http://minio:9000", name
        assert environment["AWS_STORAGE_BUCKET_NAME"].startswith("${AWS_STORAGE_BUCKET_NAME"), name
        assert environment["AWS_ACCESS_KEY_ID"].startswith("${MINIO_ROOT_USER"), name
        assert environment["AWS_SECRET_ACCESS_KEY"].startswith("${MINIO_ROOT_PASSWORD"), name
    assert "media-data" not in (compose.get("volumes") or {})
    assert services["minio"]["image"].startswith("minio/minio:")
    assert services["minio"]["command"][:2] == ["server", "/data"]
    assert {str(v).split(":", 1)[0] for v in services["minio"]["volumes"]} == {"minio-data"}
    assert "minio-data" in compose["volumes"]
    # The one-shot job makes the bucket on a new MinIO and proves files can be written there.
    assert "storage_check --create-bucket" in " ".join(strings_in(services["migrate"]["command"]))


def test_redis_is_required_and_the_broker_and_the_cache_are_separate_instances(services):
    """Issue 29: a full cache must never evict queued jobs. Broker: noeviction and an append-only file; cache:
    allkeys-lru under a maxmemory. The app is pointed at each, and production refuses to start without Redis."""
    for name in (*APP_SERVICES, "migrate"):
        environment = environment_of(services[name])
        assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0", name
        assert environment["CACHE_REDIS_URL"] == "redis://cache:6379/0", name

    def option(service, flag):
        command = [str(part) for part in services[service]["command"]]
        return command[command.index(flag) + 1] if flag in command else None

    assert option("redis", "--maxmemory-policy") == "noeviction"
    assert option("redis", "--appendonly") == "yes"
    assert option("cache", "--maxmemory-policy") == "allkeys-lru"
    assert re.fullmatch(r"\$\{CACHE_MAXMEMORY:-\d+[kmg]b\}", option("cache", "--maxmemory"))
    assert option("cache", "--appendonly") == "no"
    assert services["redis"]["image"] == services["cache"]["image"] == "redis:7"


def test_the_image_build_step_that_collects_static_files_loads_production_settings(tmp_path):
    """The Dockerfile's collectstatic step runs with production settings and throw-away values: they must pass
    production's checks (a 41-character build key and no REDIS_URL made every image build fail)."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    step = next(line for line in text.splitlines() if "collectstatic" in line and line.startswith("RUN "))
    assignments = step.removeprefix("RUN ").split("python manage.py collectstatic")[0]
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE", "REDIS",
                                                                                   "CELERY", "CACHE_", "AWS_"))}
    env["DJANGO_SETTINGS_MODULE"] = "digital_office.settings.production"
    env["STATIC_ROOT"] = str(tmp_path)
    check = f"{sys.executable} -c 'import django; django.setup(); print(\"settings loaded\")'"
    result = subprocess.run(["sh", "-c", f"{assignments.replace('python -c', sys.executable + ' -c')} {check}"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "settings loaded" in result.stdout


def test_ci_runs_the_compose_smoke_only_where_an_engine_answers(tmp_path):
    """After make test, .ci/run runs bin/compose-smoke when `docker info` or `podman info` succeeds, and otherwise
    says plainly why not. Checked by running that part of .ci/run with stand-in engines on PATH."""
    import shutil  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    script = ROOT / "bin" / "compose-smoke"
    assert script.is_file() and os.access(script, os.X_OK)
    text = CI_RUN.read_text()
    part = text[text.index("# --- the compose stack"):]
    assert text.index("make test\n") < text.index("# --- the compose stack")

    def run_with(engines: dict):
        bin_dir = tmp_path / f"bin{len(list(tmp_path.iterdir()))}"
        bin_dir.mkdir()
        for tool in ("timeout", "grep", "tail"):  # only these and the stand-in engines are on PATH
            (bin_dir / tool).symlink_to(shutil.which(tool))
        for name, (status, message) in engines.items():
            tool = bin_dir / name
            tool.write_text(f"#!/bin/sh\necho '{message}' >&2\nexit {status}\n")
            tool.chmod(0o755)
        (bin_dir / ".venv" / "bin").mkdir(parents=True)
        fake_python = bin_dir / ".venv" / "bin" / "python"
        fake_python.write_text('#!/bin/sh\necho "compose-smoke ran with: $*"\n')
        fake_python.chmod(0o755)
        program = "set -euo pipefail\nsay() { echo \"==> .ci/run: $*\"; }\n" + part
        return subprocess.run([shutil.which("bash"), "-c", program], cwd=bin_dir, capture_output=True, text=True,
                              timeout=60, env={"PATH": str(bin_dir)}).stdout

    none = run_with({"docker": (1, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.")})
    assert "compose smoke skipped: no container engine answers (docker info: Cannot connect to the Docker" in none
    assert "podman info: not installed" in none and "compose-smoke ran" not in none
    podman = run_with({"docker": (1, "no daemon"), "podman": (0, "")})
    assert "compose-smoke ran with: bin/compose-smoke --require --engine podman" in podman
