"""The dashboard's figures as an XLSX workbook: the same figures the page shows, for the same person and filters
(maturity only where the map shows it, unapproved states only where the page does)."""

from django.utils.translation import gettext as _

from core.exports import Column, Sheet, xlsx_workbook_response

from .selectors import AXES, axis_label, rag_label


def _pairs(label, value):
    return {"label": label, "value": value}


def workbook(data) -> object:
    headline = data["headline"]
    figures = [
        _pairs(_("Initiatives"), headline.total.count),
        *[_pairs(_("Stage: %(stage)s") % {"stage": figure.label}, figure.count) for figure in headline.stages],
        *[
            _pairs(f"{row['label']}: {cell.label}", cell.count)
            for row in headline.rag
            for cell in row["cells"]
        ],
        _pairs(_("Red on any axis"), headline.red.count),
        _pairs(_("Worse than the previous period"), headline.worsened.count),
        _pairs(_("Update overdue"), headline.overdue.count),
        _pairs(_("Milestone slipped past its baseline"), headline.slipped.count),
        _pairs(_("Updates owed for the last closed period"), headline.required),
        _pairs(_("Submitted on time"), headline.on_time.count if headline.on_time else None),
        _pairs(_("Budget (£)"), headline.budget),
        _pairs(_("Spend to date (£)"), headline.spend),
        _pairs(_("Cashable benefits: target (£)"), headline.benefits["cashable_target"]),
        _pairs(_("Cashable benefits: realised (£)"), headline.benefits["cashable_realised"]),
        _pairs(_("Non-cashable benefits: target (£)"), headline.benefits["other_target"]),
        _pairs(_("Non-cashable benefits: realised (£)"), headline.benefits["other_realised"]),
        _pairs(_("Dis-benefits: expected (£)"), headline.benefits["dis_target"]),
        _pairs(_("Dis-benefits: incurred (£)"), headline.benefits["dis_realised"]),
        *(_pairs(_("Benefits realised, %(grade)s (£)") % {"grade": label}, amount)
          for _grade, label, amount in headline.benefits_by_grade),
    ]
    for row in headline.funding or []:
        figures.append(_pairs(_("%(agreement)s: headroom (£)") % {"agreement": row.agreement.title}, row.headroom))
    pair_columns = [Column(_("Figure"), lambda r: r["label"]), Column(_("Value"), lambda r: r["value"])]
    sheets = [Sheet(_("Figures"), pair_columns, figures)]

    attention = data["attention"]
    rows = []
    for key in ("red", "worsened", "overdue"):
        for initiative in attention[key].items:
            rows.append({"list": attention[key].title, "reference": initiative.reference, "title": initiative.title,
                         "detail": ""})
    for key in ("returned", "awaiting"):
        if key in attention:
            for update in attention[key].items:
                rows.append({"list": attention[key].title, "reference": update.initiative.reference,
                             "title": update.initiative.title, "detail": f"{update.period.label}, {update.council}"})
    for milestone in attention["milestones"].items:
        rows.append({"list": attention["milestones"].title, "reference": milestone.initiative.reference,
                     "title": milestone.title, "detail": _("%(days)s days late") % {"days": milestone.slip.days}})
    for risk in attention["risks"].items:
        rows.append({"list": attention["risks"].title, "reference": risk.initiative.reference, "title": risk.title,
                     "detail": risk.risk_score})
    sheets.append(Sheet(_("Needs attention"), [
        Column(_("List"), lambda r: r["list"]), Column(_("Reference"), lambda r: r["reference"]),
        Column(_("Title"), lambda r: r["title"]), Column(_("Detail"), lambda r: r["detail"]),
    ], rows))

    trend_rows = data["trends"].get("rows", [])
    trend_columns = [Column(_("Period"), lambda r: r["period"].label)]
    for axis in AXES:
        for rag in ("green", "amber", "red"):
            trend_columns.append(
                Column(f"{axis_label(axis)}: {rag_label(rag)}", lambda r, a=axis, g=rag: r["rag"][a][g])
            )
    trend_columns += [
        Column(_("Updates owed"), lambda r: r["required"]),
        Column(_("On time"), lambda r: r["on_time"]),
        Column(_("On time (%)"), lambda r: r["on_time_rate"]),
        Column(_("Cashable realised to date (£)"), lambda r: r["cashable"]),
        Column(_("Non-cashable realised to date (£)"), lambda r: r["non_cashable"]),
    ]
    sheets.append(Sheet(_("Trends"), trend_columns, trend_rows))

    council_map = data["map"]
    council_columns = [
        Column(_("Council"), lambda c: c.council.name),
        Column(_("Leads"), lambda c: c.led),
        Column(_("Joins"), lambda c: c.joined),
        Column(_("Updates owed"), lambda c: c.due),
        Column(_("Overdue"), lambda c: c.overdue),
        Column(_("Returned"), lambda c: "" if c.returned is None else c.returned),
        Column(_("Reporting status"), lambda c: str(c.status_label)),
    ]
    if council_map["shows_maturity"]:
        council_columns.append(
            Column(_("Maturity level"), lambda c: c.maturity.overall_level.name if c.maturity else "")
        )
    sheets.append(Sheet(_("Councils"), council_columns, council_map["cells"]))
    return xlsx_workbook_response(sheets, "dashboard")
