"""`manage.py person_deactivate EMAIL`: deactivate a person from the command line, through the same service as the
People page and the admin site (open invitations withdrawn, keys revoked, sessions ended, the access record written)."""

from django.core.management.base import BaseCommand, CommandError

from core import selectors
from core.policies import SYSTEM
from people import services


class Command(BaseCommand):
    help = "Deactivate a person: withdraw their open invitations, revoke their partner API keys, end their sessions."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        person = selectors.person_by_email(email)
        if person is None:
            raise CommandError(f"No account has the address {email}.")
        revoked = services.person_deactivate(user=SYSTEM, person=person)
        self.stdout.write(f"{person.email} deactivated; {revoked} partner API key(s) revoked.")
