"""The portal itself: its name and phase, languages and time zone, static files, the public address links
in e-mails point to, spreadsheet import caps and My council's look-back."""

from django.utils.translation import gettext_lazy as _

from core.i18n import offered_languages

from .environment import BASE_DIR, env

PORTAL_NAME = _("Digital Office portal")
PORTAL_PHASE = "beta"
PRODUCTION = False
# Where links in e-mails point (the portal's public address), e.g. https://portal.example.scot
PORTAL_URL = env("PORTAL_URL", default="http://127.0.0.1:8000")

LANGUAGE_CODE = "en-gb"
LOCALE_PATHS = [BASE_DIR / "locale"]
# A language is offered (footer switch, language cookie, Accept-Language) only once at least this share of its
# catalogue is translated and compiled (core/i18n.py): until then every page is English and says so.
TRANSLATION_MIN_SHARE = env.float("DJANGO_TRANSLATION_MIN_SHARE", default=0.95)
LANGUAGES = offered_languages(
    [("en-gb", _("English")), ("gd", _("Gaelic"))],
    default=LANGUAGE_CODE,
    locale_dir=LOCALE_PATHS[0],
    min_share=TRANSLATION_MIN_SHARE,
)
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/design-system", BASE_DIR / "node_modules/@scottish-government/design-system/dist"),
    ("vendor/chart.js", BASE_DIR / "node_modules/chart.js/dist"),
]

# Spreadsheet imports (core.imports): what one upload may make the server read. A funding ledger of 32 councils over
# 10 years is 320 rows of about 10 columns; the caps leave room for that many times over.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=5000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=60)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=200_000)

# How many closed reporting periods back My council lists a missing update as overdue (12: a year of months).
OVERDUE_LOOKBACK_PERIODS = env.int("OVERDUE_LOOKBACK_PERIODS", default=12)

# The practice library (practice.services.assets): the largest a file kept with an asset may be.
PRACTICE_FILE_MAX_BYTES = env.int("PRACTICE_FILE_MAX_BYTES", default=20 * 1024 * 1024)

# -- Public portfolio and open data (public/, README "Public portfolio and open data") ------------------------------
# Initiatives left to their stage are public in these stages; the office publishes or withholds any one itself.
PUBLIC_STAGES_BY_DEFAULT = env.list("PUBLIC_STAGES_BY_DEFAULT", default=["live", "closed"])
# The funding agreements' totals on the public pages (never a council's contributions): off unless turned on.
PUBLIC_SHOW_FUNDING_TOTALS = env.bool("PUBLIC_SHOW_FUNDING_TOTALS", default=False)
# How long browsers and shared caches (a CDN, nginx) may keep a public page or file before asking again (304).
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=300)
# Requests per minute from one client address (core.client_address) to the public pages and files.
PUBLIC_RATE_LIMIT_PER_MINUTE = env.int("PUBLIC_RATE_LIMIT_PER_MINUTE", default=300)
# A period is published once no update waits for approval, or at the latest this many days after its due date.
PUBLIC_PUBLISH_DAYS_AFTER_DUE = env.int("PUBLIC_PUBLISH_DAYS_AFTER_DUE", default=14)
