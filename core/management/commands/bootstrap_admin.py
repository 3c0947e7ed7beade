"""`manage.py bootstrap_admin EMAIL`: the first administrator of a new installation, two-factor set up.

Prints, once, the password (generated unless --password-stdin gives one), the TOTP secret as an otpauth:// URI
(paste it into an authenticator app, or make it a QR code) and the recovery codes. Refuses while an administrator
exists, unless --force (which gives that address a new password, secret and codes). docs/operations.md.
"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.bootstrap import AdministratorExists, administrator_bootstrap


class Command(BaseCommand):
    help = ("Set up the first administrator: a password, a TOTP authenticator and recovery codes, printed once. "
            "Refuses while an administrator exists, unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--password-stdin", action="store_true",
                            help="read the password from the first line of standard input instead of generating one")
        parser.add_argument("--force", action="store_true",
                            help="go ahead although an administrator exists; an existing account of EMAIL gets a "
                                 "new password, TOTP secret and recovery codes")

    def handle(self, *args, email, full_name, password_stdin, force, **options):
        password = sys.stdin.readline().rstrip("\n") if password_stdin else ""
        if password_stdin and not password:
            raise CommandError("--password-stdin: no password on standard input.")
        try:
            made = administrator_bootstrap(email=email, password=password, full_name=full_name, force=force)
        except AdministratorExists as exc:
            raise CommandError(f"An administrator exists already ({exc}); nothing changed. "
                               "Use --force to set up this address anyway.") from exc
        except ValidationError as exc:
            raise CommandError("The password is refused: " + " ".join(exc.messages)) from exc
        write = self.stdout.write
        write(f"Administrator: {made.user.email}")
        if made.generated_password:
            write(f"Password: {made.password}")
        write(f"TOTP secret: {made.totp_secret}")
        write(f"otpauth URI: {made.otpauth_uri}")
        write("Recovery codes (each works once): " + " ".join(made.recovery_codes))
        write("Shown once only: keep them now. Sign in at /accounts/login/ with the password and a code from "
              "the authenticator; /admin/ then opens.")
