"""Reads of the benefits register (issue 26): the register's rows, its figures in SQL (a fixed number of queries
whatever its size), a council's shares, the reviews due after closure.

Counting once: a benefit's value is counted once, whole, in portfolio figures; a council's figures are its share of
each benefit it holds one in (shares total at most 100%), so the councils' figures never add up to more than the
portfolio's. Figures in pounds only (benefits measured in hours or calls are listed, never summed with pounds).
Dis-benefits are summed apart and shown against the benefits, never subtracted from them. "Potential if all 32
adopt" is summed apart and never added to a target.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear

from councils import selectors as councils_selectors
from councils.selectors import financial_year_label

from .. import policies
from ..benefit_models import Benefit, BenefitRealisation, BenefitReview, BenefitShare, BenefitTarget

__all__ = [
    "BenefitCategory",
    "BenefitFigures",
    "BenefitGrade",
    "BenefitStatus",
    "benefit_detail",
    "benefit_figures",
    "benefit_list",
    "benefit_reviews_open",
    "benefits_by_grade",
    "council_benefits",
    "council_choices_for",
    "council_benefit_shares",
    "visible_benefits",
]

BenefitCategory = Benefit.Category
BenefitGrade = BenefitRealisation.Grade
BenefitStatus = Benefit.Status
POUNDS = "£"
ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)
DIS = Benefit.Category.DIS_BENEFIT


def _sum(expression, **extra):
    return Coalesce(Sum(expression, **extra), Value(ZERO, output_field=MONEY), output_field=MONEY)


def _q(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def benefit_list():
    """The register's rows with what each row shows (shares, yearly targets, realisations): four queries a page."""
    return (Benefit.objects.select_related("initiative", "council", "superseded_by")
            .prefetch_related(Prefetch("shares", queryset=BenefitShare.objects.select_related("council")),
                              "targets",
                              Prefetch("realisations", queryset=BenefitRealisation.objects.select_related("council")))
            .order_by("initiative__reference", "title"))


def benefit_detail(pk):
    return benefit_list().select_related("initiative__lead_council").prefetch_related(
        "initiative__participations").get(pk=pk)


@dataclass
class BenefitFigures:
    """Targets and realisations in pounds: benefits and dis-benefits side by side, each counted once."""

    by_category: list = field(default_factory=list)  # (category, label, target, realised, potential)
    benefits_target: Decimal = ZERO
    benefits_realised: Decimal = ZERO
    dis_target: Decimal = ZERO
    dis_realised: Decimal = ZERO
    potential: Decimal = ZERO  # if all 32 adopt: never part of a target
    realised_by_grade: list = field(default_factory=list)  # (grade, label, benefits, dis-benefits)
    years: list = field(default_factory=list)  # dicts: label, target, realised, dis_target, dis_realised
    unprofiled_target: Decimal = ZERO  # committed targets of benefits with no yearly profile
    not_in_pounds: int = 0
    count: int = 0


def _financial_year(field_name):
    """A date's Scottish financial year (its start year), worked out in SQL."""
    year = ExtractYear(field_name)
    return Case(When(**{f"{field_name}__month__lt": 4}, then=year - 1), default=year, output_field=IntegerField())


def benefit_figures(benefits, *, as_of=None) -> BenefitFigures:
    """The register's figures for these benefits (a filtered queryset): three queries. With `as_of` (a report's
    period end), what was realised by that day only (four queries)."""
    ids = benefits.order_by().values("pk")
    pounds = Benefit.objects.filter(pk__in=ids)
    aggregates = {"count": Count("pk"), "not_in_pounds": Count("pk", filter=~Q(unit=POUNDS))}
    for category in Benefit.Category:
        in_it = Q(unit=POUNDS, category=category)
        aggregates[f"{category}_target"] = _sum("target_value", filter=in_it)
        aggregates[f"{category}_realised"] = _sum("realised_value", filter=in_it)
        aggregates[f"{category}_potential"] = _sum("potential_all_councils", filter=in_it)
    profiled = Exists(BenefitTarget.objects.filter(benefit=OuterRef("pk")))  # no join: each benefit counted once
    aggregates["unprofiled"] = _sum("target_value", filter=Q(unit=POUNDS) & ~Q(category=DIS) & ~Q(profiled))
    row = pounds.aggregate(**aggregates)
    figures = BenefitFigures(count=row["count"], not_in_pounds=row["not_in_pounds"],
                             unprofiled_target=_q(row["unprofiled"]))
    for category in Benefit.Category:
        target, realised = _q(row[f"{category}_target"]), _q(row[f"{category}_realised"])
        potential = _q(row[f"{category}_potential"])
        figures.by_category.append((category.value, str(category.label), target, realised, potential))
        if category == DIS:
            figures.dis_target, figures.dis_realised = target, realised
        else:
            figures.benefits_target += target
            figures.benefits_realised += realised
            figures.potential += potential
    years: dict[int, dict] = {}

    def year(start):
        return years.setdefault(start, {"year": start, "label": financial_year_label(start), "target": ZERO,
                                        "realised": ZERO, "dis_target": ZERO, "dis_realised": ZERO})

    targets = (BenefitTarget.objects.filter(benefit__in=ids, benefit__unit=POUNDS).values("financial_year")
               .annotate(benefits=_sum("value", filter=~Q(benefit__category=DIS)),
                         dis=_sum("value", filter=Q(benefit__category=DIS))))
    for t in targets:
        entry = year(t["financial_year"])
        entry["target"], entry["dis_target"] = _q(t["benefits"]), _q(t["dis"])
    grades = {grade: [ZERO, ZERO] for grade in BenefitRealisation.Grade}
    if as_of is not None:
        then = BenefitRealisation.objects.filter(benefit__in=ids, benefit__unit=POUNDS, recorded_on__lte=as_of)
        by_category = dict(then.values("benefit__category").annotate(total=_sum("value")).values_list(
            "benefit__category", "total"))
        figures.by_category = [(code, label, target, _q(by_category.get(code)), potential)
                               for code, label, target, _realised, potential in figures.by_category]
        figures.benefits_realised = sum((r for c, _l, _t, r, _p in figures.by_category if c != DIS), ZERO)
        figures.dis_realised = _q(by_category.get(DIS))
    realised = (BenefitRealisation.objects.filter(benefit__in=ids, benefit__unit=POUNDS)
                .filter(**({"recorded_on__lte": as_of} if as_of else {}))
                .annotate(fy=_financial_year("recorded_on")).values("fy", "grade")
                .annotate(benefits=_sum("value", filter=~Q(benefit__category=DIS)),
                          dis=_sum("value", filter=Q(benefit__category=DIS))))
    for r in realised:
        entry = year(r["fy"])
        entry["realised"] += _q(r["benefits"])
        entry["dis_realised"] += _q(r["dis"])
        grades[r["grade"]][0] += _q(r["benefits"])
        grades[r["grade"]][1] += _q(r["dis"])
    figures.years = [years[start] for start in sorted(years)]
    figures.realised_by_grade = [(grade.value, str(grade.label), *grades[grade])
                               for grade in BenefitRealisation.Grade]
    return figures


def benefits_by_grade(benefits) -> list[tuple]:
    """Realised in pounds by evidence grade (benefits, not dis-benefits), for the dashboard's headline: one query.
    (grade, label, amount) in the order estimated, evidenced, audited."""
    row = BenefitRealisation.objects.filter(
        benefit__in=benefits.order_by().values("pk"), benefit__unit=POUNDS).exclude(
        benefit__category=DIS).aggregate(**{grade.value: _sum("value", filter=Q(grade=grade))
                                            for grade in BenefitRealisation.Grade})
    return [(grade.value, str(grade.label), _q(row[grade.value])) for grade in BenefitRealisation.Grade]


def council_benefit_shares(council):
    """The benefits a council holds a share of, each with its share of the target and of what was realised (the
    council's figures: never the whole benefit's), and their totals in pounds (benefits and dis-benefits apart).
    Two queries."""
    attributed = {"share_target": ExpressionWrapper(F("benefit__target_value") * F("percent") / 100, MONEY),
                  "share_realised": ExpressionWrapper(F("benefit__realised_value") * F("percent") / 100, MONEY)}
    shares = (BenefitShare.objects.filter(council=council).select_related("benefit__initiative")
              .annotate(**attributed).order_by("-share_realised", "benefit__title", "pk"))
    money = shares.filter(benefit__unit=POUNDS)
    cash, dis = Q(benefit__category=Benefit.Category.CASH_RELEASING), Q(benefit__category=DIS)
    totals = money.aggregate(
        cash_target=_sum("share_target", filter=cash),
        cash_realised=_sum("share_realised", filter=cash),
        other_target=_sum("share_target", filter=~cash & ~dis),
        other_realised=_sum("share_realised", filter=~cash & ~dis),
        dis_target=_sum("share_target", filter=dis),
        dis_realised=_sum("share_realised", filter=dis),
        count=Count("pk"),
    )
    return shares, {name: (_q(value) if name != "count" else value) for name, value in totals.items()}


def visible_benefits(*, user):
    """The benefits a person may read in the register: every one for whoever reads the portfolio, none otherwise
    (policies.can_read_portfolio, the register's own rule)."""
    if not policies.can_read_portfolio(user):
        return Benefit.objects.none()
    return Benefit.objects.all()


def council_benefits(council_id):
    """The benefits that are a council's (policies.benefit_council_ids): those it keeps and those it holds a share
    of, each with its initiative, by title."""
    return (Benefit.objects.filter(Q(council_id=council_id) | Q(shares__council_id=council_id)).distinct()
            .select_related("initiative").order_by("initiative__reference", "title"))


def council_choices_for(initiative):
    """The councils taking part in an initiative (those that may hold a share of its benefits)."""
    return councils_selectors.council_list().filter(participations__initiative=initiative).distinct()


def benefit_reviews_open(*, initiative_ids=None):
    """Reviews of closed initiatives' benefits made and not yet done (every benefit realised, abandoned or
    superseded), oldest due first."""
    reviews = BenefitReview.objects.filter(completed_on__isnull=True).select_related("initiative").annotate(
        tracking=Count("initiative__benefits", filter=Q(initiative__benefits__status=Benefit.Status.TRACKING)))
    if initiative_ids is not None:
        reviews = reviews.filter(initiative_id__in=initiative_ids)
    return reviews.order_by("due_on", "initiative__reference")

