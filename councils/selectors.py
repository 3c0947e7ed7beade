"""Reads of the funding ledger. Every funding page, export and API list starts from these.

Figures are worked out from the contributions and their payments, never stored: a page runs one query for the
contributions in view (each annotated with what has been paid, what is outstanding and its status) and adds
them up in Python, so it costs the same few queries whatever the number of councils, years or payments.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import policies as core_policies
from core import selectors as core_selectors
from core.history import HistorySource, change_history

from . import commitments, policies
from .filtersets import ContributionFilterSet
from .models import (
    Contribution,
    Council,
    CouncilCodeAlias,
    EmailDomain,
    FundingAgreement,
    PartnerOrganisation,
    PartnershipMembership,
    Payment,
    financial_year_label,
    financial_year_of,  # noqa: F401  (read by the layers above, as financial_year_label)
)

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
PENNY = Decimal("0.01")
# Half a penny: sums of pence are compared with this margin, as SQLite adds decimals as floating point.
HALF_PENNY = Decimal("0.005")


class Pounds(ExpressionWrapper):
    """An amount of money worked out in the database, read back as pounds and pence (SQLite adds decimals as
    floating point, so 0.70 + 0.10 comes back as 0.7999...; it is rounded to the penny here)."""

    def __init__(self, expression):
        super().__init__(expression, output_field=MONEY)

    def convert_value(self, value, expression, connection):
        return None if value is None else Decimal(value).quantize(PENNY)


def today() -> datetime.date:
    return timezone.localdate()


# -- status -------------------------------------------------------------------------------------


def contribution_status(contribution, *, on: datetime.date | None = None, paid: Decimal | None = None) -> str:
    """The status of a contribution on a day (today unless `on` is given). It is derived, never typed.

    In this order, the first that holds:

    - **paid**: the payments made by that day add up to the amount due (or more);
    - **overdue**: something is still outstanding and the day is after the due date. On the due date
      itself the contribution is not yet overdue;
    - **part paid**: some payment has been made, but not all, and it is not yet overdue;
    - **invoiced**: nothing paid yet, and an invoice was sent on or before that day;
    - **due**: nothing paid and no invoice yet.

    Payments dated after `on` do not count yet. `paid` may be given when it is already known (from the
    `paid` annotation of `contributions_with_figures`); otherwise it is added up from the contribution's payments.
    """
    on = on or today()
    if paid is None:
        paid = sum((p.amount for p in contribution.payments.all() if p.paid_on <= on), ZERO)
    outstanding = contribution.amount_due - paid
    if outstanding < HALF_PENNY:
        return Contribution.Status.PAID
    if on > contribution.due_date:
        return Contribution.Status.OVERDUE
    if paid > 0:
        return Contribution.Status.PART_PAID
    if contribution.invoice_date is not None and contribution.invoice_date <= on:
        return Contribution.Status.INVOICED
    return Contribution.Status.DUE


def contributions_with_figures(queryset=None, *, on: datetime.date | None = None):
    """Contributions annotated with `paid`, `outstanding` and `status` on a day, in one query.

    The annotations follow `contribution_status` exactly, so lists can filter and count by status in the
    database; `paid` counts only payments made on or before the day.
    """
    on = on or today()
    queryset = Contribution.objects.all() if queryset is None else queryset
    paid = (
        Payment.objects.filter(contribution=OuterRef("pk"), paid_on__lte=on)
        .order_by()
        .values("contribution")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return queryset.annotate(
        paid=Pounds(Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO, output_field=MONEY), output_field=MONEY)),
        outstanding=Pounds(F("amount_due") - F("paid")),
        status=Case(
            When(outstanding__lt=Value(HALF_PENNY, output_field=MONEY), then=Value(Contribution.Status.PAID)),
            When(due_date__lt=on, then=Value(Contribution.Status.OVERDUE)),
            When(paid__gt=Value(ZERO, output_field=MONEY), then=Value(Contribution.Status.PART_PAID)),
            When(invoice_date__lte=on, then=Value(Contribution.Status.INVOICED)),
            default=Value(Contribution.Status.DUE),
            output_field=CharField(),
        ),
    )


STATUS_LABELS = dict(Contribution.Status.choices)


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


# -- who sees what ------------------------------------------------------------------------------


def visible_contributions(*, user):
    """The contributions a person or partner key may read, in the pages and the API alike: all for the Digital
    Office and for keys with `funding:read`, their own council's for council staff, none for anyone else
    (another council's contribution is simply absent: a 404, never a 403)."""
    if policies.can_read_all_funding(user):
        return Contribution.objects.all()
    council_id = policies.own_council_id(user)
    if council_id:
        return Contribution.objects.filter(council_id=council_id)
    return Contribution.objects.none()


def ledger_rows(queryset, *, on: datetime.date | None = None):
    """Annotated contributions with what a ledger row shows, ordered by year then council."""
    return (
        contributions_with_figures(queryset, on=on)
        .select_related("council", "agreement")
        .order_by("financial_year", "council__name")
    )


# -- adding up ----------------------------------------------------------------------------------


@dataclass
class Figures:
    """Totals over a set of contributions (annotated by `contributions_with_figures`).

    `overdue` is the amount outstanding on overdue contributions. `paying_members` is the number of
    councils with something to pay (an amount due above zero) in the set.
    """

    due: Decimal = ZERO
    paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO
    contributions: int = 0
    councils: set = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)

    def add(self, contribution):
        self.due += contribution.amount_due
        self.paid += contribution.paid
        self.outstanding += contribution.outstanding
        if contribution.status == Contribution.Status.OVERDUE:
            self.overdue += contribution.outstanding
        self.contributions += 1
        if contribution.amount_due > 0:
            self.councils.add(contribution.council_id)
        self.statuses[contribution.status] += 1
        return self

    @property
    def paying_members(self) -> int:
        return len(self.councils)

    @property
    def paid_in_full(self) -> int:
        return self.statuses[Contribution.Status.PAID]

    @property
    def overdue_count(self) -> int:
        return self.statuses[Contribution.Status.OVERDUE]


def figures_of(contributions) -> Figures:
    figures = Figures()
    for contribution in contributions:
        figures.add(contribution)
    return figures


@dataclass
class YearRow:
    financial_year: int
    agreement: FundingAgreement
    figures: Figures

    @property
    def label(self):
        return financial_year_label(self.financial_year)


@dataclass
class CouncilRow:
    council: Council
    figures: Figures


@dataclass
class AgreementRow:
    agreement: FundingAgreement
    figures: Figures
    committed: Decimal

    @property
    def headroom(self) -> Decimal:
        """The pooled budget less what the portfolio has committed in the agreement's period."""
        return self.agreement.budget - self.committed


def _by_year(rows) -> list[YearRow]:
    years = {}
    for row in rows:
        key = (row.financial_year, row.agreement_id)
        if key not in years:
            years[key] = YearRow(financial_year=row.financial_year, agreement=row.agreement, figures=Figures())
        years[key].figures.add(row)
    return [years[key] for key in sorted(years)]


def _by_council(rows) -> list[CouncilRow]:
    councils = {}
    for row in rows:
        if row.council_id not in councils:
            councils[row.council_id] = CouncilRow(council=row.council, figures=Figures())
        councils[row.council_id].figures.add(row)
    return sorted(councils.values(), key=lambda r: r.council.name)


def _require_all(user):
    if not policies.can_read_all_funding(user):
        raise PermissionDenied


def ledger(*, user, on: datetime.date | None = None) -> dict:
    """The office-wide ledger: totals, each agreement against the portfolio, each year, each council."""
    _require_all(user)
    rows = list(ledger_rows(Contribution.objects.all(), on=on))
    agreements = list(FundingAgreement.objects.all())
    committed = commitments.committed_budgets(agreements)
    by_agreement = {agreement.pk: Figures() for agreement in agreements}
    for row in rows:
        by_agreement[row.agreement_id].add(row)
    return {
        "figures": figures_of(rows),
        "agreements": [AgreementRow(a, by_agreement[a.pk], committed[a.pk]) for a in agreements],
        "years": _by_year(rows),
        "councils": _by_council(rows),
    }


def agreement_positions(*, user) -> list[AgreementRow]:
    """Each agreement's pooled budget against what the portfolio has committed in its period (the dashboard's
    funding position), latest first. Two queries; no contribution figures."""
    _require_all(user)
    agreements = list(FundingAgreement.objects.order_by("-first_year"))
    committed = commitments.committed_budgets(agreements)
    return [AgreementRow(agreement, Figures(), committed[agreement.pk]) for agreement in agreements]


def agreement_ledger(*, user, pk: int, on: datetime.date | None = None) -> dict:
    _require_all(user)
    agreement = get_object_or_404(FundingAgreement, pk=pk)
    rows = list(ledger_rows(Contribution.objects.filter(agreement=agreement), on=on))
    figures = figures_of(rows)
    return {
        "agreement": agreement,
        "summary": AgreementRow(agreement, figures, commitments.committed_budgets([agreement])[agreement.pk]),
        "figures": figures,
        "years": _by_year(rows),
        "councils": _by_council(rows),
        "rows": rows,
    }


def year_ledger(*, user, year: int, on: datetime.date | None = None) -> dict:
    _require_all(user)
    rows = list(ledger_rows(Contribution.objects.filter(financial_year=year), on=on))
    agreement = FundingAgreement.objects.filter(first_year__lte=year, last_year__gte=year).first()
    if not rows and agreement is None:
        raise Http404
    return {
        "year": year,
        "year_label": financial_year_label(year),
        "agreement": agreement,
        "rows": rows,
        "figures": figures_of(rows),
    }


def council_ledger(*, user, slug: str, on: datetime.date | None = None) -> dict:
    """One council's full contribution history. Another council's page is a 404 for council staff."""
    council = get_object_or_404(Council, slug=slug)
    if not policies.can_read_council_funding(user, council.pk):
        raise Http404
    rows = list(
        ledger_rows(visible_contributions(user=user).filter(council=council), on=on).prefetch_related("payments")
    )
    return {"council": council, "rows": rows, "figures": figures_of(rows)}


def contribution_detail(*, user, pk: int, on: datetime.date | None = None):
    """One contribution the person may read, with its payments; a 404 otherwise."""
    return get_object_or_404(
        contributions_with_figures(visible_contributions(user=user), on=on)
        .select_related("council", "agreement")
        .prefetch_related("payments"),
        pk=pk,
    )


def payment_detail(*, user, pk: int):
    return get_object_or_404(
        Payment.objects.select_related("contribution__council", "contribution__agreement").filter(
            contribution__in=visible_contributions(user=user)
        ),
        pk=pk,
    )


def contributions_for_export(*, user, filterset_data=None, on: datetime.date | None = None):
    """The contributions a person may read, narrowed by the ContributionFilterSet, as ledger rows."""
    queryset = visible_contributions(user=user)
    filterset = ContributionFilterSet(filterset_data or None, queryset=queryset)
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    return ledger_rows(queryset, on=on)


# -- councils and partners --------------------------------------------------------------------


def council_list():
    """The 32 councils by name (forms and filters offer them)."""
    return Council.objects.order_by("name")


def partner_list():
    return PartnerOrganisation.objects.order_by("name")


def council_names() -> dict[int, str]:
    return dict(Council.objects.values_list("pk", "name"))


def partner_names() -> dict[int, str]:
    return dict(PartnerOrganisation.objects.values_list("pk", "name"))


def council_by_slug(slug: str) -> Council | None:
    return Council.objects.filter(slug=slug).first()


def _normal_name(text) -> str:
    text = str(text or "").lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    return re.sub(r" council$", "", text)


class CouncilMatcher:
    """Every council, found by its current GSS code, an old GSS code, its name, short name or slug, as a
    spreadsheet names it ("The City of Edinburgh Council", "Edinburgh", "S12000036"). Two queries."""

    def __init__(self):
        councils = list(Council.objects.all())
        self.by_code = {c.gss_code.upper(): c for c in councils}
        by_pk = {c.pk: c for c in councils}
        for alias in CouncilCodeAlias.objects.all():
            self.by_code[alias.old_code.upper()] = by_pk[alias.council_id]
        self.by_name = {}
        for council in councils:
            for name in (council.name, council.short_name, council.slug):
                self.by_name[_normal_name(name)] = council

    def find(self, text: str) -> Council | None:
        return self.by_code.get(text.strip().upper()) or self.by_name.get(_normal_name(text))

    @staticmethod
    def no_match_message(text: str) -> str:
        return _(
            "no council matches “%(name)s”. Use the council's GSS code (like S12000049), an old GSS code, or its name."
        ) % {"name": text}


# -- what the partner API serves ------------------------------------------------------------------


def api_councils():
    return Council.objects.prefetch_related("code_aliases")


def api_partners():
    return PartnerOrganisation.objects.all()


def api_contributions(*, caller):
    """Contributions with their figures and payments. Their `updated_at` moves when a payment, the council's name or
    the agreement's title changes (councils.receivers), and when a figure changes with the date (the daily job)."""
    visible = visible_contributions(user=caller).select_related("council", "agreement").prefetch_related("payments")
    return contributions_with_figures(visible)


# -- history ------------------------------------------------------------------------------------

HISTORY_FIELDS = {
    "contribution": ["financial_year", "amount_due", "due_date", "invoice_number", "invoice_date", "notes"],
    "payment": ["amount", "paid_on", "reference"],
}


def display_value(name, value):
    """A value as the history shows it: pounds and pence, dates in words, years as 2017/18."""
    if value in (None, ""):
        return None
    if name == "financial_year":
        return financial_year_label(value)
    if isinstance(value, Decimal):
        return f"£{value:,.2f}"
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return value


def contribution_history(contribution, *, limit: int = 100) -> list[dict]:
    """Who changed the contribution and its payments, when, with each value before and after; newest first."""
    return change_history(
        [
            HistorySource(
                "contribution",
                Contribution.history.filter(id=contribution.pk),
                lambda record: _("the contribution"),
                fields=HISTORY_FIELDS["contribution"],
            ),
            HistorySource(
                "payment",
                Payment.history.filter(contribution_id=contribution.pk),
                lambda record: _("a payment"),
                fields=HISTORY_FIELDS["payment"],
            ),
        ],
        display=display_value,
        limit=limit,
    )


# -- import templates ---------------------------------------------------------------------------


def member_councils(years) -> dict[int, list]:
    """For each financial year, the councils in the partnership at some time during it (one query).

    All councils count as members when no membership is recorded at all."""
    memberships = list(PartnershipMembership.objects.select_related("council"))
    councils = None if memberships else list(Council.objects.all())
    members = {}
    for year in years:
        if councils is not None:
            members[year] = councils
            continue
        start, end = datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
        members[year] = list(
            {
                m.council_id: m.council
                for m in memberships
                if m.joined_on <= end and (m.left_on is None or m.left_on >= start)
            }.values()
        )
    return members


def import_template_rows(*, user, agreement, kind: str) -> list[dict]:
    """The rows of an import template: one per council and year.

    Contributions: every member council for every year of the agreement, with what is recorded already (so
    the template imports unchanged). Payments: every contribution of the agreement still to be paid, with
    the payment cells left for the office to fill in.
    """
    _require_all(user)
    recorded = {
        (c.council_id, c.financial_year): c for c in ledger_rows(Contribution.objects.filter(agreement=agreement))
    }
    rows = []
    if kind == "payments":
        for contribution in recorded.values():
            if contribution.outstanding > 0:
                rows.append(
                    {
                        "council": contribution.council.name,
                        "gss_code": contribution.council.gss_code,
                        "financial_year": contribution.financial_year_label,
                    }
                )
        return rows
    years = range(agreement.first_year, agreement.last_year + 1)
    members = member_councils(years)
    for year in years:
        councils = {c.pk: c for c in members[year]}
        councils.update({c.council_id: c.council for (_, y), c in recorded.items() if y == year})
        for council in sorted(councils.values(), key=lambda c: c.name):
            contribution = recorded.get((council.pk, year))
            row = {"council": council.name, "gss_code": council.gss_code, "financial_year": financial_year_label(year)}
            if contribution:
                row.update(
                    amount_due=contribution.amount_due,
                    due_date=contribution.due_date,
                    invoice_number=contribution.invoice_number,
                    invoice_date=contribution.invoice_date,
                )
            rows.append(row)
    return rows


# -- people: teams, invitations, e-mail domains ------------------------------------------------------------------


def require_team(user, *, council_id=None, partner_id=None, office=False) -> None:
    """A council's, partner's or the Digital Office's people are shown to Digital Office staff and the
    organisation's leads: to the organisation's other staff the page is refused (403); to everyone else it is not
    found (404)."""
    if office:
        allowed = core_policies.can_see_office_team(user)
    else:
        allowed = core_policies.can_see_team(user, council_id=council_id, partner_id=partner_id)
    if allowed:
        return
    if not office and core_policies.belongs_to(user, council_id=council_id, partner_id=partner_id):
        raise PermissionDenied
    raise Http404


def team_council(*, user, slug: str) -> Council:
    council = get_object_or_404(Council, slug=slug)
    require_team(user, council_id=council.pk)
    return council


def team_partner(*, user, slug: str) -> PartnerOrganisation:
    partner = get_object_or_404(PartnerOrganisation, slug=slug)
    require_team(user, partner_id=partner.pk)
    return partner


def team_of_person(*, user, pk: int):
    """A person whose page this user may see (their organisation's team), else 404 or 403."""
    person = core_selectors.person_by_pk(pk)
    if person is None:
        raise Http404
    require_team(user, council_id=person.council_id, partner_id=person.partner_id,
                 office=person.council_id is None and person.partner_id is None)
    return person


def team_of_invitation(*, user, pk: int):
    invitation = core_selectors.invitations(open_only=False).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    require_team(user, council_id=invitation.council_id, partner_id=invitation.partner_id,
                 office=invitation.council_id is None and invitation.partner_id is None)
    return invitation


def email_domains():
    return EmailDomain.objects.select_related("council").order_by("council__name", "domain")


def councils_with_sso():
    """Every council, with its mapped e-mail domains (the people index lists them)."""
    return Council.objects.prefetch_related("email_domains").order_by("name")


def partners_list():
    return PartnerOrganisation.objects.order_by("name")
