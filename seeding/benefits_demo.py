"""Demo data for the benefits register (issue 26), all labelled demo: every demo benefit gets its council's whole
share, a target profile by financial year and graded realisations; a few benefits are shared between the councils
of an initiative (with "potential if all 32 adopt" kept apart); one initiative carries a dis-benefit. Made after
the portfolio's demo records (seeding.demo), deterministic for the same data and day."""

import datetime
import random
from decimal import Decimal

from django.db.models import Count, Q

from core.models import User
from councils.models import financial_year_of
from initiatives import benefit_services
from initiatives.models import (
    Benefit,
    BenefitRealisation,
    BenefitShare,
    BenefitTarget,
    Initiative,
    Participation,
)

CDO_EMAIL = "cdo@demo.digitaloffice.scot"
EVIDENCE_LINK = "https://demo.digitaloffice.scot/evidence/{pk}"
SHARED = [
    # title, category, measure, target, potential if all 32 adopt, shares (percent, in participation order)
    ("Shared contact centre platform savings (demo)", Benefit.Category.CASH_RELEASING,
     "Annual running cost of the contact centre platforms", Decimal("180000"), Decimal("1900000"), (50, 30, 20)),
    ("Fewer failed waste collections (demo)", Benefit.Category.QUALITY,
     "Failed collections reported a year, valued at the cost of a return visit", Decimal("60000"), None, (60, 40)),
    ("Residents helped online out of hours (demo)", Benefit.Category.SOCIETAL,
     "Residents completing a request outside office hours, valued at the avoided call", Decimal("45000"),
     Decimal("520000"), (40, 35, 25)),
]
DIS_BENEFIT = ("Double running of the old and new systems (demo dis-benefit)",
               "Licence and support paid for the old system while the new one beds in", Decimal("40000"))


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _years(initiative, today) -> list[int]:
    start = financial_year_of(initiative.start_date or today)
    end = financial_year_of(initiative.end_date) if initiative.end_date else start + 2
    return list(range(start, max(end, start) + 1))[:5]


def _profile(benefit, years) -> list[BenefitTarget]:
    share = _money(benefit.target_value / len(years))
    values = [share] * (len(years) - 1) + [benefit.target_value - share * (len(years) - 1)]
    return [BenefitTarget(benefit=benefit, financial_year=year, value=value, is_demo=True)
            for year, value in zip(years, values, strict=True)]


def _grade(realisations, rng, auditor, now):
    """Older realisations a council confirmed are evidenced, some of them audited; the latest stay estimated."""
    for index, realisation in enumerate(realisations):
        latest = index == len(realisations) - 1
        if realisation.confirmed and not latest and rng.random() < 0.7:
            realisation.grade = BenefitRealisation.Grade.EVIDENCED
            realisation.evidence_note = "Demo evidence: the council's finance system report for the quarter."
            realisation.evidence_link = EVIDENCE_LINK.format(pk=realisation.pk)
            if rng.random() < 0.4:
                realisation.grade = BenefitRealisation.Grade.AUDITED
                realisation.audited_by, realisation.audited_at = auditor, now


def _quarters(today, count) -> list[datetime.date]:
    day = today.replace(day=1, month=((today.month - 1) // 3) * 3 + 1)
    days = []
    for _ in range(count):
        days.append(day)
        day = (day - datetime.timedelta(days=1)).replace(day=1)
        day = day.replace(month=((day.month - 1) // 3) * 3 + 1)
    return sorted(days)


def demo_benefits_seed(*, today: datetime.date) -> dict:
    rng = random.Random(26)
    auditor = User.objects.filter(email=CDO_EMAIL).first()
    now = datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC)
    benefits = list(Benefit.objects.filter(is_demo=True).select_related("initiative").order_by("pk"))
    BenefitShare.objects.bulk_create(
        BenefitShare(benefit=b, council_id=b.council_id, percent=Decimal("100"), is_demo=True)
        for b in benefits if b.council_id)
    targets = []
    for benefit in benefits:
        benefit.measure = f"{benefit.title} ({benefit.unit}) a year"
        benefit.method = "Demo method: compared with the baseline year, from the council's own records."
        benefit.data_source = "Demo data source: council management information"
        benefit.responsible_officer = "Demo benefits owner"
        benefit.expected_start = benefit.initiative.start_date
        benefit.fully_realised_by = benefit.initiative.end_date
        targets += _profile(benefit, _years(benefit.initiative, today))
    Benefit.objects.bulk_update(benefits, ["measure", "method", "data_source", "responsible_officer",
                                           "expected_start", "fully_realised_by"], batch_size=1000)
    graded = []
    by_benefit = {}
    for realisation in BenefitRealisation.objects.filter(is_demo=True).order_by("benefit_id", "recorded_on", "pk"):
        by_benefit.setdefault(realisation.benefit_id, []).append(realisation)
    for realisations in by_benefit.values():
        _grade(realisations, rng, auditor, now)
        graded += realisations
    BenefitRealisation.objects.bulk_update(graded, ["grade", "evidence_note", "evidence_link", "audited_by",
                                                    "audited_at"], batch_size=1000)

    made = []
    shared_with = (Initiative.objects.filter(is_demo=True, start_date__lt=today)
                   .annotate(writers=Count("participations", filter=~_observer())).filter(writers__gte=3)
                   .order_by("reference"))
    for initiative, (title, category, measure, target, potential, percents) in zip(shared_with, SHARED, strict=False):
        councils = [p.council for p in initiative.participations.exclude(role=Participation.Role.OBSERVER)
                    .select_related("council").order_by("role", "council__name")][:len(percents)]
        benefit = Benefit.objects.create(
            initiative=initiative, title=title, category=category, measure=measure, unit="£", target_value=target,
            potential_all_councils=potential, method="Demo method: the partners' combined figures, split by share.",
            data_source="Demo data source: the lead council's finance system", baseline_value=Decimal("0"),
            responsible_officer="Demo benefits owner", expected_start=initiative.start_date, is_demo=True)
        BenefitShare.objects.bulk_create(BenefitShare(benefit=benefit, council=council, percent=Decimal(percent),
                                                      is_demo=True)
                                         for council, percent in zip(councils, percents, strict=False))
        targets += _profile(benefit, _years(initiative, today))
        made.append((benefit, councils))
    dis_initiative = shared_with.first()
    if dis_initiative is not None:
        title, measure, target = DIS_BENEFIT
        dis = Benefit.objects.create(
            initiative=dis_initiative, council=dis_initiative.lead_council, title=title,
            category=Benefit.Category.DIS_BENEFIT, measure=measure, unit="£", target_value=target,
            method="Demo method: invoices for the old system after the new one went live.",
            data_source="Demo data source: accounts payable", responsible_officer="Demo benefits owner",
            expected_start=dis_initiative.start_date, is_demo=True)
        BenefitShare.objects.create(benefit=dis, council=dis_initiative.lead_council, percent=Decimal("100"),
                                    is_demo=True)
        targets += _profile(dis, _years(dis_initiative, today)[:2])
        made.append((dis, [dis_initiative.lead_council]))
    BenefitTarget.objects.bulk_create(targets, batch_size=1000)

    realisations = []
    for benefit, councils in made:
        for index, day in enumerate(_quarters(today, 4)):
            council = councils[index % len(councils)]
            realisations.append(BenefitRealisation(
                benefit=benefit, council=council, recorded_on=day,
                value=_money(benefit.target_value * Decimal(rng.uniform(0.05, 0.15))), confirmed=index < 3,
                is_demo=True))
    BenefitRealisation.objects.bulk_create(realisations)
    for benefit, _councils in made:
        rows = list(benefit.realisations.order_by("recorded_on", "pk"))
        _grade(rows, rng, auditor, now)
        BenefitRealisation.objects.bulk_update(rows, ["grade", "evidence_note", "evidence_link", "audited_by",
                                                      "audited_at"])
        benefit_services.benefit_realised_recount(benefit)
    reviews = benefit_services.benefit_reviews_create(today=today)
    return {"benefit shares": BenefitShare.objects.filter(is_demo=True).count(), "yearly targets": len(targets),
            "shared benefits": len(made) - (1 if dis_initiative is not None else 0),
            "dis-benefits": 1 if dis_initiative is not None else 0, "benefits reviews": reviews}


def _observer():
    return Q(participations__role=Participation.Role.OBSERVER)
