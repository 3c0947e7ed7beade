"""`manage.py public_publish`: publish the public portfolio for the last closed period now, as the daily job does
once its approvals close (idempotent: a period already published is left as it is). Prints the period and the
first public initiative's reference."""

import json

from django.core.management.base import BaseCommand

from initiatives import selectors as portfolio
from public import selectors, services


class Command(BaseCommand):
    help = "Publish the public portfolio's snapshot for the last closed period (once per period)."

    def handle(self, *args, **options):
        period = portfolio.last_closed_period()
        if period is None:
            self.stderr.write("No reporting period has closed yet: nothing to publish.")
            return
        publication, created = services.publication_publish(period=period)
        references = [row["reference"] for row in selectors.publication_data(publication.pk)["initiatives"]]
        self.stdout.write(json.dumps({"period": period.label, "created": created,
                                      "first_reference": references[0] if references else None}))
