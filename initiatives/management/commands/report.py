"""Make a report from the command line, as the schedule or Digital Office staff would.

    manage.py report generate --kind portfolio|board|council [--council GSS] --period YYYY-MM [--wait]

The report is queued for a Celery worker (made again if it exists). With --wait the command waits until the
worker has made it and prints where its files are, or fails with the reason (or after --timeout seconds).
"""

import re
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from councils import selectors as councils_selectors
from initiatives import reports, selectors
from initiatives.models import Report

KINDS = {"portfolio": Report.Kind.PORTFOLIO, "board": Report.Kind.BOARD_PACK, "council": Report.Kind.COUNCIL_SUMMARY}


class Command(BaseCommand):
    help = "Queue a report (portfolio, board pack or council summary) for a reporting period, and optionally wait."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        generate = commands.add_parser("generate", help="Queue a report; with --wait, wait until it is made.")
        generate.add_argument("--kind", required=True, choices=sorted(KINDS))
        generate.add_argument("--council", help="GSS code (or name) of the council, for a council summary.")
        generate.add_argument("--period", required=True, help="The month the reporting period starts in, YYYY-MM.")
        generate.add_argument("--wait", action="store_true", help="Wait until a worker has made it.")
        generate.add_argument("--timeout", type=float, default=900, help="Seconds to wait with --wait (900).")

    def handle(self, *args, action, kind, period, council=None, wait=False, timeout=900, **options):
        match = re.fullmatch(r"(\d{4})-(\d{2})", period)
        if not match:
            raise CommandError("--period must be a month, YYYY-MM (e.g. 2026-10).")
        found = selectors.period_starting_in(int(match[1]), int(match[2]))
        if found is None:
            raise CommandError(f"No reporting period starts in {period}.")
        chosen = None
        if council:
            chosen = councils_selectors.CouncilMatcher().find(council)
            if chosen is None:
                raise CommandError(councils_selectors.CouncilMatcher.no_match_message(council))
        try:
            report = reports.report_queue(kind=KINDS[kind], council=chosen, period=found)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if report.job is None:
            self.stdout.write(f"Report {report.pk} is already being made.")
        elif report.job.sent is False:
            self.stdout.write(f"Report {report.pk} is queued; the job queue is unreachable: it goes when it is back.")
        else:
            self.stdout.write(f"Report {report.pk} queued.")
        if wait:
            self._wait(report.pk, timeout)

    def _wait(self, pk, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            report = selectors.report_state(pk)
            if report.status == Report.Status.READY:
                self.stdout.write(f"Ready: {report.file.path}")
                self.stdout.write(f"Ready: {report.spreadsheet.path}")
                return
            if report.status == Report.Status.FAILED:
                raise CommandError(f"Report {pk} failed: {report.error}")
            time.sleep(0.5)
        raise CommandError(f"Report {pk} was not made within {timeout:g} s: is a Celery worker running?")
