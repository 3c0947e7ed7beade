"""Every entry point starts from the same settings, and every setting the code reads is declared in base.py or a
topic module it imports."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import digital_office.settings.base as base

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = [
    "core", "councils", "people", "strategy", "initiatives", "partner_access", "seeding", "digital_office",
]
PRINT_SETTINGS = "import os; print(os.environ['DJANGO_SETTINGS_MODULE'])"

ENTRY_POINTS = {
    "manage.py": [sys.executable, "manage.py", "shell", "-c",
                  "from django.conf import settings; print(settings.SETTINGS_MODULE)"],
    "wsgi": [sys.executable, "-c", f"import digital_office.wsgi; {PRINT_SETTINGS}"],
    "asgi": [sys.executable, "-c", f"import digital_office.asgi; {PRINT_SETTINGS}"],
    "celery": [sys.executable, "-c", f"from digital_office.celery import app; {PRINT_SETTINGS}"],
}


def run_without_settings_module(command, **extra_env):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(extra_env)
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_every_entry_point_defaults_to_the_local_settings(entry_point):
    assert run_without_settings_module(ENTRY_POINTS[entry_point]) == "digital_office.settings.local"


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_the_environment_chooses_other_settings_for_every_entry_point(entry_point):
    chosen = "digital_office.settings.test"
    assert run_without_settings_module(ENTRY_POINTS[entry_point], DJANGO_SETTINGS_MODULE=chosen) == chosen


def settings_read_by_the_code():
    """Every `settings.NAME` and `getattr(settings, "NAME", ...)` in the project's modules."""
    names = {}
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "settings" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "settings":
                    names.setdefault(node.attr, path.relative_to(ROOT))
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                        and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == "settings"):
                    names.setdefault("getattr(settings, ...)", path.relative_to(ROOT))
    return names


def test_every_setting_the_code_reads_is_declared_in_base():
    read = settings_read_by_the_code()
    assert "getattr(settings, ...)" not in read, f"declare the setting in base.py instead: {read}"
    undeclared = {name: where for name, where in read.items() if not hasattr(base, name)}
    assert undeclared == {}
