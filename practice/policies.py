"""Who may do what in the practice library (README "Practice library"), in one place.

Everyone signed in reads what is published (and what is retired, kept and marked). A draft, a submitted or a
returned asset is seen only by its owning council's staff (the office's own: the office), by whoever created it,
and by the Digital Office, who review it; anyone else is answered 404. The owning council's editors (the office for
its own) write and submit; the office publishes or returns, and never the person who submitted or created it (four
eyes, as for progress updates). A council's editor declares adoption for their own council only; the asset's
owner (its council's editors, the named owner, or the office) confirms it; the adopting council's editors link the
adoption to their own council's benefits, which the asset's page shows to whoever may read the benefits register.
Partner keys read published assets and
their adoptions through the API with the scope `practice:read`.
"""

from django.db.models import Q

from core.policies import key_has_scope
from core.roles import Role, is_council_editor_of, is_digital_office, role_of
from core.scopes import PRACTICE_READ
from initiatives.policies import can_edit_initiative

from .models import LISTED_STATES, Asset

READ_STATES = (*LISTED_STATES, Asset.State.RETIRED)
EDITABLE_STATES = (Asset.State.DRAFT, Asset.State.RETURNED, Asset.State.PUBLISHED, Asset.State.NEEDS_UPDATE)
SUBMITTABLE_STATES = (Asset.State.DRAFT, Asset.State.RETURNED, Asset.State.NEEDS_UPDATE)


def can_read_library(user) -> bool:
    return role_of(user) != Role.NONE or key_has_scope(user, PRACTICE_READ)


def asset_filter(user) -> Q | None:
    """The condition on assets a caller may read; None when they may read none."""
    if not can_read_library(user):
        return None
    if is_digital_office(user):
        return Q()
    condition = Q(state__in=READ_STATES)
    if getattr(user, "pk", None) and role_of(user) != Role.NONE:
        condition |= Q(created_by_id=user.pk)
    if role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        condition |= Q(council_id=user.council_id)
    return condition


def _owns(user, asset) -> bool:
    if is_digital_office(user):
        return True
    return asset.council_id is not None and is_council_editor_of(user, asset.council_id)


def can_create_asset(user, council_id=None) -> bool:
    """Add an asset owned by this council (None: the office's own)."""
    if is_digital_office(user):
        return True
    return council_id is not None and is_council_editor_of(user, council_id)


def can_create_any(user) -> bool:
    return is_digital_office(user) or role_of(user) == Role.COUNCIL_EDITOR


def can_edit_asset(user, asset) -> bool:
    return asset.state in EDITABLE_STATES and _owns(user, asset)


def can_submit_asset(user, asset) -> bool:
    return asset.state in SUBMITTABLE_STATES and _owns(user, asset)


def can_review_assets(user) -> bool:
    """The office's review queue and its list of assets past their review date."""
    return is_digital_office(user)


def can_review_asset(user, asset) -> bool:
    """Publish or return: the office, never the person who submitted or created the asset (four eyes)."""
    return (asset.state == Asset.State.SUBMITTED and is_digital_office(user)
            and user.pk not in {asset.submitted_by_id, asset.created_by_id})


def can_retire_asset(user, asset) -> bool:
    return asset.state != Asset.State.RETIRED and _owns(user, asset)


def can_declare_adoption(user, asset) -> bool:
    """A council's editor, for their own council only, of a published asset another council (or the office) owns."""
    return (role_of(user) == Role.COUNCIL_EDITOR and asset.state in LISTED_STATES
            and asset.council_id != user.council_id)


def can_confirm_adoption(user, asset) -> bool:
    """The asset's owner confirms what adopters declare: its council's editors, its named owner, or the office."""
    return _owns(user, asset) or (getattr(user, "pk", None) is not None and user.pk == asset.owner_id
                                  and user.is_active)


def can_link_adoption_benefits(user, adoption) -> bool:
    """Which of its benefits reusing the asset brings: the adopting council's editors only, for their own council
    (the benefits offered and accepted are its own: initiatives.selectors.council_benefits)."""
    return is_council_editor_of(user, adoption.council_id)


def can_record_lessons(user, initiative) -> bool:
    """Whoever may move the initiative on records what it learnt (initiatives.policies.can_edit_initiative)."""
    return can_edit_initiative(user, initiative)
