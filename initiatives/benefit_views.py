"""Pages of the benefits register (issue 26): parse, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import applied_filters, apply_errors

from . import benefit_services, policies, selectors
from .benefit_forms import BenefitStatusForm, RealisationForm, ShareFormSet
from .benefit_models import Benefit, BenefitRealisation
from .filtersets import BenefitFilterSet

PAGE_SIZE = 50


def _require_reader(user):
    if not policies.can_read_portfolio(user):
        raise PermissionDenied(_("Your account has no role in the portal yet: ask the Digital Office."))


def _benefit(user, pk) -> Benefit:
    _require_reader(user)
    try:
        return selectors.benefit_detail(pk)
    except Benefit.DoesNotExist as error:
        raise Http404 from error


def _to_detail(benefit, anchor=""):
    return redirect(reverse("benefits:detail", kwargs={"pk": benefit.pk}) + anchor)


@require_GET
def register(request):
    """The portfolio's benefits register: filters, targeted against realised per financial year, dis-benefits
    against benefits, realised by evidence grade, and the reviews due after closure."""
    _require_reader(request.user)
    filterset = BenefitFilterSet(request.GET or None, queryset=selectors.benefit_list())
    valid = filterset.is_bound and filterset.is_valid()
    queryset = filterset.qs if valid else selectors.benefit_list()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "initiatives/benefits/register.html", {
        "form": filterset.form,
        "page": page,
        "result_count": page.paginator.count,
        "figures": selectors.benefit_figures(queryset),
        "reviews": selectors.benefit_reviews_open(),
        "applied": applied_filters(filterset.form, request.GET) if filterset.is_bound else [],
    })


@require_GET
def detail(request, pk):
    benefit = _benefit(request.user, pk)
    user = request.user
    realisations = list(benefit.realisations.all())
    return render(request, "initiatives/benefits/detail.html", {
        "benefit": benefit,
        "initiative": benefit.initiative,
        "realisations": [(r, policies.can_confirm_realisation(user, r) and not r.confirmed,
                          policies.can_audit_realisation(user) and r.grade != BenefitRealisation.Grade.AUDITED)
                         for r in realisations],
        "shares_total": sum((s.percent for s in benefit.shares.all()), 0),
        "can_set_shares": policies.can_set_benefit_shares(user, benefit),
        "can_change_status": policies.can_change_benefit_status(user, benefit),
        "can_record": bool(_realisation_councils(user, benefit)) or policies.can_record_realisation(user, benefit,
                                                                                                    None),
        "can_read_evidence": policies.can_read_benefit_evidence(user, benefit),
    })


def _share_councils(benefit):
    return selectors.council_choices_for(benefit.initiative)


@require_http_methods(["GET", "POST"])
def shares(request, pk):
    benefit = _benefit(request.user, pk)
    if not policies.can_set_benefit_shares(request.user, benefit):
        raise PermissionDenied
    councils = _share_councils(benefit)
    initial = [{"council": s.council, "percent": s.percent} for s in benefit.shares.all()]
    initial += [{}] * 3
    formset = ShareFormSet(request.POST or None, initial=None if request.POST else initial, prefix="shares",
                           form_kwargs={"councils": councils})
    if request.method == "POST" and formset.is_valid():
        try:
            benefit_services.benefit_shares_set(user=request.user, benefit=benefit, shares=formset.shares())
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("The councils' shares are saved."))
            return _to_detail(benefit, "#shares")
    return render(request, "initiatives/benefits/shares.html", {"benefit": benefit, "formset": formset})


def _realisation_councils(user, benefit):
    ids = [pk for pk in policies.benefit_council_ids(benefit) if policies.can_record_realisation(user, benefit, pk)]
    return selectors.council_choices_for(benefit.initiative).filter(pk__in=ids)


@require_http_methods(["GET", "POST"])
def realisation_new(request, pk):
    benefit = _benefit(request.user, pk)
    councils = _realisation_councils(request.user, benefit)
    if not councils.exists() and not policies.can_record_realisation(request.user, benefit, None):
        raise PermissionDenied
    form = RealisationForm(request.POST or None, request.FILES or None, councils=councils,
                           initial={"council": councils.first()} if councils.count() == 1 else None)
    if not policies.can_record_realisation(request.user, benefit, None):
        form.fields["council"].required = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            benefit_services.realisation_record(
                user=request.user, benefit=benefit, council=data["council"], recorded_on=data["recorded_on"],
                value=data["value"], grade=data["grade"], evidence_note=data["evidence_note"],
                evidence_file=request.FILES.get("evidence_file"), evidence_link=data["evidence_link"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The realisation is recorded."))
            return _to_detail(benefit, "#realisations")
    return render(request, "initiatives/benefits/realisation_form.html", {"benefit": benefit, "form": form})


def _realisation(request, pk, realisation_pk):
    benefit = _benefit(request.user, pk)
    return benefit, get_object_or_404(BenefitRealisation.objects.select_related("council"), pk=realisation_pk,
                                      benefit=benefit)


@require_POST
def realisation_confirm(request, pk, realisation_pk):
    benefit, realisation = _realisation(request, pk, realisation_pk)
    benefit_services.realisation_confirm(user=request.user, realisation=realisation)
    messages.success(request, _("The realisation is confirmed."))
    return _to_detail(benefit, "#realisations")


@require_POST
def realisation_audit(request, pk, realisation_pk):
    benefit, realisation = _realisation(request, pk, realisation_pk)
    try:
        benefit_services.realisation_audit(user=request.user, realisation=realisation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The realisation is marked audited."))
    return _to_detail(benefit, "#realisations")


@require_GET
def realisation_evidence(request, pk, realisation_pk):
    benefit, realisation = _realisation(request, pk, realisation_pk)
    if not policies.can_read_benefit_evidence(request.user, benefit) or not realisation.evidence_file:
        raise Http404
    try:
        handle = realisation.evidence_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=realisation.evidence_file.name.rsplit("/", 1)[-1])


@require_http_methods(["GET", "POST"])
def status(request, pk):
    benefit = _benefit(request.user, pk)
    if not policies.can_change_benefit_status(request.user, benefit):
        raise PermissionDenied
    form = BenefitStatusForm(request.POST or None, benefit=benefit,
                             initial={"status": benefit.status, "reason": benefit.status_reason,
                                      "superseded_by": benefit.superseded_by})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            benefit_services.benefit_status_set(user=request.user, benefit=benefit, status=data["status"],
                                                reason=data["reason"], superseded_by=data["superseded_by"])
        except ValidationError as error:
            apply_errors(form, error, renamed={"status_reason": "reason"})
        else:
            messages.success(request, _("The benefit's status is saved."))
            return _to_detail(benefit)
    return render(request, "initiatives/benefits/status_form.html", {"benefit": benefit, "form": form})
