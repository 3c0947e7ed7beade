"""The review's comparison with the last approved update, and the note that a newer update awaits review. My
council's task list is task_list.py; the update form's state is update_form.py."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..models import ProgressUpdate


@dataclass
class ComparedRow:
    """One line of the review's side-by-side comparison."""

    key: str
    label: str
    before: object
    after: object
    kind: str  # "rag", "percent" or "money"
    before_note: str = ""
    after_note: str = ""

    @property
    def changed(self) -> bool:
        return self.before is not None and self.before != self.after

    @property
    def is_new(self) -> bool:
        return self.before is None

    @property
    def difference(self):
        """After minus before, for the figures (percentage points, pounds)."""
        if self.kind == "rag" or self.before is None:
            return None
        return self.after - self.before

    @property
    def went_down(self) -> bool:
        return self.difference is not None and self.difference < 0

    @property
    def abs_difference(self):
        return abs(self.difference) if self.difference is not None else None


def update_comparison(update, previous) -> list[ComparedRow]:
    """The update set beside the last approved one: each rating with its commentary, percent and spend."""
    rows = []
    for axis in ProgressUpdate.RAG_AXES:
        label = str(ProgressUpdate._meta.get_field(f"rag_{axis}").verbose_name).capitalize()
        rows.append(
            ComparedRow(
                key=axis,
                label=label,
                before=getattr(previous, f"rag_{axis}") if previous else None,
                after=getattr(update, f"rag_{axis}"),
                kind="rag",
                before_note=getattr(previous, f"{axis}_commentary") if previous else "",
                after_note=getattr(update, f"{axis}_commentary"),
            )
        )
    rows.append(
        ComparedRow(
            key="percent",
            label=_("Percent complete"),
            before=previous.percent_complete if previous else None,
            after=update.percent_complete,
            kind="percent",
        )
    )
    rows.append(
        ComparedRow(
            key="spend",
            label=_("Spend to date"),
            before=previous.spend_to_date if previous else None,
            after=update.spend_to_date,
            kind="money",
        )
    )
    return rows


def pending_update(updates, current) -> ProgressUpdate | None:
    """The newest submitted update of a later period than the current status (from already-loaded updates, newest
    first): the initiative page says it awaits review."""
    return next(
        (
            u
            for u in updates
            if u.state == ProgressUpdate.State.SUBMITTED
            and (current is None or u.period.starts_on > current.period.starts_on)
        ),
        None,
    )
