"""Writes to the benefits register (issue 26): yearly targets, councils' shares, realisations and their grades,
a benefit's status, and the review of a closed initiative's benefits. Each service checks policies, validates with
full_clean() and runs in a transaction."""

import datetime
import os
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policies
from .benefit_models import Benefit, BenefitRealisation, BenefitReview, BenefitShare, BenefitTarget
from .models import Initiative, Stage

MAX_SHARES = Decimal("100")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_ENDINGS = (".pdf", ".docx", ".xlsx", ".odt", ".ods", ".csv", ".png", ".jpg", ".jpeg", ".txt")
REVIEW_AFTER_YEARS = 1  # the review comes 12 months after the initiative closed


def _percent(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return f"{text}%"


def benefit_targets_set(*, benefit, profile: dict[int, Decimal]):
    """Replace the yearly target profile; with one, the committed target is its sum. (Called by the register's
    save, which checked who may write.)"""
    benefit.targets.all().delete()
    BenefitTarget.objects.bulk_create(
        BenefitTarget(benefit=benefit, financial_year=year, value=value, is_demo=benefit.is_demo)
        for year, value in sorted(profile.items()))
    if profile:
        total = sum(profile.values(), Decimal("0"))
        if benefit.target_value != total:
            benefit.target_value = total
            benefit.save(update_fields=["target_value", "updated_at"])


def shares_total_check(percents) -> Decimal:
    """The one rule of attribution: a benefit's shares total at most 100%, so no saving is counted twice."""
    total = sum(percents, Decimal("0"))
    if total > MAX_SHARES:
        raise ValidationError(_(
            "The councils' shares total %(total)s: a benefit's shares may total at most 100%%, so that no saving is "
            "counted twice. Lower the shares so they add up to 100%% or less.") % {"total": _percent(total)})
    return total


@transaction.atomic
def benefit_shares_set(*, user, benefit, shares: list[tuple]) -> list[BenefitShare]:
    """Replace the councils a benefit accrues to, each with its share in percent (together at most 100%)."""
    if not policies.can_set_benefit_shares(user, benefit):
        raise PermissionDenied(_("Only the Digital Office and the council that keeps a benefit set its shares."))
    taking_part = policies.participating_council_ids(benefit.initiative)
    councils = [council for council, _percent_ in shares]
    if len({c.pk for c in councils}) != len(councils):
        raise ValidationError(_("A council is named twice: give each council one share."))
    outside = [c.name for c in councils if c.pk not in taking_part]
    if outside:
        raise ValidationError(_("%(councils)s do not take part in this initiative: only councils taking part hold a "
                                "share of its benefits.") % {"councils": ", ".join(outside)})
    for council, percent in shares:
        if percent is None or percent <= 0 or percent > MAX_SHARES:
            raise ValidationError(_("%(council)s: a share is more than 0%% and at most 100%%.") % {
                "council": council.name})
    shares_total_check(percent for _council, percent in shares)
    benefit.shares.all().delete()
    made = [BenefitShare(benefit=benefit, council=council, percent=percent, is_demo=benefit.is_demo)
            for council, percent in shares]
    for share in made:
        share.full_clean(exclude=["benefit"])
        share.save()
    return made


def benefit_share_default(benefit):
    """A new benefit kept by a council accrues to that council whole until its shares say otherwise."""
    if benefit.council_id and not benefit.shares.exists():
        BenefitShare.objects.create(benefit=benefit, council_id=benefit.council_id, percent=MAX_SHARES,
                                    is_demo=benefit.is_demo)


def benefit_realised_recount(benefit):
    total = benefit.realisations.aggregate(total=Sum("value"))["total"] or Decimal("0")
    Benefit.objects.filter(pk=benefit.pk).update(realised_value=total, updated_at=timezone.now())
    benefit.realised_value = total


def _evidence_file_check(upload):
    if upload is None:
        return
    ending = os.path.splitext(upload.name or "")[1].lower()
    if ending not in EVIDENCE_ENDINGS:
        raise ValidationError({"evidence_file": _("Upload the evidence as PDF, Word, Excel, OpenDocument, CSV, text "
                                                  "or an image (PNG or JPEG).")})
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence_file": _("The file is larger than 10 MB: upload a smaller one.")})


@transaction.atomic
def realisation_record(*, user, benefit, council=None, recorded_on, value, grade=BenefitRealisation.Grade.ESTIMATED,
                       evidence_note="", evidence_file=None, evidence_link="") -> BenefitRealisation:
    """A dated value realised by the whole benefit (counted once), reported by a council that shares in it, or by
    the office. Estimated, or evidenced with a note and a file or link; only the office marks one audited, later.
    Benefits keep being reported after their initiative closed, until they are realised, abandoned or superseded."""
    council_id = council.pk if council else None
    if not policies.can_record_realisation(user, benefit, council_id):
        raise PermissionDenied(_("Your council may report realisations only of benefits it shares in, for itself."))
    if benefit.status in (Benefit.Status.ABANDONED, Benefit.Status.SUPERSEDED):
        raise ValidationError(_("This benefit is %(status)s: nothing more is realised for it.") % {
            "status": benefit.get_status_display().lower()})
    if grade == BenefitRealisation.Grade.AUDITED:
        raise PermissionDenied(_("A realisation is marked audited by the Digital Office, after it is recorded."))
    _evidence_file_check(evidence_file)
    realisation = BenefitRealisation(
        benefit=benefit, council=council, recorded_on=recorded_on, value=value, grade=grade,
        evidence_note=(evidence_note or "").strip(), evidence_link=evidence_link or "", is_demo=False)
    if evidence_file is not None:
        realisation.evidence_file.save(evidence_file.name, evidence_file, save=False)
    realisation.full_clean()
    realisation.save()
    benefit_realised_recount(benefit)
    return realisation


@transaction.atomic
def realisation_confirm(*, user, realisation) -> BenefitRealisation:
    """The council that reported a realisation confirms it; no other council, nor the office for a council's."""
    if not policies.can_confirm_realisation(user, realisation):
        raise PermissionDenied(_("Only the editors of the council that reported a realisation confirm it."))
    realisation.confirmed, realisation.confirmed_by, realisation.confirmed_at = True, user, timezone.now()
    realisation.save(update_fields=["confirmed", "confirmed_by", "confirmed_at", "updated_at"])
    return realisation


@transaction.atomic
def realisation_audit(*, user, realisation) -> BenefitRealisation:
    """The Digital Office marks a realisation audited: it needs its evidence, and its council's confirmation."""
    if not policies.can_audit_realisation(user):
        raise PermissionDenied(_("Only the Digital Office marks a realisation audited."))
    if not realisation.has_evidence:
        raise ValidationError(_("A realisation is audited on its evidence: it needs a note and a file or a link."))
    if realisation.council_id and not realisation.confirmed:
        raise ValidationError(_("The council that reported this realisation has not confirmed it yet."))
    realisation.grade, realisation.audited_by, realisation.audited_at = (
        BenefitRealisation.Grade.AUDITED, user, timezone.now())
    realisation.full_clean()
    realisation.save(update_fields=["grade", "audited_by", "audited_at", "updated_at"])
    return realisation


@transaction.atomic
def benefit_status_set(*, user, benefit, status, reason="", superseded_by=None, today=None) -> Benefit:
    """Mark a benefit realised, abandoned (with a reason) or superseded (by another), or tracked again."""
    if not policies.can_change_benefit_status(user, benefit):
        raise PermissionDenied(_("Only the Digital Office and the council that keeps a benefit change its status."))
    benefit.status = status
    benefit.status_reason = (reason or "").strip()
    benefit.superseded_by = superseded_by if status == Benefit.Status.SUPERSEDED else None
    benefit.status_changed_on = today or timezone.localdate()
    benefit.full_clean()
    benefit.save()
    _review_complete_if_done(benefit.initiative_id, today=benefit.status_changed_on)
    return benefit


def _review_complete_if_done(initiative_id, *, today):
    if not Benefit.objects.filter(initiative_id=initiative_id, status=Benefit.Status.TRACKING).exists():
        BenefitReview.objects.filter(initiative_id=initiative_id, completed_on__isnull=True).update(
            completed_on=today, updated_at=timezone.now())


def _one_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + REVIEW_AFTER_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + REVIEW_AFTER_YEARS, day=28)


def closed_on(initiative) -> datetime.date | None:
    """When the initiative last became closed, from its history (None: not closed)."""
    if initiative.stage != Stage.CLOSED:
        return None
    last_open = (initiative.history.exclude(stage=Stage.CLOSED).order_by("-history_date")
                 .values_list("history_date", flat=True).first())
    closing = initiative.history.filter(stage=Stage.CLOSED)
    if last_open is not None:
        closing = closing.filter(history_date__gt=last_open)
    first = closing.order_by("history_date").values_list("history_date", flat=True).first()
    return timezone.localdate(first) if first else timezone.localdate(initiative.updated_at)


def benefit_reviews_create(*, today=None) -> int:
    """The daily job: for each initiative closed 12 months ago or more whose benefits are still tracked, make its
    review task, once (a second run, or a second delivery, makes none). Returns how many were made."""
    today = today or timezone.localdate()
    made = 0
    candidates = (Initiative.objects.filter(stage=Stage.CLOSED, benefits__status=Benefit.Status.TRACKING,
                                            benefit_review__isnull=True).distinct())
    for initiative in candidates:
        closed = closed_on(initiative)
        if closed is None or _one_year_after(closed) > today:
            continue
        _review, created = BenefitReview.objects.get_or_create(
            initiative=initiative, defaults={"closed_on": closed, "due_on": _one_year_after(closed),
                                             "is_demo": initiative.is_demo})
        made += created
    return made
