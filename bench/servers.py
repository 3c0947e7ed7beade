"""bench/run.py's servers (gunicorn, Datasette) and load generators (wrk, or a Python one in a process of its own)."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# --- servers -----------------------------------------------------------------------------------------------------

class Server:
    def __init__(self, name, command, env, port, log):
        self.name, self.port, self.command, self.env = name, port, command, env
        self.log = open(log, "ab")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def wait(self, path, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see its log")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer within {timeout} s")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()

    def children(self) -> list[int]:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found


def rss_kb(pid) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def request(url, headers, timeout=120):
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
        body = response.read()
        return response.status, dict(response.headers), body, time.perf_counter() - started


WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(url, headers, connections, duration) -> dict:
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{max(1, round(duration))}s",
               "--latency", "--timeout", "30s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    latency = {m.group(1): float(m.group(2)) * WRK_UNITS[m.group(3)]
               for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency.get("50"), "p99_ms": latency.get("99"),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx": int(bad.group(1)) if bad else 0, "socket_errors": errors.group(1) if errors else None,
        "tool": "wrk",
    }


def python_load(url, headers, connections, duration) -> dict:
    """Without wrk: `connections` threads in a process of their own, each sending requests one after another."""
    code = (
        "import json, sys, threading, time, urllib.request\n"
        "url, headers, n, duration = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])\n"
        "times, bad = [], [0]\n"
        "end = time.monotonic() + duration\n"
        "def run():\n"
        "    while time.monotonic() < end:\n"
        "        t = time.perf_counter()\n"
        "        try:\n"
        "            request = urllib.request.Request(url, headers=headers)\n"
        "            with urllib.request.urlopen(request, timeout=30) as response: response.read()\n"
        "        except Exception: bad[0] += 1\n"
        "        times.append((time.perf_counter() - t) * 1000)\n"
        "threads = [threading.Thread(target=run) for _ in range(n)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "times.sort()\n"
        "print(json.dumps({'requests': len(times), 'rps': len(times) / duration, 'non_2xx': bad[0],\n"
        "  'p50_ms': times[len(times) // 2], 'p99_ms': times[int(len(times) * 0.99) - 1]}))\n"
    )
    output = subprocess.run([sys.executable, "-c", code, url, json.dumps(headers), str(connections), str(duration)],
                            capture_output=True, text=True, check=True).stdout
    return {**json.loads(output), "socket_errors": None, "tool": "python"}
