"""Pages of the contracts register and the renewal radar: parse input, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exports import export_response
from core.forms import ImportConfirmForm, apply_errors
from core.imports import ImportChanged, ImportRejected, drop_upload, stash_upload, stashed_upload
from core.roles import is_digital_office

from . import policies, selectors, services
from .exports import RADAR_COLUMNS, REGISTER_COLUMNS
from .filtersets import ContractFilterSet
from .forms import ContractForm, DecisionForm, DocumentForm, ImportForm, UseForm

EXPORT_FORMATS = ("csv", "xlsx")
IMPORT_SESSION_KEY = "contracts_import"


def _filtered(request, queryset):
    filterset = ContractFilterSet(request.GET or None, queryset=queryset)
    if filterset.is_bound and filterset.is_valid():
        return filterset, filterset.qs
    return filterset, queryset


def contract_list(request):
    filterset, queryset = _filtered(request, selectors.contract_list(user=request.user))
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        return export_response(fmt, queryset.iterator(), REGISTER_COLUMNS, "contracts", _("Contracts"))
    return render(request, "contracts/list.html", {
        "contracts": queryset[:500], "form": filterset.form, "can_record": policies.can_record_any(request.user),
        "can_use_radar": policies.can_use_radar(request.user),
    })


def _contract_form_page(request, form, contract=None):
    return render(request, "contracts/form.html", {"form": form, "contract": contract})


@require_http_methods(["GET", "POST"])
def contract_create(request):
    if not policies.can_record_any(request.user):
        raise PermissionDenied(_("Only the Digital Office and council editors record contracts."))
    office = is_digital_office(request.user)
    form = ContractForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        council = fields.pop("council", None) if office else request.user.council
        try:
            contract = services.contract_create(user=request.user, council=council, **fields)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Contract %(reference)s is recorded.") % {"reference": contract.reference})
            return redirect("contracts:detail", pk=contract.pk)
    return _contract_form_page(request, form)


def contract_detail(request, pk):
    contract = selectors.contract_get(user=request.user, pk=pk)
    return render(request, "contracts/detail.html", {
        "contract": contract, "history": selectors.contract_history(contract),
        "can_edit": policies.can_edit_contract(request.user, contract),
        "act_by": services.act_by(contract),
    })


@require_http_methods(["GET", "POST"])
def contract_edit(request, pk):
    contract = selectors.contract_for_edit(user=request.user, pk=pk)
    office = is_digital_office(request.user)
    form = ContractForm(request.POST or None, instance=contract, office=office)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "council"}
        try:
            services.contract_update(user=request.user, contract=contract, **fields)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contract is saved."))
            return redirect("contracts:detail", pk=contract.pk)
    return _contract_form_page(request, form, contract)


@require_http_methods(["GET", "POST"])
def contract_decide(request, pk):
    contract = selectors.contract_for_edit(user=request.user, pk=pk)
    form = DecisionForm(request.POST or None, initial={"decided_on": selectors.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_record_decision(user=request.user, contract=contract, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The decision is recorded: renewal alerts stop for this contract."))
            return redirect("contracts:detail", pk=contract.pk)
    return render(request, "contracts/small_form.html", {
        "form": form, "contract": contract, "title": _("Record a decision"), "multipart": False})


@require_http_methods(["GET", "POST"])
def use_add(request, pk):
    contract = selectors.contract_for_edit(user=request.user, pk=pk)
    form = UseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_use_save(user=request.user, contract=contract, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The council is added."))
            return redirect("contracts:detail", pk=contract.pk)
    return render(request, "contracts/small_form.html", {
        "form": form, "contract": contract, "title": _("Add a council using this contract"), "multipart": False})


@require_http_methods(["GET", "POST"])
def document_add(request, pk):
    contract = selectors.contract_for_edit(user=request.user, pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_document_add(user=request.user, contract=contract, upload=form.cleaned_data["file"],
                                           title=form.cleaned_data["title"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The document is kept with the contract."))
            return redirect("contracts:detail", pk=contract.pk)
    return render(request, "contracts/small_form.html", {
        "form": form, "contract": contract, "title": _("Add a document"), "multipart": True})


def document_download(request, pk, document_pk):
    document = selectors.document_get(user=request.user, pk=pk, document_pk=document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1],
                        content_type=document.content_type)


# -- the radar ------------------------------------------------------------------------------------------


def radar(request):
    if not policies.can_use_radar(request.user):
        raise PermissionDenied(_("The renewal radar is the Digital Office's."))
    filterset, queryset = _filtered(request, selectors.visible_contracts(user=request.user))
    data = selectors.radar(user=request.user, queryset=queryset)
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        return export_response(fmt, data["expiries"], RADAR_COLUMNS, "contracts-radar", _("Radar"))
    return render(request, "contracts/radar.html", {**data, "form": filterset.form,
                                                    "query": request.GET.urlencode()})


@require_POST
def draft_initiative(request):
    keys = [key for key in request.POST.get("keys", "").split(",") if key]
    try:
        initiative = services.initiative_draft_from_candidate(user=request.user, keys=keys)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("contracts:radar")
    messages.success(request, _("Initiative %(reference)s is drafted (stage proposed), naming the councils.") % {
        "reference": initiative.reference})
    return redirect("initiatives:detail", reference=initiative.reference)


def sector(request):
    return render(request, "contracts/sector.html", {"rows": selectors.sector_view(user=request.user)})


# -- import ---------------------------------------------------------------------------------------------


def _require_importer(user):
    if not policies.can_record_any(user):
        raise PermissionDenied(_("Only the Digital Office and council editors import contracts."))


def import_template(request):
    _require_importer(request.user)
    fmt = request.GET.get("export") if request.GET.get("export") in EXPORT_FORMATS else "xlsx"
    return export_response(fmt, [], REGISTER_COLUMNS, "contracts-template", _("Contracts"))


@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_importer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        preview = services.contracts_import_check(user=request.user, content=content, filename=upload.name)
        if preview.is_valid:
            stash_upload(request.session, IMPORT_SESSION_KEY, content=content, filename=upload.name)
            return redirect("contracts:import_preview")
    return render(request, "contracts/import_upload.html", {"form": form, "preview": preview})


@require_http_methods(["GET", "POST"])
def import_preview(request):
    _require_importer(request.user)
    stashed = stashed_upload(request.session, IMPORT_SESSION_KEY)
    if stashed is None:
        messages.info(request, _("Upload a file to import first."))
        return redirect("contracts:import")
    form = ImportConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["token"] != stashed["token"]:
            messages.error(request, _("That preview is out of date: check this one and confirm again."))
            return redirect("contracts:import_preview")
        try:
            applied = services.contracts_import_apply(user=request.user, content=stashed["content"],
                                                      filename=stashed["filename"],
                                                      expected_plan=form.cleaned_data["plan"])
        except ImportChanged as changed:
            messages.error(request, changed.messages[0])
            return redirect("contracts:import_preview")
        except ImportRejected as rejected:
            drop_upload(request.session, IMPORT_SESSION_KEY)
            return render(request, "contracts/import_upload.html", {"form": ImportForm(), "preview": rejected.preview})
        drop_upload(request.session, IMPORT_SESSION_KEY)
        messages.success(request, _(
            "%(filename)s is imported: %(created)s added, %(updated)s changed, %(unchanged)s already up to date."
        ) % {"filename": stashed["filename"], "created": applied.created, "updated": applied.updated,
             "unchanged": applied.unchanged})
        return redirect("contracts:list")
    preview = services.contracts_import_check(user=request.user, content=stashed["content"],
                                              filename=stashed["filename"])
    if not preview.is_valid:
        drop_upload(request.session, IMPORT_SESSION_KEY)
        return render(request, "contracts/import_upload.html", {"form": ImportForm(), "preview": preview})
    confirm = ImportConfirmForm(initial={"token": stashed["token"], "plan": preview.plan_digest})
    return render(request, "contracts/import_preview.html", {"preview": preview, "form": confirm})
