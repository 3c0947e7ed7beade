"""Make or revoke a partner API key from the command line.

    manage.py partner_key create --partner scottish-government --scopes initiatives:read,reports:read \
        [--expires 2027-03-31] [--name NAME] [--rate 1200/min]
    manage.py partner_key revoke PREFIX
    manage.py partner_key list

`create` prints the new key on its last line: it is shown this once and stored only as a hash.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core import selectors, services
from core.models import PartnerAPIKey
from core.policies import SYSTEM
from core.scopes import SCOPES, parse_scopes
from councils import selectors as councils_selectors
from partner_access import selectors as partner_selectors


class Command(BaseCommand):
    help = "Create, revoke or list partner API keys."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="Make a key; its full text is printed on the last line.")
        create.add_argument("--partner", required=True, help="Partner organisation slug, e.g. scottish-government.")
        create.add_argument("--scopes", required=True, help=f"Comma-separated, from: {', '.join(SCOPES)}.")
        create.add_argument("--expires", help="Last day the key works, YYYY-MM-DD (UK time). Default: never.")
        create.add_argument("--name", help="A name to recognise the key by. Default: the partner's slug and today.")
        create.add_argument("--rate", default="", help="Request rate for this key, e.g. 1200/min. Default: the API's.")
        revoke = commands.add_parser("revoke", help="Revoke a key, by its prefix (the part before the dot).")
        revoke.add_argument("prefix")
        commands.add_parser("list", help="List keys: prefix, partner, scopes, expiry, state, last used.")

    def handle(self, *args, action, **options):
        try:
            return getattr(self, f"_{action}")(**options)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error

    def _create(self, *, partner, scopes, expires=None, name=None, rate="", **options):
        organisation = councils_selectors.partner_list().filter(slug=partner).first()
        if organisation is None:
            known = ", ".join(councils_selectors.partner_list().values_list("slug", flat=True))
            raise CommandError(f"No partner organisation {partner!r}. Known: {known}.")
        expires_on = None
        if expires:
            try:
                expires_on = datetime.date.fromisoformat(expires)
            except ValueError as error:
                raise CommandError("--expires takes a date as YYYY-MM-DD.") from error
        key, text = services.key_create(
            user=SYSTEM, partner=organisation, name=name or f"{partner} {datetime.date.today():%Y-%m-%d}",
            scopes=parse_scopes(scopes), expires_on=expires_on, rate_limit=rate,
        )
        expiry = f"works until the end of {key.expires_on:%Y-%m-%d}" if key.expires_on else "no expiry"
        self.stdout.write(f"Key {key.prefix} for {organisation.name}, scopes {', '.join(key.scopes)}, {expiry}.")
        self.stdout.write("Shown this once; send it as the header  Authorization: Api-Key <key>")
        self.stdout.write(text)

    def _revoke(self, *, prefix, **options):
        try:
            key = selectors.key_by_prefix(prefix)
        except PartnerAPIKey.DoesNotExist as error:
            raise CommandError(f"No key with prefix {prefix!r}.") from error
        services.key_revoke(user=SYSTEM, key=key)
        self.stdout.write(f"Revoked key {key.prefix} ({key.name}) of {key.partner.name}.")

    def _list(self, **options):
        for key in partner_selectors.key_list():
            expiry = f"{key.expires_on:%Y-%m-%d}" if key.expires_on else "never"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
            self.stdout.write(
                f"{key.prefix}  {key.partner.slug:<24} {key.state_label!s:<8} expires {expiry:<10} "
                f"last used {used:<16} {','.join(key.scopes)}"
            )
