"""Pages of the practice library: parse input, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import apply_errors
from core.roles import is_digital_office
from councils.selectors import council_by_slug

from .. import policies, selectors, services
from ..filtersets import AssetFilterSet
from ..forms import AdoptionBenefitsForm, AdoptionForm, AssetForm, FileForm, ReturnForm

SORTS = ("recent", "adopters", "title")


def asset_list(request):
    queryset = selectors.visible_assets(user=request.user)
    filterset = AssetFilterSet(request.GET or None, queryset=queryset)
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "recent"
    assets = selectors.asset_list(user=request.user, queryset=queryset, sort=sort)
    figures = selectors.library_figures(user=request.user)
    return render(request, "practice/list.html", {
        "assets": assets[:200], "form": filterset.form, "sort": sort, "figures": figures,
        "map": selectors.adopters_map(figures),
        "can_create": policies.can_create_any(request.user),
        "can_review": policies.can_review_assets(request.user),
    })


def _asset_form_page(request, form, asset=None):
    return render(request, "practice/form.html", {"form": form, "asset": asset})


@require_http_methods(["GET", "POST"])
def asset_create(request):
    if not policies.can_create_any(request.user):
        raise PermissionDenied(_("Only the Digital Office and council editors add to the library."))
    form = AssetForm(request.POST or None, initial={"review_by": selectors.today().replace(
        year=selectors.today().year + 1, day=min(selectors.today().day, 28))})
    if request.method == "POST" and form.is_valid():
        council = None if is_digital_office(request.user) else request.user.council
        try:
            asset = services.asset_create(user=request.user, council=council, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The draft is saved. Submit it for review when it is ready."))
            return redirect("practice:detail", pk=asset.pk)
    return _asset_form_page(request, form)


def asset_detail(request, pk):
    asset = selectors.asset_get(user=request.user, pk=pk)
    user = request.user
    own = next((a for a in asset.adoptions.all() if a.council_id == getattr(user, "council_id", None)), None)
    return render(request, "practice/detail.html", {
        "asset": asset, "history": selectors.asset_history(asset), "own_adoption": own,
        "can_edit": policies.can_edit_asset(user, asset), "can_submit": policies.can_submit_asset(user, asset),
        "can_review": policies.can_review_asset(user, asset), "can_retire": policies.can_retire_asset(user, asset),
        "can_adopt": policies.can_declare_adoption(user, asset),
        "can_confirm": policies.can_confirm_adoption(user, asset),
        "can_link_benefits": own is not None and policies.can_link_adoption_benefits(user, own),
        # the adopters' benefits the viewer may read (asset_get prefetches only those)
        "adopter_benefits": [(a, b) for a in asset.adoptions.all() for b in a.shown_benefits],
        "experimental": asset.is_listed and not asset.evidence_of_use.strip() and not asset.has_confirmed_use,
    })


@require_http_methods(["GET", "POST"])
def asset_edit(request, pk):
    asset = selectors.asset_for_edit(user=request.user, pk=pk)
    form = AssetForm(request.POST or None, instance=asset)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_update(user=request.user, asset=asset, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The asset is saved."))
            return redirect("practice:detail", pk=asset.pk)
    return _asset_form_page(request, form, asset)


def _act(request, pk, action, done):
    asset = selectors.asset_get(user=request.user, pk=pk)
    try:
        action(user=request.user, asset=asset)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("practice:detail", pk=asset.pk)


@require_POST
def asset_submit(request, pk):
    return _act(request, pk, services.asset_submit, _("The asset is submitted: the Digital Office reviews it."))


@require_POST
def asset_retire(request, pk):
    return _act(request, pk, services.asset_retire, _("The asset is retired: it stays in the library, marked."))


@require_http_methods(["GET", "POST"])
def asset_decide(request, pk):
    """Publish, or return with a comment: the office, never the person who submitted it."""
    asset = selectors.asset_get(user=request.user, pk=pk)
    if not policies.can_review_asset(request.user, asset):
        raise PermissionDenied(_("The Digital Office reviews submitted assets, never one its reviewer submitted."))
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("decision") == "publish":
                services.asset_publish(user=request.user, asset=asset)
                messages.success(request, _("The asset is published in the library."))
            else:
                services.asset_return(user=request.user, asset=asset, comment=form.cleaned_data["comment"])
                messages.success(request, _("The asset is returned to its owner with your comment."))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("practice:review")
    return render(request, "practice/decide.html", {"asset": asset, "form": form, "title": _("Review")})


def review(request):
    return render(request, "practice/review.html", selectors.review_lists(user=request.user))


def council(request, slug):
    found = council_by_slug(slug)
    if found is None or not policies.can_read_library(request.user):
        raise Http404
    return render(request, "practice/council.html", {"council": found})


@require_http_methods(["GET", "POST"])
def file_add(request, pk):
    asset = selectors.asset_for_edit(user=request.user, pk=pk)
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_file_add(user=request.user, asset=asset, upload=form.cleaned_data["file"],
                                    title=form.cleaned_data["title"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The file is kept with the asset."))
            return redirect("practice:detail", pk=asset.pk)
    return render(request, "practice/file_form.html", {"form": form, "asset": asset, "title": _("Add a file"),
                                                       "multipart": True})


def file_download(request, pk, file_pk):
    kept = selectors.file_get(user=request.user, pk=pk, file_pk=file_pk)
    try:
        handle = kept.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=kept.file.name.rsplit("/", 1)[-1],
                        content_type=kept.content_type)


@require_http_methods(["GET", "POST"])
def adopt(request, pk):
    asset = selectors.asset_get(user=request.user, pk=pk)
    if not policies.can_declare_adoption(request.user, asset):
        raise PermissionDenied(_("Only an editor of another council declares, for their own council, that it "
                                 "reuses a published asset."))
    current = next((a for a in asset.adoptions.all() if a.council_id == request.user.council_id), None)
    form = AdoptionForm(request.POST or None, initial={"state": current.state if current else "",
                                                      "reason": current.reason if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.adoption_declare(user=request.user, asset=asset, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your council's use is recorded; the owner is asked to confirm it."))
            return redirect("practice:detail", pk=asset.pk)
    return render(request, "practice/adopt.html", {"form": form, "asset": asset, "title": _("We use this")})


def _adoption(request, pk, adoption_pk):
    asset = selectors.asset_get(user=request.user, pk=pk)
    adoption = next((a for a in asset.adoptions.all() if a.pk == adoption_pk), None)
    if adoption is None:
        raise Http404
    return asset, adoption


@require_POST
def adoption_confirm(request, pk, adoption_pk):
    asset, adoption = _adoption(request, pk, adoption_pk)
    try:
        services.adoption_confirm(user=request.user, adoption=adoption)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(council)s's use is confirmed.") % {"council": adoption.council.name})
    return redirect("practice:detail", pk=asset.pk)


@require_POST
def adoption_reconfirm(request, pk, adoption_pk):
    asset, adoption = _adoption(request, pk, adoption_pk)
    try:
        services.adoption_reconfirm(user=request.user, adoption=adoption)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your council still uses it: thank you, that is recorded for a year."))
    return redirect("practice:detail", pk=asset.pk)


@require_http_methods(["GET", "POST"])
def adoption_benefits(request, pk, adoption_pk):
    """The adopting council's editor says which of its own benefits reusing the asset brings."""
    asset, adoption = _adoption(request, pk, adoption_pk)
    if not policies.can_link_adoption_benefits(request.user, adoption):
        raise PermissionDenied(_("Only an editor of the adopting council links its benefits."))
    choices = list(selectors.adoption_benefit_choices(adoption))
    form = AdoptionBenefitsForm(request.POST or None, choices=choices,
                                initial={"benefits": [str(b.pk) for b in adoption.shown_benefits]})
    if request.method == "POST" and form.is_valid():
        try:
            services.adoption_benefits_set(user=request.user, adoption=adoption,
                                           benefit_ids=form.cleaned_data["benefits"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The benefits your council realises by reusing it are saved."))
            return redirect(reverse("practice:detail", kwargs={"pk": asset.pk}) + "#adopter-benefits")
    return render(request, "practice/adoption_benefits.html", {
        "form": form, "asset": asset, "title": _("Benefits of reusing it"), "has_choices": bool(choices)})
