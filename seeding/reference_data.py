"""Loads the reference data the portal ships (data/reference/) into the database.

Idempotent: rows are matched on their natural key and updated in place, so running it twice
leaves the same rows. Facts come only from the files; nothing here is invented.
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
        _upsert(PartnerOrganisation, slug=row["slug"], defaults={"name": row["name"], "kind": row["kind"]})
    counts["partners"] = PartnerOrganisation.objects.count()

    data = json.loads((REFERENCE_DIR / "strategy.json").read_text(encoding="utf-8"))
    facts = data["strategy"]
    strategy = _upsert(
        Strategy,
        vision=facts["vision"],
        defaults={
            "title": facts["title"],
            "target_year": facts["target_year"],
            "approved_by": facts["approved_by"],
            "drafted": facts["drafted"],
        },
    )
    for outcome in data["outcomes"]:
        _upsert(
            Outcome,
            strategy=strategy,
            number=outcome["number"],
            defaults={"title": outcome["title"], "note": outcome.get("note", "")},
        )
    for order, theme in enumerate(data["themes"], start=1):
        _upsert(
            Theme,
            slug=theme["slug"],
            defaults={"strategy": strategy, "title": theme["title"], "summary": theme["summary"], "order": order},
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
