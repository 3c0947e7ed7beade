"""The initiative pages: list, detail, create, edit, joining, reopening a period, the registers, and the
portfolio by outcome (the strategy pages, mounted under /strategy/ by the project's urls)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exports import export_response
from core.forms import applied_filters, apply_errors
from strategy import policies as strategy_policies

from .. import policies, selectors, services
from ..exports import INITIATIVE_COLUMNS
from ..filtersets import InitiativeFilterSet
from ..forms import (
    BenefitForm,
    InitiativeForm,
    JoinDecisionForm,
    JoinForm,
    MilestoneForm,
    ReopenPeriodForm,
    RiskForm,
)
from ..models import Benefit, Initiative, JoinRequest, Milestone, Risk
from .common import PAGE_SIZE, _require_reader, _stale


def initiative_list(request):
    _require_reader(request.user)
    filterset = InitiativeFilterSet(request.GET or None, queryset=selectors.initiative_list(user=request.user))
    queryset = (
        filterset.qs if filterset.is_bound and filterset.is_valid() else selectors.initiative_list(user=request.user)
    )
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return export_response(
            export,
            queryset.iterator(chunk_size=500) if export == "csv" else queryset,
            INITIATIVE_COLUMNS,
            "initiatives",
            _("Initiatives"),
        )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "initiatives/list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "can_create": policies.can_create_initiative(request.user),
            "result_count": page.paginator.count,
            "applied": applied_filters(filterset.form, request.GET) if filterset.is_bound else [],
        },
    )


def initiative_detail(request, reference):
    _require_reader(request.user)
    initiative, updates = selectors.initiative_detail(user=request.user, reference=reference)
    user = request.user
    period = selectors.open_period()
    can_decide = policies.can_decide_join_requests(user, initiative)
    can_reopen = policies.can_reopen_period(user)
    writable_periods = selectors.writable_periods(initiative, current=period)
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "join_requests": selectors.join_requests_pending(initiative) if can_decide else [],
            "reopen_period": selectors.last_closed_period() if can_reopen else None,
            "reopen_form": ReopenPeriodForm() if can_reopen else None,
            "to_write": selectors.updates_to_write(
                user=user, initiative=initiative, updates=updates, open_period=period, writable_periods=writable_periods
            ),
            "current": initiative.current_update,
            "pending": selectors.pending_update(updates, initiative.current_update),
            "spend_share": selectors.spend_share(initiative),
            "trend": selectors.rag_trend(updates),
            "updates": updates,
            "history": selectors.change_history(initiative),
            "open_period": period,
            "open_update": next((u for u in updates if period and u.period_id == period.pk), None),
            "can_edit": policies.can_edit_initiative(user, initiative),
            "can_keep_registers": policies.can_keep_registers(user, initiative),
            "can_join": policies.can_join_initiative(user, initiative),
            "can_draft": policies.can_draft_update(user, initiative),
            "can_review": policies.can_review_updates(user),
            "benefit_review": selectors.benefit_reviews_open(initiative_ids=[initiative.pk]).first(),
        },
    )


@require_http_methods(["GET", "POST"])
def initiative_create(request):
    if not policies.can_create_initiative(request.user):
        raise PermissionDenied
    council = request.user.council
    form = InitiativeForm(
        request.POST or None,
        initial={"lead_council": council, "stage": "proposed"},
        lead_council_locked=council is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            initiative = services.initiative_create(user=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Initiative %(ref)s created.") % {"ref": initiative.reference})
            return redirect("initiatives:detail", reference=initiative.reference)
    return render(request, "initiatives/form.html", {"form": form, "initiative": None})


@require_http_methods(["GET", "POST"])
def initiative_edit(request, reference):
    initiative = get_object_or_404(Initiative.objects.select_related("lead_council"), reference=reference)
    if not policies.can_edit_initiative(request.user, initiative):
        raise PermissionDenied
    initial = {name: getattr(initiative, name) for name in services.INITIATIVE_EDITABLE}
    initial.update(
        version=initiative.version,
        lead_council=initiative.lead_council,
        outcomes=initiative.outcomes.all(),
        partners=initiative.partners.all(),
    )
    form = InitiativeForm(request.POST or None, initial=initial, lead_council_locked=True)
    changes = []
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.INITIATIVE_EDITABLE}
        try:
            services.initiative_update(
                user=request.user,
                initiative=initiative,
                version=form.cleaned_data["version"],
                outcomes=form.cleaned_data["outcomes"],
                partners=form.cleaned_data["partners"],
                **data,
            )
        except services.StaleEdit as stale:
            changes = _stale(request, form, stale)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your changes to %(ref)s are saved.") % {"ref": initiative.reference})
            return redirect("initiatives:detail", reference=initiative.reference)
    return render(request, "initiatives/form.html", {"form": form, "initiative": initiative, "changes": changes})


@require_http_methods(["GET", "POST"])
def initiative_join(request, reference):
    initiative = get_object_or_404(Initiative, reference=reference)
    if not policies.can_join_initiative(request.user, initiative):
        raise PermissionDenied
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(user=request.user, initiative=initiative, role=form.cleaned_data["role"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(council)s has asked to join %(ref)s. The lead council or the Digital Office will decide.")
                % {"council": request.user.council, "ref": reference},
            )
            return redirect("initiatives:detail", reference=reference)
    return render(request, "initiatives/join.html", {"form": form, "initiative": initiative})


@require_POST
def join_request_decide(request, reference, pk):
    join_request = get_object_or_404(JoinRequest.objects.select_related("initiative"), pk=pk,
                                     initiative__reference=reference)
    if not policies.can_decide_join_requests(request.user, join_request.initiative):
        raise PermissionDenied
    form = JoinDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or refuse the request."))
        return redirect(reverse("initiatives:detail", kwargs={"reference": reference}) + "#councils")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.join_request_decide(user=request.user, join_request=join_request, accept=accept)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = _("%(council)s now takes part.") if accept else _("The request from %(council)s is refused.")
        messages.success(request, text % {"council": join_request.council})
    return redirect(reverse("initiatives:detail", kwargs={"reference": reference}) + "#councils")


@require_POST
def period_reopen(request, reference):
    initiative = get_object_or_404(Initiative, reference=reference)
    if not policies.can_reopen_period(request.user):
        raise PermissionDenied
    form = ReopenPeriodForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        reopening = services.period_reopen(user=request.user, initiative=initiative, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(period)s is reopened for %(ref)s: its update can be written and submitted.")
            % {"period": reopening.period.label, "ref": reference},
        )
    return redirect(reverse("initiatives:detail", kwargs={"reference": reference}) + "#updates")


REGISTERS = {
    "milestone": (Milestone, MilestoneForm, _("milestone")),
    "risk": (Risk, RiskForm, _("risk")),
    "benefit": (Benefit, BenefitForm, _("benefit")),
}


@require_http_methods(["GET", "POST"])
def register_item_edit(request, reference, kind, pk=None):
    if kind not in REGISTERS:
        raise Http404
    model, form_class, noun = REGISTERS[kind]
    initiative = get_object_or_404(Initiative, reference=reference)
    if not policies.can_keep_registers(request.user, initiative):
        raise PermissionDenied
    item = get_object_or_404(model, pk=pk, initiative=initiative) if pk else None
    extra = {}
    if kind == "benefit":
        extra = {
            "councils": selectors.benefit_councils(user=request.user, initiative=initiative),
        }
    form = form_class(request.POST or None, instance=item, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_item_save(
                user=request.user, initiative=initiative, kind=kind, instance=item, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The %(noun)s is saved.") % {"noun": noun})
            return redirect(reverse("initiatives:detail", kwargs={"reference": reference}) + f"#{kind}s")
    return render(
        request,
        "initiatives/register_form.html",
        {"form": form, "initiative": initiative, "item": item, "noun": noun, "kind": kind},
    )


@require_POST
def register_item_delete(request, reference, kind, pk):
    if kind not in REGISTERS:
        raise Http404
    model, _form, noun = REGISTERS[kind]
    item = get_object_or_404(model.objects.select_related("initiative"), pk=pk, initiative__reference=reference)
    services.register_item_delete(user=request.user, item=item)
    messages.success(request, _("The %(noun)s is deleted.") % {"noun": noun})
    return redirect(reverse("initiatives:detail", kwargs={"reference": reference}) + f"#{kind}s")


# -- the portfolio by outcome (the strategy pages; mounted under /strategy/ by the project's urls) -------------


def strategy_overview(request):
    context = selectors.strategy_overview(user=request.user)
    context["can_manage_measures"] = strategy_policies.can_manage_measures(request.user)
    return render(request, "strategy/overview.html", context)


def strategy_coverage(request):
    return render(request, "strategy/coverage.html", selectors.strategy_coverage(user=request.user))
