"""Production's database connections: kept between requests, checked before reuse, and bounded in time
(README "Database connections")."""

import json
import os

import pytest

from .test_security_settings import run_production

DATABASE = (
    "import django, json; django.setup(); from django.conf import settings as s; d = s.DATABASES['default']; "
    "print(json.dumps({'age': d['CONN_MAX_AGE'], 'checks': d['CONN_HEALTH_CHECKS'], 'options': d.get('OPTIONS', {})}))"
)
POSTGRES_URL = "postgres://portal@db.example.scot:5432/portal"


def production_database(**env):
    result = run_production(DATABASE, DATABASE_URL=POSTGRES_URL, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_keeps_connections_checks_them_and_bounds_connecting_and_statements():
    """Fault: production opened a new connection for every request (CONN_MAX_AGE 0) and had no connect or
    statement timeout, so a database that accepts connections but never answers hung every request for 30 s."""
    database = production_database()
    assert database["age"] == 60 and database["checks"] is True
    assert database["options"]["connect_timeout"] == 5
    assert "-c statement_timeout=30000" in database["options"]["options"]


def test_the_environment_sets_each_value_and_zero_turns_keeping_and_timeouts_off():
    database = production_database(DB_CONN_MAX_AGE="0", DB_CONNECT_TIMEOUT_S="0", DB_STATEMENT_TIMEOUT_MS="0")
    # PgBouncer in transaction pooling: no connection kept by Django, so nothing to check either.
    assert database == {"age": 0, "checks": False, "options": {}}
    database = production_database(DB_CONN_MAX_AGE="300", DB_CONNECT_TIMEOUT_S="2", DB_STATEMENT_TIMEOUT_MS="5000")
    assert database["age"] == 300 and database["options"]["connect_timeout"] == 2
    assert database["options"]["options"] == "-c statement_timeout=5000"


def test_sqlite_gets_no_postgresql_options():
    result = run_production(DATABASE)
    assert result.returncode == 0, result.stderr
    assert "statement_timeout" not in result.stdout and "connect_timeout" not in result.stdout


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL")
def test_a_production_connection_runs_with_the_statement_timeout():
    """The timeout reaches PostgreSQL: a statement longer than it is cancelled."""
    code = (
        "import django; django.setup(); from django.db import connection, OperationalError\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW statement_timeout'); print(c.fetchone()[0])\n"
        "    try:\n"
        "        c.execute('SELECT pg_sleep(2)'); print('finished')\n"
        "    except OperationalError as error:\n"
        "        print('cancelled' if 'statement timeout' in str(error) else error)\n"
    )
    result = run_production(code, DATABASE_URL=os.environ["DATABASE_URL"], DB_STATEMENT_TIMEOUT_MS="300")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["300ms", "cancelled"]
