"""The CPV 2008 codes the register offers (reference/cpv_digital.csv; its source in reference/README.md)."""

import csv
from functools import cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference" / "cpv_digital.csv"


@cache
def cpv_names() -> dict[str, str]:
    with REFERENCE.open(encoding="utf-8", newline="") as file:
        return {row["code"]: row["name"] for row in csv.DictReader(file)}


def cpv_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} {name}") for code, name in cpv_names().items()]


def cpv_name(code: str) -> str:
    return cpv_names().get(code, "")


def cpv_find(text: str) -> str | None:
    """A code as people write it: with or without its check digit, or the readable name (any case)."""
    text = (text or "").strip()
    names = cpv_names()
    if text in names:
        return text
    for code, name in names.items():
        if text.split("-")[0] == code.split("-")[0] or text.lower() == name.lower():
            return code
    return None
