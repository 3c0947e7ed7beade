"""Cells a spreadsheet program may not run (OWASP "CSV injection"): every CSV and XLSX the portal makes passes its
text through `neutralise_formulas` (core.exports for the pages, core.api.renderers for the API).

A spreadsheet starts a formula at the start of a cell, with =, +, -, @, or a tab or carriage return before one of
them; and a CSV file opened with another separator (`;` in many European locales, a tab, a line break...) splits
one cell into several, each of which may start a formula: "Go-live;=1+1" becomes "Go-live" and "=1+1". So an
apostrophe, which tells the program "this is text", goes before every such start: at the start of the cell and
after every separator. A plain number such as "-12.50" is left alone: no program runs it.
"""

import re
from decimal import Decimal, InvalidOperation

FORMULA_STARTS = "=+-@"
# Characters a spreadsheet program may split cells on, or ignore before a formula.
SEPARATORS = ",;\t\r\n|"
_START = re.compile(
    r"(^|[" + re.escape(SEPARATORS) + r"])([\s\"']*)([" + re.escape(FORMULA_STARTS) + r"\t\r])"
)


# The cheap test first: a text with no separator can start a formula only at its very start (_START's `^` branch).
_HAS_SEPARATOR = re.compile("[" + re.escape(SEPARATORS) + "]")
_STARTS_FORMULA = re.compile(r"[\s\"']*[" + re.escape(FORMULA_STARTS) + r"\t\r]")


def _is_number(text: str) -> bool:
    try:
        Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return False
    return True


def neutralise_formulas(value):
    """The value to write into a cell: text gets an apostrophe before every place a formula could start; anything
    else (numbers, dates, None) is returned as it is."""
    if not isinstance(value, str) or not value:
        return value
    if not _HAS_SEPARATOR.search(value) and not _STARTS_FORMULA.match(value):
        return value  # most cells (names, codes, dates): nothing to guard, found without parsing a number
    if _is_number(value):
        return value

    def guard(match):
        separator, padding, start = match.groups()
        rest = value[match.end() - 1:]
        fragment = re.split("[" + re.escape(SEPARATORS) + "]", rest[1:], maxsplit=1)[0]
        if start in "+-" and _is_number(start + fragment):
            return match.group(0)  # "Budget;-12.50": a number, not a formula
        if not separator:  # the start of the cell: the apostrophe comes first of all
            return f"'{padding}{start}"
        return f"{separator}{padding}'{start}"

    return _START.sub(guard, value)
