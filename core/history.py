"""Change history for the pages: who changed which record, when, with each value before and after.

Built on django-simple-history's records. A fixed number of queries however long the history: each
source is read once, newest first, and every record is paired in memory with the previous version
of the same object.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

# Bookkeeping fields that say nothing to a reader.
IGNORED = frozenset({"id", "created_at", "updated_at", "is_demo", "version", "current_update"})


class Change(NamedTuple):
    """One field's label, and its value before and after (templates may unpack it)."""

    field: str
    old: object
    new: object


@dataclass
class HistorySource:
    """The history records of one kind of object, and how to name one of them."""

    kind: str
    records: object  # a queryset of historical records
    describe: Callable[[object], str]
    fields: list[str] | None = None  # shown on creation and deletion too; None: changes only
    ignored: frozenset = IGNORED


def _label(record, name):
    try:
        return str(record.instance_type._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # a many-to-many field, or one no longer on the model
        return name.replace("_", " ").capitalize()


def _changes(record, source, display):
    if record.history_type == "~":
        changes = [
            (c.field, c.old, c.new)
            for c in record.diff_against(record.previous_version).changes
            if c.field not in source.ignored and (source.fields is None or c.field in source.fields)
        ]
    elif source.fields:
        created = record.history_type == "+"
        changes = [
            (name, None if created else getattr(record, name), getattr(record, name) if created else None)
            for name in source.fields
        ]
    else:
        changes = []
    shown = [Change(_label(record, name), display(name, old), display(name, new)) for name, old, new in changes]
    return [change for change in shown if change.old != change.new]


def change_history(sources: list[HistorySource], *, display: Callable | None = None, limit: int = 50) -> list[dict]:
    """Entries newest first: {"kind", "subject", "record", "changes": [Change]}.

    `display(field, value)` turns stored values (ids, decimals, dates) into what a reader sees.
    An edit that changed only bookkeeping fields is left out.
    """
    display = display or (lambda name, value: value)
    entries = []
    for source in sources:
        records = list(
            source.records.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
        )
        older = {}
        for record in reversed(records):
            record.previous_version = older.get(record.id)
            older[record.id] = record
        for record in records[:limit]:
            if record.history_type == "~" and record.previous_version is None:
                continue  # its previous version lies beyond the window
            changes = _changes(record, source, display)
            if record.history_type == "~" and not changes:
                continue
            entries.append(
                {"kind": source.kind, "subject": source.describe(record), "record": record, "changes": changes}
            )
    entries.sort(key=lambda entry: (entry["record"].history_date, entry["record"].history_id), reverse=True)
    return entries[:limit]
