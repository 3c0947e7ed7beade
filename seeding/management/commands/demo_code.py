from django.core.management.base import BaseCommand

from seeding.demo import DEMO_TOTP_SECRET, demo_totp_code


class Command(BaseCommand):
    help = (
        "Print the two-factor code the demo Digital Office accounts (cdo@, cto@demo.digitaloffice.scot) need now. "
        "Their authenticator secret is published for demos only: " + DEMO_TOTP_SECRET
    )

    def handle(self, *args, **options):
        self.stdout.write(demo_totp_code())
