"""A language is offered only once its catalogue is translated and compiled (core/i18n.py)."""

import polib
import pytest

from core.i18n import offered_languages, translated_share

CANDIDATES = [("en-gb", "English"), ("gd", "Gaelic")]


def catalogue(tmp_path, translations):
    """A gd catalogue with the given (msgid, msgstr) pairs, compiled beside it as django.mo."""
    folder = tmp_path / "gd" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "gd"}
    for msgid, msgstr in translations:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    po.save(str(folder / "django.po"))
    po.save_as_mofile(str(folder / "django.mo"))
    return tmp_path


def test_an_untranslated_catalogue_is_not_offered(tmp_path):
    locale = catalogue(tmp_path, [("Home", "Dachaigh"), ("Sign out", ""), ("Reports", ""), ("Funding", "")])
    assert translated_share(locale, "gd") == pytest.approx(0.25)
    assert offered_languages(CANDIDATES, default="en-gb", locale_dir=locale, min_share=0.95) == [("en-gb", "English")]


def test_a_translated_and_compiled_catalogue_is_offered(tmp_path):
    locale = catalogue(tmp_path, [("Home", "Dachaigh"), ("Sign out", "Clàraich a-mach")])
    assert translated_share(locale, "gd") == 1.0
    assert offered_languages(CANDIDATES, default="en-gb", locale_dir=locale, min_share=0.95) == CANDIDATES


def test_a_catalogue_that_was_never_compiled_is_not_offered(tmp_path):
    locale = catalogue(tmp_path, [("Home", "Dachaigh")])
    (locale / "gd" / "LC_MESSAGES" / "django.mo").unlink()
    assert translated_share(locale, "gd") == 0.0


def test_the_shipped_catalogue_is_not_yet_translated():
    from django.conf import settings

    share = translated_share(settings.LOCALE_PATHS[0], "gd")
    assert share < settings.TRANSLATION_MIN_SHARE
    assert "gd" not in dict(settings.LANGUAGES)
