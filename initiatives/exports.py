"""Columns of the portfolio download: the same in CSV and XLSX."""

from django.utils.translation import gettext_lazy as _

from core.exports import Column


def _rag(initiative, axis):
    update = initiative.current_update
    return getattr(update, f"get_rag_{axis}_display")() if update else ""


INITIATIVE_COLUMNS = [
    Column(_("Reference"), lambda i: i.reference),
    Column(_("Title"), lambda i: i.title),
    Column(_("Theme"), lambda i: i.theme.title),
    Column(_("Stage"), lambda i: i.get_stage_display()),
    Column(_("Lead council"), lambda i: i.lead_council.name),
    Column(
        _("Participating councils"),
        lambda i: "; ".join(f"{p.council.name} ({p.get_role_display()})" for p in i.participations.all()),
    ),
    Column(_("Outcomes"), lambda i: "; ".join(str(o.number) for o in i.outcomes.all())),
    Column(_("Start date"), lambda i: i.start_date),
    Column(_("Planned end date"), lambda i: i.end_date),
    Column(_("Budget (£)"), lambda i: i.budget),
    Column(_("Status period"), lambda i: i.current_update.period.label if i.current_update else ""),
    Column(_("Delivery"), lambda i: _rag(i, "delivery")),
    Column(_("Spend"), lambda i: _rag(i, "spend")),
    Column(_("Benefits"), lambda i: _rag(i, "benefits")),
    Column(_("Risk"), lambda i: _rag(i, "risk")),
    Column(_("Percent complete"), lambda i: i.current_update.percent_complete if i.current_update else ""),
]
