"""A worker or beat started before the database is migrated (podman-compose starts every service at once, without
compose's `service_completed_successfully`) still beats once the table is there: /healthz must not call a live
worker dead for ever because its first heartbeat failed."""

import time

from django.db import ProgrammingError

from core.models import WorkerHeartbeat
from digital_office import workers


def test_a_worker_whose_first_heartbeat_fails_beats_once_the_database_answers(transactional_db, settings,
                                                                               monkeypatch):
    settings.JOB_HEARTBEAT_SECONDS = 0.2
    real = workers.core_services.worker_heartbeat
    calls = []

    def not_migrated_yet(**kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 1:
            raise ProgrammingError('relation "core_workerheartbeat" does not exist')
        return real(**kwargs)

    monkeypatch.setattr(workers.core_services, "worker_heartbeat", not_migrated_yet)
    name = "celery@early-start:1"
    workers._start("worker", name)
    try:
        deadline = time.monotonic() + 10
        while not WorkerHeartbeat.objects.filter(name=name).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert WorkerHeartbeat.objects.filter(name=name).exists()
        assert len(calls) >= 2
    finally:
        workers._stop(name)
    assert not WorkerHeartbeat.objects.filter(name=name).exists()  # a clean stop removes its row
