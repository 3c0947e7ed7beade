"""The one allow-list of the public portfolio: a selector per kind (initiative, status history, milestone, benefit,
council) that names the fields a citizen may read. Nothing else leaves the portal through the public pages or the
open data: not maturity assessments, not drafts, submitted, returned or awaiting updates, not review comments, not
risk text (open risks are counted by severity, no more), not contracts, not funding (unless the office turns on
agreement totals: settings.PUBLIC_SHOW_FUNDING_TOTALS), not people other than each initiative's named owner, not
API or access logs. Every value is made JSON-ready here (dates as ISO text, money as decimal text), so the snapshot
(public.models.Publication) stores exactly what is served.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import F, OuterRef, Q, Subquery

from councils import selectors as councils_selectors
from initiatives import selectors as portfolio
from strategy import selectors as strategy_selectors

from .models import Publication

# Each kind's public fields, by name. Adding a field here is the only way to make one public.
INITIATIVE_FIELDS = (
    "pk", "reference", "title", "summary", "theme__slug", "theme__title", "stage", "start_date", "end_date",
    "budget", "lead_council__gss_code", "lead_council__name", "owner__full_name", "updated_at",
)
STATUS_FIELDS = (
    "initiative_id", "initiative__reference", "period__starts_on", "rag_delivery", "delivery_commentary",
    "rag_benefits", "benefits_commentary", "percent_complete", "spend_to_date",
)
MILESTONE_FIELDS = ("pk", "initiative__reference", "title", "baseline_date", "forecast_date", "completed_on")
BENEFIT_FIELDS = (
    "pk", "initiative__reference", "council__gss_code", "council__name", "title", "category", "unit",
    "baseline_value", "target_value", "realised_value", "status",
)
PARTICIPATION_FIELDS = ("initiative_id", "council__gss_code", "council__name", "role")

# Open risks counted by severity (likelihood x impact, 1 to 25): the count is public, never a risk's words.
SEVERITY_BANDS = (("high", 15), ("medium", 6), ("low", 0))


def _json(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _row(values: dict, renames: dict | None = None) -> dict:
    renames = renames or {}
    return {renames.get(key, key.replace("__", "_")): _json(value) for key, value in values.items()}


def public_condition() -> Q:
    """The initiatives the public sees: those the office published, and those left to their stage whose stage is
    public by default (settings.PUBLIC_STAGES_BY_DEFAULT)."""
    return Q(publication=portfolio.Publication.PUBLIC) | Q(
        publication=portfolio.Publication.BY_STAGE, stage__in=settings.PUBLIC_STAGES_BY_DEFAULT
    )


def public_initiative_ids() -> list[int]:
    records = portfolio.initiative_records().filter(public_condition()).order_by("reference")
    return list(records.values_list("pk", flat=True))


def is_public(initiative) -> bool:
    return portfolio.initiative_records().filter(public_condition(), pk=initiative.pk).exists()


def _severity(score: int) -> str:
    return next(name for name, floor in SEVERITY_BANDS if score >= floor)


def status_history(ids, period) -> list[dict]:
    """Approved updates only, one row per initiative per period up to `period`, with a stable id
    (reference and period) so series join across years."""
    rows = (
        portfolio.update_records()
        .filter(initiative__in=ids, state=portfolio.UpdateState.APPROVED, period__starts_on__lte=period.starts_on)
        .order_by("initiative__reference", "period__starts_on")
        .values(*STATUS_FIELDS)
    )
    out = []
    for values in rows.iterator(chunk_size=2000):
        row = _row(values, {"initiative__reference": "reference", "period__starts_on": "period"})
        row["id"] = f"{row['reference']}/{row['period'][:7]}"
        out.append(row)
    return out


def _latest_status(ids, period) -> dict[int, dict]:
    latest = (
        portfolio.update_records()
        .filter(initiative=OuterRef("pk"), state=portfolio.UpdateState.APPROVED,
                period__starts_on__lte=period.starts_on)
        .order_by("-period__starts_on")
        .values("pk")[:1]
    )
    update_ids = portfolio.initiative_records().filter(pk__in=ids).annotate(latest=Subquery(latest)).values_list(
        "latest", flat=True
    )
    rows = portfolio.update_records().filter(pk__in=[pk for pk in update_ids if pk]).values(*STATUS_FIELDS)
    return {
        values["initiative_id"]: _row(values, {"initiative__reference": "reference", "period__starts_on": "period"})
        for values in rows
    }


def milestones(ids) -> list[dict]:
    rows = portfolio.milestone_records().filter(initiative__in=ids).order_by(
        "initiative__reference", "baseline_date", "pk")
    return [_row(v, {"pk": "id", "initiative__reference": "reference"}) for v in rows.values(*MILESTONE_FIELDS)]


def benefits(ids) -> list[dict]:
    rows = portfolio.benefit_records().filter(initiative__in=ids).order_by("initiative__reference", "pk")
    labels = portfolio.benefit_category_labels()
    renames = {"pk": "id", "initiative__reference": "reference"}
    return [{**_row(v, renames), "category_label": str(labels[v["category"]])} for v in rows.values(*BENEFIT_FIELDS)]


def initiatives(ids, period) -> list[dict]:
    """The initiatives' public fields, with their outcomes, councils (GSS codes), partners, open risks by severity
    and the approved status as of `period` (delivery and benefits ratings with their commentary)."""
    outcomes, partners, councils = defaultdict(list), defaultdict(list), defaultdict(list)
    for pk, number, title in portfolio.initiative_records().filter(pk__in=ids, outcomes__isnull=False).order_by(
        "outcomes__number"
    ).values_list("pk", "outcomes__number", "outcomes__title"):
        outcomes[pk].append({"number": number, "title": title})
    for pk, name in portfolio.initiative_records().filter(pk__in=ids, partners__isnull=False).order_by(
        "partners__name"
    ).values_list("pk", "partners__name"):
        partners[pk].append(name)
    for values in portfolio.participation_records().filter(initiative__in=ids).order_by("council__name").values(
        *PARTICIPATION_FIELDS
    ):
        councils[values["initiative_id"]].append(
            {"gss_code": values["council__gss_code"], "name": values["council__name"], "role": values["role"]}
        )
    risks = defaultdict(lambda: {name: 0 for name, _floor in SEVERITY_BANDS})
    for pk, score in portfolio.risk_records().filter(initiative__in=ids, status=portfolio.RiskStatus.OPEN).annotate(
        severity_score=F("likelihood") * F("impact")
    ).values_list("initiative_id", "severity_score"):
        risks[pk][_severity(score)] += 1
    status = _latest_status(ids, period) if period is not None else {}
    rows = portfolio.initiative_records().filter(pk__in=ids).order_by("reference").values(*INITIATIVE_FIELDS)
    out = []
    for values in rows:
        row = _row(values, {"pk": "id", "owner__full_name": "owner", "updated_at": "last_modified"})
        pk = values["pk"]
        row.update(
            outcomes=outcomes[pk], partners=partners[pk], councils=councils[pk], open_risks=dict(risks[pk]),
            status=status.get(pk),
        )
        out.append(row)
    return out


def council_cells(initiative_rows) -> list[dict]:
    """Per council: the public initiatives it leads and joins (participation only: never maturity)."""
    led, joined = defaultdict(int), defaultdict(int)
    for initiative in initiative_rows:
        for council in initiative["councils"]:
            (led if council["role"] == portfolio.ParticipationRole.LEAD else joined)[council["gss_code"]] += 1
    return [
        {"gss_code": c.gss_code, "name": c.name, "short_name": c.short_name, "hex_col": c.hex_col,
         "hex_row": c.hex_row, "led": led[c.gss_code], "joined": joined[c.gss_code]}
        for c in councils_selectors.council_list()
    ]


def funding_totals() -> list[dict] | None:
    if not settings.PUBLIC_SHOW_FUNDING_TOTALS:
        return None
    return [_row(row) for row in councils_selectors.agreement_totals()]


def snapshot(period, *, ids=None) -> dict:
    """Everything a publication serves for `period`: the pages' data, and the tables of its files."""
    ids = public_initiative_ids() if ids is None else ids
    rows = initiatives(ids, period)
    return {
        "period": {"starts_on": _json(period.starts_on), "ends_on": _json(period.ends_on), "label": period.label},
        "initiatives": rows,
        "milestones": milestones(ids),
        "benefits": benefits(ids),
        "councils": council_cells(rows),
        "themes": [{"slug": t.slug, "title": t.title} for t in strategy_selectors.theme_list()],
        "outcomes": [{"number": o.number, "title": o.title} for o in strategy_selectors.outcome_list()],
        "funding_totals": funding_totals(),
    }


def preview(*, reference: str):
    """The fact sheet an initiative would have if published now (the office's preview), whatever its flag."""
    found = portfolio.initiative_records().filter(reference=reference).values_list("pk", flat=True).first()
    if found is None:
        return None
    rows = initiatives([found], portfolio.last_closed_period())
    sheet = rows[0]
    sheet["milestones"] = milestones([found])
    sheet["benefits"] = benefits([found])
    return sheet


# -- the publications ------------------------------------------------------------------------------------------


def current_publication() -> Publication | None:
    """The latest publication, without its data (the ETag, dates and files are enough to answer a 304)."""
    return Publication.objects.select_related("period").defer("data", "changelog").first()


def publication_data(pk: int) -> dict:
    return Publication.objects.values_list("data", flat=True).get(pk=pk)


def publication_for(period_start) -> Publication | None:
    return Publication.objects.select_related("period").defer("data").filter(period__starts_on=period_start).first()


def publications():
    return Publication.objects.select_related("period").defer("data")


def office_list():
    """Every initiative with whether it is public now and why, for the office's page."""
    public_ids = set(public_initiative_ids())
    rows = portfolio.initiative_records().order_by("reference").values(
        "pk", "reference", "title", "stage", "publication")
    return [{**row, "is_public": row["pk"] in public_ids} for row in rows]


def publication_changes(limit=50):
    """The office's publish and withdraw decisions, latest first (django-simple-history)."""
    records = portfolio.initiative_history_records().filter(history_change_reason__startswith="public portfolio:")
    return records.select_related("history_user").order_by("-history_date")[:limit]
