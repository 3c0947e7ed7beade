"""Time and peak memory of making a report (figures, tagged PDF and XLSX) in a fresh process, as a worker does.

    DATABASE_URL=postgres://... .venv/bin/python bench/report.py [--kind portfolio] [--runs 3]

Each run is a new Python process that makes the report of the last closed period in memory, exactly as the
worker's job does (report_figures, render_pdf, render_xlsx), and reports its wall time, its CPU time (what a
busy machine does not inflate) and its peak resident memory (ru_maxrss). Nothing is written to the database.
Prints each run and the medians.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ONE_RUN = """
import json, resource, sys, time
import django
django.setup()
from initiatives import reports, selectors
from initiatives.models import Report
from initiatives.reports.render import render_pdf, render_xlsx
import weasyprint  # loaded before the clock starts: a worker has it loaded after its first report
kind = sys.argv[1]
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
cpu_started = cpu()
report = Report(kind=kind, period=selectors.last_closed_period())
started = time.perf_counter()
figures = reports.report_figures(report)
after_figures = time.perf_counter()
pdf = render_pdf(figures)
after_pdf = time.perf_counter()
xlsx = render_xlsx(figures)
finished = time.perf_counter()
print(json.dumps({
    "rows": len(figures.rows), "pdf_bytes": len(pdf), "xlsx_bytes": len(xlsx),
    "figures_s": after_figures - started, "pdf_s": after_pdf - after_figures, "xlsx_s": finished - after_pdf,
    "total_s": finished - started, "cpu_s": cpu() - cpu_started,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default="portfolio", choices=["portfolio", "board_pack"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE",
                                                                  "digital_office.settings.local")}
    results = []
    for run in range(1, args.runs + 1):
        output = subprocess.run([sys.executable, "-c", ONE_RUN, args.kind], cwd=ROOT, env=env, check=True,
                                capture_output=True, text=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        results.append(result)
        print(f"run {run}: {result['rows']} initiatives, total {result['total_s']:.1f} s, "
              f"CPU {result['cpu_s']:.1f} s (figures "
              f"{result['figures_s']:.1f} s, PDF {result['pdf_s']:.1f} s, XLSX {result['xlsx_s']:.1f} s), "
              f"peak {result['peak_mb']:.0f} MB, PDF {result['pdf_bytes'] / 1e6:.1f} MB, "
              f"XLSX {result['xlsx_bytes'] / 1e3:.0f} kB", flush=True)
    print(f"median of {args.runs}: total {statistics.median(r['total_s'] for r in results):.1f} s, "
          f"CPU {statistics.median(r['cpu_s'] for r in results):.1f} s, "
          f"peak memory {statistics.median(r['peak_mb'] for r in results):.0f} MB")


if __name__ == "__main__":
    main()
