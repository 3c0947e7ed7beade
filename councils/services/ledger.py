"""Writes to the funding ledger. Each service checks the actor's rights (policies), validates with full_clean(),
runs in a transaction, and records the actor in the history of what it changes."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policies
from ..models import Contribution, FundingAgreement, Payment, financial_year_label

PENNY = Decimal("0.01")


def _require_manager(user):
    if not policies.can_manage_funding(user):
        raise PermissionDenied(_("Only Digital Office staff may change funding records."))


def _save(instance, user):
    instance.full_clean()
    instance._history_user = user if user is not None and user.is_authenticated else None
    instance.save()
    return instance


def _money_text(value: Decimal) -> str:
    return f"£{value:,.2f}"


# -- agreements ---------------------------------------------------------------------------------

AGREEMENT_FIELDS = ("title", "description", "first_year", "last_year", "budget")


def _check_agreement(agreement):
    errors = {}
    if agreement.first_year is not None and agreement.last_year is not None:
        if agreement.last_year < agreement.first_year:
            errors["last_year"] = _("The last year cannot come before the first.")
        else:
            overlapping = FundingAgreement.objects.filter(
                first_year__lte=agreement.last_year, last_year__gte=agreement.first_year,
            ).exclude(pk=agreement.pk).first()
            if overlapping:
                errors["first_year"] = _(
                    "These years overlap %(agreement)s: a financial year belongs to one agreement."
                ) % {"agreement": overlapping}
            if agreement.pk:
                outside = Contribution.objects.filter(agreement=agreement).exclude(
                    financial_year__gte=agreement.first_year, financial_year__lte=agreement.last_year,
                ).order_by("financial_year").values_list("financial_year", flat=True).first()
                if outside is not None:
                    errors["last_year" if outside > agreement.last_year else "first_year"] = _(
                        "The agreement already has contributions for %(year)s: its period must include that year."
                    ) % {"year": financial_year_label(outside)}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_create(*, user, title, first_year, last_year, budget, description="") -> FundingAgreement:
    _require_manager(user)
    agreement = FundingAgreement(title=title, description=description, first_year=first_year, last_year=last_year,
                                 budget=budget)
    _check_agreement(agreement)
    return _save(agreement, user)


@transaction.atomic
def agreement_update(*, user, agreement, **fields) -> FundingAgreement:
    _require_manager(user)
    agreement = FundingAgreement.objects.select_for_update().get(pk=agreement.pk)
    for name, value in fields.items():
        if name not in AGREEMENT_FIELDS:
            raise ValueError(f"{name} cannot be edited here")
        setattr(agreement, name, value)
    _check_agreement(agreement)
    return _save(agreement, user)


# -- contributions and payments -----------------------------------------------------------------

CONTRIBUTION_EDITABLE = ("amount_due", "due_date", "invoice_number", "invoice_date", "notes")


def _total_paid(contribution_id, *, excluding_payment_id=None) -> Decimal:
    payments = Payment.objects.filter(contribution_id=contribution_id)
    if excluding_payment_id:
        payments = payments.exclude(pk=excluding_payment_id)
    return payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def _check_contribution(contribution):
    errors = {}
    agreement = contribution.agreement
    if contribution.financial_year is not None and not (
        agreement.first_year <= contribution.financial_year <= agreement.last_year
    ):
        errors["financial_year"] = _("%(year)s is outside %(agreement)s.") % {
            "year": financial_year_label(contribution.financial_year), "agreement": agreement}
    if contribution.invoice_number.strip() and contribution.invoice_date is None:
        errors["invoice_date"] = _("Give the date of invoice %(number)s.") % {
            "number": contribution.invoice_number.strip()}
    if contribution.pk and contribution.amount_due is not None:
        paid = _total_paid(contribution.pk)
        if contribution.amount_due < paid:
            errors["amount_due"] = _("%(paid)s has already been paid: the amount due cannot be less.") % {
                "paid": _money_text(paid)}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contribution_create(*, user, agreement, council, financial_year, amount_due, due_date, invoice_number="",
                        invoice_date=None, notes="") -> Contribution:
    _require_manager(user)
    contribution = Contribution(
        agreement=agreement, council=council, financial_year=financial_year, amount_due=amount_due, due_date=due_date,
        invoice_number=(invoice_number or "").strip(), invoice_date=invoice_date, notes=notes or "",
    )
    _check_contribution(contribution)
    return _save(contribution, user)


@transaction.atomic
def contribution_update(*, user, contribution, **fields) -> Contribution:
    """Change what is due, when, and the invoice. The council, year and agreement of a contribution stay."""
    _require_manager(user)
    contribution = Contribution.objects.select_for_update().select_related("agreement").get(pk=contribution.pk)
    for name, value in fields.items():
        if name not in CONTRIBUTION_EDITABLE:
            raise ValueError(f"{name} cannot be edited here")
        setattr(contribution, name, value.strip() if isinstance(value, str) else value)
    _check_contribution(contribution)
    return _save(contribution, user)


def _check_payment(payment, *, today=None):
    errors = {}
    today = today or timezone.localdate()
    if payment.paid_on and payment.paid_on > today:
        errors["paid_on"] = _("A payment cannot be dated in the future.")
    if payment.amount is not None and payment.amount > 0:
        contribution = payment.contribution
        paid = _total_paid(contribution.pk, excluding_payment_id=payment.pk)
        if paid + payment.amount > contribution.amount_due:
            errors["amount"] = _(
                "With this payment %(council)s would have paid %(total)s for %(year)s, more than the %(due)s due."
            ) % {"council": contribution.council, "total": _money_text(paid + payment.amount),
                 "year": contribution.financial_year_label, "due": _money_text(contribution.amount_due)}
    if errors:
        raise ValidationError(errors)


def _lock_contribution(contribution) -> Contribution:
    return Contribution.objects.select_for_update().select_related("council", "agreement").get(pk=contribution.pk)


@transaction.atomic
def contribution_record_payment(*, user, contribution, amount, paid_on, reference="") -> Payment:
    _require_manager(user)
    contribution = _lock_contribution(contribution)
    payment = Payment(contribution=contribution, amount=amount, paid_on=paid_on, reference=(reference or "").strip())
    payment.full_clean()
    _check_payment(payment)
    return _save(payment, user)


PAYMENT_EDITABLE = ("amount", "paid_on", "reference")


@transaction.atomic
def payment_update(*, user, payment, **fields) -> Payment:
    _require_manager(user)
    _lock_contribution(payment.contribution)
    payment = Payment.objects.select_related("contribution__council").get(pk=payment.pk)
    for name, value in fields.items():
        if name not in PAYMENT_EDITABLE:
            raise ValueError(f"{name} cannot be edited here")
        setattr(payment, name, value.strip() if isinstance(value, str) else value)
    payment.full_clean()
    _check_payment(payment)
    return _save(payment, user)


@transaction.atomic
def payment_delete(*, user, payment):
    """Remove a payment recorded by mistake; the history keeps what it was and who removed it."""
    _require_manager(user)
    _lock_contribution(payment.contribution)
    payment._history_user = user
    payment.delete()
