"""bench/run.py's API regimes: computed pages beside cached ones, and the API while partner-visible changes land.

- **Computed**: a second gunicorn, the same in every way but `API_PAGE_CACHE=false` (every list page computed, as
  after each change), measured right after the cached one, endpoint by endpoint.
- **A change every 1 s / every 0.1 s** (0.1 s: an approval round): a writer process saves a risk (a record the
  change feed serves) at that interval for as long as the load lasts; each save renews the `PARTNER_DATA` token, so
  every cached page is computed again at its next read. The floor is measured again under the same writer, and the
  ratios are to that floor.
"""

import subprocess
import time

WRITER = r"""
import time
from django.db import transaction
from initiatives.models import Risk
risks = list(Risk.objects.order_by("pk").values_list("pk", flat=True)[:200])
done, next_at = 0, time.monotonic()
while True:
    with transaction.atomic():
        risk = Risk.objects.select_for_update().get(pk=risks[done % len(risks)])
        risk.mitigation = f"Reviewed at bench write {done}"
        risk.save()
    done += 1
    print(done, flush=True)
    next_at += INTERVAL
    time.sleep(max(0.0, next_at - time.monotonic()))
"""
# (label, seconds between changes)
WRITE_REGIMES = [("a change every 1 s", 1.0), ("a change every 0.1 s", 0.1)]
# The lists measured under each regime (names of run.API)
UNDER_WRITES = ("API initiatives list (100)", "API updates list (100)")
# The lists measured computed as well (the others are computed at every request anyway)
COMPUTED = ("API initiatives list (100)", "API updates list (100)")


class Writer:
    """`with Writer(python, root, env, interval) as writer:` a change every `interval` s; `writer.writes` after."""

    def __init__(self, python, root, env, log, interval):
        self.command = [str(python), "manage.py", "shell", "-c", WRITER.replace("INTERVAL", repr(interval))]
        self.root, self.env, self.log = root, {**env, "DJANGO_SETTINGS_MODULE": "digital_office.settings.bench"}, log
        self.writes = 0

    def __enter__(self):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=self.root, env=self.env, stdout=subprocess.PIPE,
                                            stderr=log, text=True)
        first = self.process.stdout.readline()  # the first change made: the writer is running
        if not first.strip():
            raise RuntimeError(f"the writer did not start: see {self.log}")
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.started
        self.process.terminate()
        output, _ = self.process.communicate(timeout=30)
        lines = [line for line in output.split() if line.isdigit()]
        self.writes = int(lines[-1]) if lines else 1
        return False


def measure_one(measure, base, path, headers, connections, duration, floor_rps) -> dict:
    """One endpoint, with its ratio to the floor; an error as a result (it must not hide the other endpoints)."""
    try:
        result = measure(base, path, headers, connections, duration)
        result["ratio_to_floor"] = round(result["rps"] / floor_rps, 3)
    except Exception as error:  # noqa: BLE001
        result = {"error": repr(error)[:200]}
    return result


def measure_under_writes(measure, writer_args, base, floor_path, api, headers, connections, duration) -> dict:
    """Per regime: the floor and the lists of UNDER_WRITES, each while the writer makes its changes."""
    regimes = {}
    for label, interval in WRITE_REGIMES:
        regime = {"interval_s": interval}
        with Writer(*writer_args, interval) as writer:
            regime["floor"] = measure(base, floor_path, {}, connections, duration)
            for name, path in api:
                if name in UNDER_WRITES:
                    regime[name] = measure_one(measure, base, path, headers, connections, duration,
                                               regime["floor"]["rps"])
        regime["changes_per_second"] = round(writer.writes / writer.seconds, 2)
        regimes[label] = regime
    return regimes
