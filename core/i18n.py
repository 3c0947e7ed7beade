"""Which languages the portal offers: English, and each other language once its catalogue is translated.

A page must not claim a language it is not written in (WCAG 3.1.1): until a catalogue is translated and
compiled, its language is left out of settings.LANGUAGES, so the footer does not offer it and neither the
language cookie nor the browser's Accept-Language can switch a page to it. `make messages` keeps the catalogue
current with the code and compiles it; translators fill in `locale/<code>/LC_MESSAGES/django.po`.

Settings call this while they load, so it imports nothing from Django's apps.
"""

from pathlib import Path

import polib

# Each language named in itself, as a language switch shows it.
AUTONYMS = {"en-gb": "English", "gd": "Gàidhlig"}


def translated_share(locale_dir: Path, code: str) -> float:
    """How much of a language's catalogue is translated and compiled: messages in its django.mo over the
    messages in its django.po (0 when either is missing)."""
    messages = Path(locale_dir) / code / "LC_MESSAGES"
    po_path, mo_path = messages / "django.po", messages / "django.mo"
    if not po_path.exists() or not mo_path.exists():
        return 0.0
    wanted = [entry for entry in polib.pofile(str(po_path)) if not entry.obsolete]
    if not wanted:
        return 0.0
    compiled = [entry for entry in polib.mofile(str(mo_path)) if entry.msgid and (entry.msgstr or entry.msgstr_plural)]
    return min(1.0, len(compiled) / len(wanted))


def offered_languages(candidates, *, default: str, locale_dir: Path, min_share: float) -> list[tuple[str, str]]:
    """The candidates (code, name) the portal offers: the default language, and those at least `min_share`
    translated."""
    return [
        (code, name)
        for code, name in candidates
        if code == default or translated_share(locale_dir, code) >= min_share
    ]
