"""Assets and their workflow: draft → submitted → published or returned (by the office, with a comment, never by
the person who submitted or created it) → needs update (the review-by date passed; the owner is reminded by a
Celery job) → retired (kept, marked). Files are kept through Django's storage API, their size and type checked."""


from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors as core_selectors
from core.uploads import check_upload

from .. import policies
from ..models import Asset, AssetFile
from .mail import asset_url, send_later

ASSET_FIELDS = ("kind", "title", "summary", "body", "initiative", "owner", "contacts", "licence", "maturity",
                "links", "evidence_of_use", "review_by")
# What a file may be, by its name's ending: the content type it must declare and how its bytes start.
FILE_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def _acting(user):
    return user if getattr(user, "pk", None) else None


def _save(asset, user):
    asset._history_user = _acting(user)
    asset.full_clean()
    if asset.owner_id and (not asset.owner.is_active or (
            asset.council_id and asset.owner.council_id != asset.council_id
            and not asset.owner.is_digital_office_staff)):
        raise ValidationError({"owner": _("The owner must be an active person at the owning council.")})
    asset.save()
    return asset


def _fields(fields):
    unknown = set(fields) - set(ASSET_FIELDS) - {"is_demo", "themes", "outcomes"}
    if unknown:
        raise ValueError(f"unknown asset fields {sorted(unknown)}")
    relations = {name: fields.pop(name) for name in ("themes", "outcomes") if name in fields}
    return fields, relations


@transaction.atomic
def asset_create(*, user, council, **fields) -> Asset:
    """A draft owned by `council` (None: the office). The creator owns it unless someone else is named."""
    if not policies.can_create_asset(user, getattr(council, "pk", None)):
        raise PermissionDenied(_("You may only add assets your own council owns."))
    fields, relations = _fields(fields)
    fields.setdefault("owner", _acting(user))
    asset = _save(Asset(council=council, created_by=_acting(user), state=Asset.State.DRAFT, **fields), user)
    for name, values in relations.items():
        getattr(asset, name).set(values)
    return asset


def _lock(asset):
    return Asset.objects.select_for_update(of=("self",)).select_related("owner").get(pk=asset.pk)


@transaction.atomic
def asset_update(*, user, asset, **fields) -> Asset:
    asset = _lock(asset)
    if not policies.can_edit_asset(user, asset):
        raise PermissionDenied(_("Only the owning council's editors and the Digital Office change this asset."))
    fields, relations = _fields(fields)
    for name, value in fields.items():
        setattr(asset, name, value)
    if asset.state == Asset.State.NEEDS_UPDATE and asset.review_by > timezone.localdate():
        asset.state = Asset.State.PUBLISHED  # reviewed by its owner: listed as current again
    _save(asset, user)
    for name, values in relations.items():
        getattr(asset, name).set(values)
    return asset


@transaction.atomic
def asset_submit(*, user, asset) -> Asset:
    asset = _lock(asset)
    if not policies.can_submit_asset(user, asset):
        raise PermissionDenied(_("Only the owning council's editors and the Digital Office submit this asset."))
    if asset.review_by <= timezone.localdate():
        raise ValidationError({"review_by": _("Set a review-by date in the future before you submit the asset.")})
    asset.state, asset.submitted_by, asset.submitted_at = Asset.State.SUBMITTED, _acting(user), timezone.now()
    asset.review_comment = ""
    return _save(asset, user)


@transaction.atomic
def asset_publish(*, user, asset) -> Asset:
    asset = _lock(asset)
    if asset.state != Asset.State.SUBMITTED:
        raise ValidationError(_("Only a submitted asset can be published."))
    if not policies.can_review_asset(user, asset):
        raise PermissionDenied(_("The Digital Office publishes assets, and never one its reviewer submitted or "
                                 "wrote (four eyes)."))
    asset.state, asset.reviewed_by, asset.published_at = Asset.State.PUBLISHED, _acting(user), timezone.now()
    asset.review_reminded_on = None
    return _save(asset, user)


@transaction.atomic
def asset_return(*, user, asset, comment: str) -> Asset:
    asset = _lock(asset)
    if asset.state != Asset.State.SUBMITTED:
        raise ValidationError(_("Only a submitted asset can be returned."))
    if not policies.can_review_asset(user, asset):
        raise PermissionDenied(_("The Digital Office returns assets, and never one its reviewer submitted or "
                                 "wrote (four eyes)."))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what the owner should change before the asset can be published.")})
    asset.state, asset.reviewed_by, asset.review_comment = Asset.State.RETURNED, _acting(user), comment.strip()
    _save(asset, user)
    recipients = [asset.submitted_by.email] if asset.submitted_by_id and asset.submitted_by.is_active else []
    send_later(subject=_("Returned: %(title)s") % {"title": asset.title}, template="practice/email/returned.txt",
               context={"asset": asset, "url": asset_url(asset)}, to=recipients)
    return asset


@transaction.atomic
def asset_retire(*, user, asset) -> Asset:
    asset = _lock(asset)
    if not policies.can_retire_asset(user, asset):
        raise PermissionDenied(_("Only the owning council's editors and the Digital Office retire this asset."))
    asset.state = Asset.State.RETIRED
    return _save(asset, user)


def _check_file(upload):
    return check_upload(upload, FILE_TYPES, max_bytes=settings.PRACTICE_FILE_MAX_BYTES,
                        kinds=_("a PDF, Word (.docx), Excel (.xlsx), PNG or JPEG file"))


@transaction.atomic
def asset_file_add(*, user, asset, upload, title: str = "") -> AssetFile:
    """Keep a file with the asset; a file with the title of an earlier one is its next version."""
    asset = _lock(asset)
    if not policies.can_edit_asset(user, asset):
        raise PermissionDenied(_("Only the owning council's editors and the Digital Office add files."))
    content_type = _check_file(upload)
    title = (title or upload.name).strip()[:200]
    latest = asset.files.filter(title=title).aggregate(latest=Max("version"))["latest"] or 0
    kept = AssetFile(asset=asset, title=title, version=latest + 1, content_type=content_type, size=upload.size,
                     uploaded_by=_acting(user))
    kept.file.save(upload.name, upload, save=False)
    kept.full_clean()
    kept.save()
    Asset.objects.filter(pk=asset.pk).update(updated_at=timezone.now())
    return kept


def _owner_addresses(asset, leads_by_council, office) -> list[str]:
    if asset.owner_id and asset.owner.is_active:
        return [asset.owner.email]
    if asset.council_id is None:
        return [person.email for person in office]
    return [person.email for person in leads_by_council.get(asset.council_id, [])]


@transaction.atomic
def assets_review_due(*, on=None) -> dict:
    """The daily job: published assets past their review-by date need an update; each owner is reminded once
    (until the asset is reviewed again). Idempotent: a second run the same day changes and sends nothing."""
    on = on or timezone.localdate()
    due = list(Asset.objects.select_for_update(of=("self",)).select_related("owner").filter(
        state=Asset.State.PUBLISHED, review_by__lt=on))
    council_ids = {asset.council_id for asset in due if asset.council_id}
    leads = {}
    for person in core_selectors.active_council_editors(council_ids):
        leads.setdefault(person.council_id, []).append(person)
    office = list(core_selectors.active_digital_office_staff()) if any(a.council_id is None for a in due) else []
    for asset in due:
        asset.state, asset.review_reminded_on = Asset.State.NEEDS_UPDATE, on
        asset._change_reason = "review-by date passed"
        asset.save(update_fields=["state", "review_reminded_on", "updated_at"])
        send_later(subject=_("Please review: %(title)s") % {"title": asset.title},
                   template="practice/email/review_due.txt",
                   context={"asset": asset, "url": asset_url(asset)}, to=_owner_addresses(asset, leads, office))
    return {"needs_update": len(due)}
