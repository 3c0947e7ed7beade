"""Writes to the register: contracts, the councils using them, decisions, documents, and drafting an initiative
from a collaboration candidate (through initiatives' services)."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.uploads import check_upload
from initiatives import services as initiative_services
from strategy.selectors import theme_list

from .. import policies, selectors
from ..cpv import cpv_name
from ..models import Contract, ContractDocument, ContractUse

CONTRACT_FIELDS = (
    "reference", "title", "kind", "route", "supplier_name", "supplier_company_number", "cpv_code", "product", "value",
    "value_basis", "start_date", "initial_end_date", "extension_count", "extension_months", "extensions_taken",
    "maximum_end_date", "notice_months", "review_date", "owner", "notes", "in_sector_view",
)
# What each kind of document may be, by its name's ending: the content type it must declare and how it starts.
DOCUMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
}


def _check_owner(contract):
    owner = contract.owner
    if owner is None:
        return
    if not owner.is_active or (contract.council_id and owner.council_id != contract.council_id
                               and not owner.is_digital_office_staff):
        raise ValidationError({"owner": _("The owner must be an active person at the contract's council.")})


def _save(contract, user):
    contract._history_user = user if getattr(user, "pk", None) else None
    contract.full_clean()
    _check_owner(contract)
    contract.save()
    return contract


@transaction.atomic
def contract_create(*, user, council, **fields) -> Contract:
    if not policies.can_record_for(user, getattr(council, "pk", None)):
        raise PermissionDenied(_("You may only record contracts of your own council."))
    unknown = set(fields) - set(CONTRACT_FIELDS) - {"is_demo"}
    if unknown:
        raise ValueError(f"unknown contract fields {sorted(unknown)}")
    return _save(Contract(council=council, **fields), user)


@transaction.atomic
def contract_update(*, user, contract, **fields) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if not policies.can_edit_contract(user, contract):
        raise PermissionDenied(_("Only the Digital Office and the council's editors change this contract."))
    for name, value in fields.items():
        if name not in CONTRACT_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(contract, name, value)
    return _save(contract, user)


@transaction.atomic
def contract_record_decision(*, user, contract, decision, decided_on: datetime.date | None = None,
                             notes: str = "") -> Contract:
    """Renew, extend, retender, join a shared service or exit: alerts stop once a decision is recorded. Extending
    takes one of the contract's extension options."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if not policies.can_edit_contract(user, contract):
        raise PermissionDenied(_("Only the Digital Office and the council's editors record decisions."))
    if decision not in Contract.Decision.values or not decision:
        raise ValidationError({"decision": _("Choose what was decided.")})
    if decision == Contract.Decision.EXTEND:
        if contract.extensions_left < 1:
            raise ValidationError({"decision": _("The contract has no extension option left.")})
        contract.extensions_taken += 1
    contract.decision, contract.decided_on = decision, decided_on or timezone.localdate()
    contract.decision_notes = notes
    return _save(contract, user)


@transaction.atomic
def contract_use_save(*, user, contract, council, end_date, annual_spend) -> ContractUse:
    """Add a council using the contract, or change its end date and annual spend."""
    if not policies.can_edit_contract(user, contract):
        raise PermissionDenied(_("Only the Digital Office and the council's editors change this contract."))
    use = ContractUse.objects.filter(contract=contract, council=council).first() or ContractUse(
        contract=contract, council=council)
    use.end_date, use.annual_spend = end_date, annual_spend
    use._history_user = user if getattr(user, "pk", None) else None
    use.full_clean()
    use.save()
    Contract.objects.filter(pk=contract.pk).update(updated_at=timezone.now())
    return use


@transaction.atomic
def contract_use_delete(*, user, use):
    if not policies.can_edit_contract(user, use.contract):
        raise PermissionDenied(_("Only the Digital Office and the council's editors change this contract."))
    use.delete()


def _check_document(upload):
    return check_upload(upload, DOCUMENT_TYPES, max_bytes=settings.CONTRACT_DOCUMENT_MAX_BYTES,
                        kinds=_("a PDF, Word (.docx), Excel (.xlsx) or OpenDocument (.odt) file"))


@transaction.atomic
def contract_document_add(*, user, contract, upload, title: str) -> ContractDocument:
    """Keep a file with the contract, through the default storage (local folder or S3), its size and type checked."""
    if not policies.can_edit_contract(user, contract):
        raise PermissionDenied(_("Only the Digital Office and the council's editors add documents."))
    content_type = _check_document(upload)
    document = ContractDocument(contract=contract, title=title or upload.name, content_type=content_type,
                                size=upload.size, uploaded_by=user if getattr(user, "pk", None) else None)
    document.file.save(upload.name, upload, save=False)
    document.full_clean()
    document.save()
    return document


# -- drafting an initiative from a collaboration candidate ------------------------------------------------


def _draft_theme():
    themes = list(theme_list())
    return next((t for t in themes if t.slug == "digital-foundations"), themes[0] if themes else None)


@transaction.atomic
def initiative_draft_from_candidate(*, user, keys: list[str], on: datetime.date | None = None):
    """A proposed initiative naming the councils of a radar candidate: led by the council whose contract ends
    first, the others observers; its summary lists the contracts, and each contract links to it."""
    if not policies.can_use_radar(user):
        raise PermissionDenied(_("Only the Digital Office drafts initiatives from the radar."))
    found = selectors.candidate_expiries(user=user, keys=keys, on=on)
    councils = {e.council.pk: e.council for e in found}
    if len(found) != len(set(keys)) or len(councils) < 2 or len({e.category for e in found}) != 1:
        raise ValidationError(_("These contracts are no longer a collaboration candidate on the radar."))
    category = cpv_name(found[0].category)
    lead = found[0].council
    lines = [
        _("Drafted from the contracts register: %(count)s councils' %(category)s contracts end between %(first)s "
          "and %(last)s, so they could procure together or share a service.") % {
            "count": len(councils), "category": category, "first": found[0].end_date.strftime("%d/%m/%Y"),
            "last": found[-1].end_date.strftime("%d/%m/%Y")},
        "",
    ]
    lines += [f"- {e.council.name}: {e.contract.reference} {e.contract.title} ({e.contract.supplier_name}), "
              f"{_('ends')} {e.end_date.strftime('%d/%m/%Y')}" for e in found]
    initiative = initiative_services.initiative_create(
        user=user, title=(_("Joint procurement: %(category)s") % {"category": category})[:200],
        summary="\n".join(lines), theme=_draft_theme(), lead_council=lead, stage="proposed",
        observers=list(councils.values()),
    )
    for contract in {e.contract.pk: e.contract for e in found}.values():
        contract.initiatives.add(initiative)
    return initiative
