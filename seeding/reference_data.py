"""Loads the reference data the portal ships (data/reference/) into the database.

Idempotent: rows are matched on a key that admins do not edit, and updated in place, so running it again
(every `make run`, the compose `migrate`) never adds a row: councils on their GSS code (read-only in the admin
once a council exists), old codes on the old code, partner organisations, themes and outcomes on their `code`
(the slug or number the shipped file gives, filled by a migration; read-only in the admin), the strategy as the
one the shipped outcomes and themes belong to (or the first). Facts come only from the files; nothing here is
invented.

What it does with a value an admin edited: it restores the shipped value of every field the files give (a
"repair"), and leaves every other field (a council's single sign-on setting, rows the admin added) alone. An
edit to a shipped fact that must last belongs in data/reference/ (and its README's sources), not the admin.
"""

import csv
import datetime
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from councils.models import Council, CouncilCodeAlias, PartnerOrganisation
from strategy.models import MaturityDimension, MaturityLevel, Outcome, Strategy, Theme

from .planner_statistics import bulk_load_finished

REFERENCE_DIR = Path(settings.BASE_DIR) / "data" / "reference"

# The office's own maturity model is not public: these defaults are labelled placeholders that
# Digital Office staff rename in the admin. They are created once and never overwritten.
PLACEHOLDER_DIMENSIONS = [f"Placeholder dimension {n}" for n in range(1, 6)]
PLACEHOLDER_LEVELS = [f"Placeholder level {n}" for n in range(1, 6)]


def _upsert(model, defaults, **lookup):
    """update_or_create that saves only on a real change, so a rerun adds no history rows."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **defaults)
    changed = [field for field, value in defaults.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, defaults[field])
        obj.save(update_fields=changed)
    return obj


def _upsert_coded(model, code, *, defaults, **adopt):
    """The row whose `code` is the shipped key, with the shipped values. Without one, a row that matches `adopt`
    (the shipped slug or number) and has no code yet becomes it (a database loaded before codes existed);
    otherwise the row is created."""
    if not model.objects.filter(code=code).exists():
        orphan = model.objects.filter(code=None, **adopt).order_by("pk").first()
        if orphan is None:
            return model.objects.create(code=code, **defaults)
        model.objects.filter(pk=orphan.pk).update(code=code)
    return _upsert(model, defaults, code=code)


def _shipped_strategy(data):
    """The strategy the shipped outcomes and themes belong to, else the first (the portal holds one)."""
    codes = [str(outcome["number"]) for outcome in data["outcomes"]]
    coded = Outcome.objects.filter(code__in=codes).select_related("strategy").order_by("pk").first()
    if coded is None:
        coded = Theme.objects.filter(code__in=[t["slug"] for t in data["themes"]]).order_by("pk").first()
    return coded.strategy if coded is not None else Strategy.objects.order_by("pk").first()


def _read_csv(name):
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def reference_data_load() -> dict:
    """Load the reference data in one transaction, then refresh the planner's statistics."""
    counts = _reference_data_load()
    bulk_load_finished()
    return counts


@transaction.atomic
def _reference_data_load() -> dict:
    counts = {}
    for row in _read_csv("scottish_councils.csv"):
        _upsert(
            Council,
            gss_code=row["gss_code"],
            defaults={
                "name": row["name"],
                "short_name": row["short_name"],
                "slug": slugify(row["name"]),
                "population": int(row["population"]),
                "population_year": int(row["population_year"]),
                "hex_col": int(row["hex_col"]),
                "hex_row": int(row["hex_row"]),
            },
        )
    counts["councils"] = Council.objects.count()

    for row in _read_csv("council_code_changes.csv"):
        _upsert(
            CouncilCodeAlias,
            old_code=row["old_code"],
            defaults={
                "council": Council.objects.get(gss_code=row["new_code"]),
                "replaced_on": datetime.date.fromisoformat(row["replaced_on"]),
            },
        )
    counts["old_codes"] = CouncilCodeAlias.objects.count()

    for row in _read_csv("partners.csv"):
        _upsert_coded(PartnerOrganisation, row["slug"], slug=row["slug"],
                      defaults={"slug": row["slug"], "name": row["name"], "kind": row["kind"]})
    counts["partners"] = PartnerOrganisation.objects.count()

    data = json.loads((REFERENCE_DIR / "strategy.json").read_text(encoding="utf-8"))
    facts = data["strategy"]
    strategy = _shipped_strategy(data)
    strategy_facts = {
        "vision": facts["vision"],
        "title": facts["title"],
        "target_year": facts["target_year"],
        "approved_by": facts["approved_by"],
        "drafted": facts["drafted"],
    }
    if strategy is None:
        strategy = Strategy.objects.create(**strategy_facts)
    else:
        _upsert(Strategy, pk=strategy.pk, defaults=strategy_facts)
        strategy.refresh_from_db()
    for outcome in data["outcomes"]:
        _upsert_coded(
            Outcome,
            str(outcome["number"]),
            strategy=strategy,
            number=outcome["number"],
            defaults={"strategy": strategy, "number": outcome["number"], "title": outcome["title"],
                      "note": outcome.get("note", "")},
        )
    for order, theme in enumerate(data["themes"], start=1):
        _upsert_coded(
            Theme,
            theme["slug"],
            slug=theme["slug"],
            defaults={"slug": theme["slug"], "strategy": strategy, "title": theme["title"],
                      "summary": theme["summary"], "order": order},
        )
    counts["outcomes"] = strategy.outcomes.count()
    counts["themes"] = strategy.themes.count()

    if not MaturityDimension.objects.exists():
        for order, name in enumerate(PLACEHOLDER_DIMENSIONS, start=1):
            MaturityDimension.objects.create(name=name, order=order, is_placeholder=True)
    if not MaturityLevel.objects.exists():
        for rank, name in enumerate(PLACEHOLDER_LEVELS, start=1):
            MaturityLevel.objects.create(rank=rank, name=name, is_placeholder=True)
    counts["maturity_dimensions"] = MaturityDimension.objects.count()
    counts["maturity_levels"] = MaturityLevel.objects.count()
    return counts
