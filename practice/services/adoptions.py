"""Adoption, declared by the adopting council itself (its editor, for their own council only) and confirmed by the
asset's owner. A council "using" an asset reconfirms it every year: a reminder goes to its editors when the year
is up, and when nobody reconfirms within the grace period the adoption lapses to "unconfirmed", never kept
silently."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors as core_selectors
from initiatives import selectors as portfolio

from .. import policies
from ..models import Adoption, Asset
from .mail import asset_url, send_later

RECONFIRM_AFTER_DAYS = 365
RECONFIRM_GRACE_DAYS = 30


def _acting(user):
    return user if getattr(user, "pk", None) else None


@transaction.atomic
def adoption_declare(*, user, asset, state: str, reason: str = "") -> Adoption:
    """The editor's council's own declaration for `asset`; a changed declaration waits for the owner again."""
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if not policies.can_declare_adoption(user, asset):
        raise PermissionDenied(_("Only an editor of another council declares, for their own council, that it "
                                 "reuses a published asset."))
    if state not in Adoption.State.values or state == Adoption.State.UNCONFIRMED:
        raise ValidationError({"state": _("Choose how far your council has got with it.")})
    reason = (reason or "").strip()
    if state == Adoption.State.STOPPED and not reason:
        raise ValidationError({"reason": _("Say why your council stopped using it, so others can learn from it.")})
    today = timezone.localdate()
    adoption = Adoption.objects.select_for_update().filter(asset=asset, council_id=user.council_id).first()
    if adoption is None:
        adoption = Adoption(asset=asset, council_id=user.council_id)
    changed = adoption.state != state
    adoption.state, adoption.reason = state, reason
    adoption.declared_by, adoption.declared_at = _acting(user), timezone.now()
    if changed:
        adoption.confirmed_by, adoption.confirmed_at = None, None
    if state == Adoption.State.USING:
        adoption.using_since = adoption.using_since or today
        adoption.using_confirmed_on, adoption.reminded_on = today, None
    adoption._history_user = _acting(user)
    adoption.full_clean()
    adoption.save()
    return adoption


@transaction.atomic
def adoption_confirm(*, user, adoption) -> Adoption:
    adoption = Adoption.objects.select_for_update(of=("self",)).select_related("asset").get(pk=adoption.pk)
    if not policies.can_confirm_adoption(user, adoption.asset):
        raise PermissionDenied(_("Only the asset's owner confirms what adopting councils declare."))
    if adoption.confirmed_at is not None:
        raise ValidationError(_("This declaration is already confirmed."))
    adoption.confirmed_by, adoption.confirmed_at = _acting(user), timezone.now()
    adoption._history_user = _acting(user)
    adoption.save()
    return adoption


@transaction.atomic
def adoption_reconfirm(*, user, adoption) -> Adoption:
    """The adopting council says it still uses the asset (also from "unconfirmed", back to "using")."""
    adoption = Adoption.objects.select_for_update(of=("self",)).select_related("asset").get(pk=adoption.pk)
    if not policies.can_declare_adoption(user, adoption.asset) or user.council_id != adoption.council_id:
        raise PermissionDenied(_("Only an editor of the adopting council reconfirms its use."))
    if adoption.state not in (Adoption.State.USING, Adoption.State.UNCONFIRMED):
        raise ValidationError(_("Only a council using the asset reconfirms it."))
    adoption.state = Adoption.State.USING
    adoption.using_confirmed_on, adoption.reminded_on = timezone.localdate(), None
    adoption._history_user = _acting(user)
    adoption.save()
    return adoption


@transaction.atomic
def adoptions_reconfirm_due(*, on: datetime.date | None = None) -> dict:
    """The daily job: remind councils whose "using" is a year old, and lapse those reminded more than the grace
    period ago to "unconfirmed". Idempotent: each adoption is reminded once per year and lapses once."""
    on = on or timezone.localdate()
    year_ago = on - datetime.timedelta(days=RECONFIRM_AFTER_DAYS)
    grace = on - datetime.timedelta(days=RECONFIRM_GRACE_DAYS)
    using = Adoption.objects.select_for_update(of=("self",)).select_related("asset", "council").filter(
        state=Adoption.State.USING, using_confirmed_on__lte=year_ago)
    lapsed, reminded = 0, []
    for adoption in using:
        if adoption.reminded_on is not None and adoption.reminded_on <= grace:
            adoption.state = Adoption.State.UNCONFIRMED
            adoption._change_reason = "not reconfirmed within a year"
            adoption.save(update_fields=["state", "updated_at"])
            lapsed += 1
        elif adoption.reminded_on is None:
            adoption.reminded_on = on
            adoption.save(update_fields=["reminded_on", "updated_at"])
            reminded.append(adoption)
    editors = {}
    for person in core_selectors.active_council_editors({a.council_id for a in reminded}):
        editors.setdefault(person.council_id, []).append(person.email)
    for adoption in reminded:
        send_later(subject=_("Does %(council)s still use %(title)s?") % {
                       "council": adoption.council.name, "title": adoption.asset.title},
                   template="practice/email/reconfirm.txt",
                   context={"adoption": adoption, "url": asset_url(adoption.asset),
                            "lapses_on": on + datetime.timedelta(days=RECONFIRM_GRACE_DAYS)},
                   to=editors.get(adoption.council_id, []))
    return {"reminded": len(reminded), "lapsed": lapsed}


@transaction.atomic
def adoption_benefits_set(*, user, adoption, benefit_ids) -> Adoption:
    """The adopting council's benefits that reusing the asset brings; only its own council's (kept by it or shared
    in by it) may be linked, by its editors."""
    adoption = Adoption.objects.select_for_update(of=("self",)).get(pk=adoption.pk)
    if not policies.can_link_adoption_benefits(user, adoption):
        raise PermissionDenied(_("Only an editor of the adopting council links its benefits."))
    wanted = {int(pk) for pk in benefit_ids}
    own = set(portfolio.council_benefits(adoption.council_id).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - own:
        raise ValidationError({"benefits": _("Link only your own council's benefits: those it keeps or holds a "
                                             "share of in the benefits register.")})
    adoption.benefits.set(sorted(own))
    return adoption
