"""Views of the funding ledger: parse input, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exports import export_response
from core.forms import ImportConfirmForm, apply_errors
from core.imports import ImportChanged, ImportRejected, drop_upload, stash_upload, stashed_upload

from . import policies, selectors, services
from .exports import CONTRIBUTION_COLUMNS, YEAR_COLUMNS, template_columns
from .forms import AgreementForm, ContributionForm, ImportForm, PaymentForm
from .models import Council, FundingAgreement

IMPORT_SESSION_KEY = "funding_import"
EXPORT_FORMATS = ("csv", "xlsx")




def _page(request, template, data, *, rows, columns, filename, sheet_title):
    """A ledger page, or its table as CSV or XLSX when ?export= asks (the same rows, so the same figures)."""
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        return export_response(fmt, rows, columns, filename, sheet_title)
    return render(request, template, {**data, "can_manage": policies.can_manage_funding(request.user)})


def _require_manager(user):
    if not policies.can_manage_funding(user):
        raise PermissionDenied


# -- ledger pages -------------------------------------------------------------------------------


def ledger(request):
    """The office-wide ledger. Council staff see their own council's history instead; partners are refused."""
    if not policies.can_read_all_funding(request.user):
        council_id = policies.own_council_id(request.user)
        if council_id:
            return redirect("councils:funding_council", slug=request.user.council.slug)
        raise PermissionDenied(_("Funding is not shown to your account in the portal."))
    data = selectors.ledger(user=request.user)
    return _page(request, "councils/ledger.html", data, rows=data["years"], columns=YEAR_COLUMNS,
                 filename="funding-ledger", sheet_title=_("Ledger"))


def agreement_detail(request, pk):
    data = selectors.agreement_ledger(user=request.user, pk=pk)
    return _page(request, "councils/agreement_detail.html", data, rows=data["years"], columns=YEAR_COLUMNS,
                 filename=f"funding-agreement-{pk}", sheet_title=_("Agreement"))


def year_detail(request, year):
    data = selectors.year_ledger(user=request.user, year=year)
    return _page(request, "councils/year_detail.html", data, rows=data["rows"], columns=CONTRIBUTION_COLUMNS,
                 filename=f"funding-{year}", sheet_title=data["year_label"].replace("/", "-"))


def council_detail(request, slug):
    data = selectors.council_ledger(user=request.user, slug=slug)
    return _page(request, "councils/council_detail.html", data, rows=data["rows"], columns=CONTRIBUTION_COLUMNS,
                 filename=f"funding-{data['council'].slug}", sheet_title=data["council"].short_name)


def contributions_export(request):
    """Every contribution the person may read, narrowed by agreement, year or council (GSS code)."""
    if not policies.can_read_some_funding(request.user):
        raise PermissionDenied
    rows = selectors.contributions_for_export(user=request.user, filterset_data=request.GET)
    fmt = request.GET.get("export") if request.GET.get("export") in EXPORT_FORMATS else "csv"
    return export_response(fmt, rows, CONTRIBUTION_COLUMNS, "funding-contributions", _("Contributions"))


# -- agreements ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk=None):
    _require_manager(request.user)
    agreement = get_object_or_404(FundingAgreement, pk=pk) if pk else None
    initial = {name: getattr(agreement, name) for name in ("title", "description", "first_year", "last_year", "budget")
               } if agreement else {}
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if agreement:
                agreement = services.agreement_update(user=request.user, agreement=agreement, **form.cleaned_data)
            else:
                agreement = services.agreement_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The funding agreement %(title)s is saved.") % {"title": agreement.title})
            return redirect("councils:agreement", pk=agreement.pk)
    return render(request, "councils/agreement_form.html", {"form": form, "agreement": agreement})


# -- contributions and payments -----------------------------------------------------------------


def contribution_detail(request, pk):
    contribution = selectors.contribution_detail(user=request.user, pk=pk)
    return render(request, "councils/contribution_detail.html", {
        "contribution": contribution,
        "history": selectors.contribution_history(contribution),
        "can_manage": policies.can_manage_funding(request.user),
    })


def _contribution_initial(request):
    initial = {}
    if request.GET.get("council"):
        initial["council"] = Council.objects.filter(slug=request.GET["council"]).first()
    if request.GET.get("year", "").isdigit():
        year = int(request.GET["year"])
        initial["financial_year"] = year
        initial["agreement"] = FundingAgreement.objects.filter(first_year__lte=year, last_year__gte=year).first()
    if request.GET.get("agreement", "").isdigit():
        initial["agreement"] = FundingAgreement.objects.filter(pk=request.GET["agreement"]).first()
    return initial


@require_http_methods(["GET", "POST"])
def contribution_create(request):
    _require_manager(request.user)
    form = ContributionForm(request.POST or None, initial=_contribution_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            contribution = services.contribution_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contribution of %(council)s for %(year)s is saved.") % {
                "council": contribution.council, "year": contribution.financial_year_label})
            return redirect("councils:contribution", pk=contribution.pk)
    return render(request, "councils/contribution_form.html", {"form": form, "contribution": None})


@require_http_methods(["GET", "POST"])
def contribution_edit(request, pk):
    contribution = selectors.contribution_detail(user=request.user, pk=pk)
    _require_manager(request.user)
    initial = {name: getattr(contribution, name) for name in services.CONTRIBUTION_EDITABLE}
    initial.update(agreement=contribution.agreement, council=contribution.council,
                   financial_year=contribution.financial_year)
    form = ContributionForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.CONTRIBUTION_EDITABLE}
        try:
            services.contribution_update(user=request.user, contribution=contribution, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your changes to the contribution are saved."))
            return redirect("councils:contribution", pk=contribution.pk)
    return render(request, "councils/contribution_form.html", {"form": form, "contribution": contribution})


@require_http_methods(["GET", "POST"])
def payment_create(request, pk):
    contribution = selectors.contribution_detail(user=request.user, pk=pk)
    _require_manager(request.user)
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_record_payment(user=request.user, contribution=contribution, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The payment is recorded."))
            return redirect("councils:contribution", pk=contribution.pk)
    return render(request, "councils/payment_form.html", {"form": form, "contribution": contribution, "payment": None})


@require_http_methods(["GET", "POST"])
def payment_edit(request, pk):
    payment = selectors.payment_detail(user=request.user, pk=pk)
    _require_manager(request.user)
    initial = {name: getattr(payment, name) for name in services.PAYMENT_EDITABLE}
    form = PaymentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_update(user=request.user, payment=payment, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your changes to the payment are saved."))
            return redirect("councils:contribution", pk=payment.contribution_id)
    return render(request, "councils/payment_form.html",
                  {"form": form, "contribution": payment.contribution, "payment": payment})


@require_POST
def payment_delete(request, pk):
    payment = selectors.payment_detail(user=request.user, pk=pk)
    services.payment_delete(user=request.user, payment=payment)
    messages.success(request, _("The payment is removed. The change history keeps what it was."))
    return redirect("councils:contribution", pk=payment.contribution_id)


# -- spreadsheet import -------------------------------------------------------------------------


def import_template(request, pk, kind):
    """A file to fill in and import: one row per council and year of the agreement."""
    if kind not in services.IMPORT_COLUMNS:
        raise Http404
    _require_manager(request.user)
    agreement = get_object_or_404(FundingAgreement, pk=pk)
    rows = selectors.import_template_rows(user=request.user, agreement=agreement, kind=kind)
    fmt = request.GET.get("export") if request.GET.get("export") in EXPORT_FORMATS else "xlsx"
    sheet = _("Contributions") if kind == services.ImportKind.CONTRIBUTIONS else _("Payments")
    return export_response(fmt, rows, template_columns(kind), f"{kind}-template-{agreement.first_year}", sheet)


def _check_stashed(request, stashed, agreement):
    return services.contributions_import_check(
        user=request.user, agreement=agreement, kind=stashed["kind"], content=stashed["content"],
        filename=stashed["filename"],
    )


def _refused(request, agreement, kind, preview):
    """Back to the upload page with every problem of the file listed (nothing was saved)."""
    drop_upload(request.session, IMPORT_SESSION_KEY)
    form = ImportForm(initial={"agreement": agreement, "kind": kind})
    return render(request, "councils/import_upload.html", {"form": form, "preview": preview})


@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Step 1: upload a file. It is checked as a whole; a file with problems is refused with each one listed."""
    _require_manager(request.user)
    initial = {"kind": services.ImportKind.CONTRIBUTIONS}
    if request.GET.get("agreement", "").isdigit():
        initial["agreement"] = FundingAgreement.objects.filter(pk=request.GET["agreement"]).first()
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload, agreement, kind = form.cleaned_data["file"], form.cleaned_data["agreement"], form.cleaned_data["kind"]
        content = upload.read()
        preview = services.contributions_import_check(
            user=request.user, agreement=agreement, kind=kind, content=content, filename=upload.name,
        )
        if preview.is_valid:
            stash_upload(request.session, IMPORT_SESSION_KEY, content=content, filename=upload.name,
                         agreement=agreement.pk, kind=kind)
            return redirect("councils:import_preview")
    return render(request, "councils/import_upload.html", {"form": form, "preview": preview})


@require_http_methods(["GET", "POST"])
def import_preview(request):
    """Step 2: what the file would change; confirm to apply it all in one transaction."""
    _require_manager(request.user)
    stashed = stashed_upload(request.session, IMPORT_SESSION_KEY)
    agreement = FundingAgreement.objects.filter(pk=stashed["agreement"]).first() if stashed else None
    if agreement is None:
        messages.info(request, _("Upload a file to import first."))
        return redirect("councils:import")
    form = ImportConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["token"] != stashed["token"]:
            messages.error(request, _("That preview is out of date: check this one and confirm again."))
            return redirect("councils:import_preview")
        try:
            applied = services.contributions_import_apply(
                user=request.user, agreement=agreement, kind=stashed["kind"], content=stashed["content"],
                filename=stashed["filename"], expected_plan=form.cleaned_data["plan"],
            )
        except ImportChanged as changed:
            messages.error(request, changed.messages[0])
            return redirect("councils:import_preview")
        except ImportRejected as rejected:
            return _refused(request, agreement, stashed["kind"], rejected.preview)
        drop_upload(request.session, IMPORT_SESSION_KEY)
        messages.success(request, _(
            "%(filename)s is imported: %(created)s added, %(updated)s changed, %(unchanged)s already up to date."
        ) % {"filename": stashed["filename"], "created": applied.created, "updated": applied.updated,
             "unchanged": applied.unchanged})
        return redirect(reverse("councils:agreement", kwargs={"pk": agreement.pk}))
    preview = _check_stashed(request, stashed, agreement)
    if not preview.is_valid:
        return _refused(request, agreement, stashed["kind"], preview)
    confirm = ImportConfirmForm(initial={"token": stashed["token"], "plan": preview.plan_digest})
    return render(request, "councils/import_preview.html", {
        "preview": preview, "form": confirm, "agreement": agreement, "kind": stashed["kind"],
    })
