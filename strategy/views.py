"""Views of the strategy app: parse input, call one service or selector, render."""

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from digital_office.exports import export_response

from . import policies, selectors, services
from .exports import maturity_assessment_columns
from .filtersets import MaturityAssessmentFilterSet
from .forms import (
    AssessmentForm,
    DimensionForm,
    LevelForm,
    MeasureForm,
    ReadingForm,
    ReadingsImportForm,
    ThresholdForm,
)
from .models import MaturityDimension, MaturityLevel, Measure, MeasureReading

PAGE_SIZE = 25
IMPORT_SESSION_KEY = "strategy-readings-import-{pk}"
PROBLEMS_IN_SUMMARY = 50


def _apply_errors(form, error: ValidationError):
    """Put a service's ValidationError on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


# -- strategy and outcomes --------------------------------------------------------------------


def overview(request):
    context = selectors.strategy_overview(user=request.user)
    context["can_manage_measures"] = policies.can_manage_measures(request.user)
    return render(request, "strategy/overview.html", context)


def coverage(request):
    return render(request, "strategy/coverage.html", selectors.strategy_coverage(user=request.user))


# -- measures and readings --------------------------------------------------------------------


def measure_detail(request, pk):
    context = selectors.measure_detail(user=request.user, pk=pk)
    context["can_manage_measures"] = policies.can_manage_measures(request.user)
    return render(request, "strategy/measure_detail.html", context)


@require_http_methods(["GET", "POST"])
def measure_edit(request, pk=None):
    _require(policies.can_manage_measures(request.user))
    measure = get_object_or_404(Measure, pk=pk) if pk else None
    if measure:
        initial = MeasureForm.initial_from(measure)
    else:
        initial = {"higher_is_better": True, "outcome": selectors.outcome_by_number(request.GET.get("outcome", ""))}
    form = MeasureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if measure:
                measure = services.measure_update(user=request.user, measure=measure, **form.cleaned_data)
            else:
                measure = services.measure_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The measure “%(title)s” is saved.") % {"title": measure.title})
            return redirect("strategy:measure", pk=measure.pk)
    return render(request, "strategy/measure_form.html", {"form": form, "measure": measure})


@require_http_methods(["GET", "POST"])
def reading_edit(request, pk, reading_pk=None):
    _require(policies.can_manage_measures(request.user))
    measure = get_object_or_404(Measure, pk=pk)
    reading = get_object_or_404(MeasureReading, pk=reading_pk, measure=measure) if reading_pk else None
    initial = {name: getattr(reading, name) for name in ("council", "taken_on", "value", "note")} if reading else {}
    form = ReadingForm(request.POST or None, initial=initial, unit=measure.unit)
    if request.method == "POST" and form.is_valid():
        try:
            if reading:
                services.reading_update(user=request.user, reading=reading, **form.cleaned_data)
            else:
                services.reading_record(user=request.user, measure=measure, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The reading of %(date)s is saved.") % {
                "date": date_format(form.cleaned_data["taken_on"], "j F Y")})
            return redirect("strategy:measure", pk=measure.pk)
    return render(request, "strategy/reading_form.html", {"form": form, "measure": measure, "reading": reading})


@require_http_methods(["GET", "POST"])
def readings_import(request, pk):
    """Upload and check: show every problem (nothing saved), or a preview to apply."""
    _require(policies.can_manage_measures(request.user))
    measure = get_object_or_404(Measure, pk=pk)
    form = ReadingsImportForm(request.POST or None, request.FILES or None)
    check = None
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        check = services.readings_import_check(user=request.user, measure=measure, content=content)
        if check.ok:
            token = secrets.token_urlsafe(16)
            request.session[IMPORT_SESSION_KEY.format(pk=measure.pk)] = {
                "token": token, "content": services.decode_upload(content)}
            counts = {action: check.count(action) for action in ("new", "change", "same")}
            return render(request, "strategy/readings_import.html", {
                "form": None, "measure": measure, "check": check, "token": token, "counts": counts})
        form.add_error("file", ngettext(
            "The file has %(count)s problem: nothing was saved. Fix it and upload the file again.",
            "The file has %(count)s problems: nothing was saved. Fix them and upload the file again.",
            len(check.problems)) % {"count": len(check.problems)})
        for problem in check.problems[:PROBLEMS_IN_SUMMARY]:
            form.add_error(None, str(problem))
        if len(check.problems) > PROBLEMS_IN_SUMMARY:
            form.add_error(None, _("…and %(count)s more problems, listed below.") % {
                "count": len(check.problems) - PROBLEMS_IN_SUMMARY})
    return render(request, "strategy/readings_import.html", {"form": form, "measure": measure, "check": check})


@require_POST
def readings_import_apply(request, pk):
    _require(policies.can_manage_measures(request.user))
    measure = get_object_or_404(Measure, pk=pk)
    stored = request.session.get(IMPORT_SESSION_KEY.format(pk=measure.pk))
    if not stored or not secrets.compare_digest(stored["token"], request.POST.get("token", "")):
        messages.error(request, _("That upload has expired or was already applied: upload the file again."))
        return redirect("strategy:readings_import", pk=measure.pk)
    try:
        check = services.readings_import_apply(user=request.user, measure=measure, content=stored["content"])
    except ValidationError:
        messages.error(request, _("The readings changed since the file was checked, and it no longer applies: "
                                  "nothing was saved. Upload it again to see why."))
        return redirect("strategy:readings_import", pk=measure.pk)
    del request.session[IMPORT_SESSION_KEY.format(pk=measure.pk)]
    messages.success(request, _("Readings imported: %(new)s new, %(changed)s changed, %(same)s unchanged.") % {
        "new": check.count("new"), "changed": check.count("change"), "same": check.count("same")})
    return redirect("strategy:measure", pk=measure.pk)


# -- digital maturity -------------------------------------------------------------------------


def _export_assessments(fmt, queryset, filename):
    dimensions = selectors.maturity_dimensions()
    rows = selectors.maturity_assessments_for_export(queryset)
    return export_response(fmt, rows, maturity_assessment_columns(dimensions), filename, _("Maturity assessments"))


def maturity(request):
    """Assessments the person may read (every council's for the Digital Office, their own council's
    for council staff), with filters, search and downloads that only ever narrow that set."""
    visible = selectors.maturity_assessment_list(user=request.user)
    filterset = MaturityAssessmentFilterSet(request.GET or None, queryset=visible, request=request)
    queryset = visible
    if filterset.is_bound:
        queryset = filterset.qs if filterset.is_valid() else visible.none()
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export_assessments(export, queryset, "maturity-assessments")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "strategy/maturity.html", {
        **selectors.maturity_overview(user=request.user),
        "form": filterset.form, "page": page, "result_count": page.paginator.count,
        "can_record": policies.can_record_maturity(request.user),
    })


def maturity_council(request, slug):
    context = selectors.maturity_council_progress(user=request.user, slug=slug)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        visible = selectors.maturity_assessments_visible_to(request.user)
        queryset = visible.filter(council=context["council"]).order_by("assessed_on")
        return _export_assessments(export, queryset, f"maturity-{context['council'].slug}")
    context["can_record"] = policies.can_record_maturity(request.user)
    return render(request, "strategy/maturity_council.html", context)


def maturity_sector(request):
    context = selectors.maturity_sector(user=request.user)
    context["can_record"] = policies.can_record_maturity(request.user)
    return render(request, "strategy/maturity_sector.html", context)


def maturity_assessment(request, pk):
    context = selectors.maturity_assessment_detail(user=request.user, pk=pk)
    context["can_record"] = policies.can_record_maturity(request.user)
    return render(request, "strategy/maturity_assessment.html", context)


@require_http_methods(["GET", "POST"])
def assessment_edit(request, pk=None):
    assessment = None
    if pk:
        # A 404 for someone who may not even see it (another council's), before the 403 for not recording.
        assessment = selectors.maturity_assessment_get(user=request.user, pk=pk)
    _require(policies.can_record_maturity(request.user))
    dimensions, levels = selectors.maturity_dimensions(), selectors.maturity_levels()
    if assessment:
        initial = AssessmentForm.initial_from(assessment)
    else:
        councils = selectors.maturity_councils_visible_to(request.user)
        initial = {"council": councils.filter(gss_code=request.GET.get("council", "")).first()}
    form = AssessmentForm(request.POST or None, initial=initial, dimensions=dimensions, levels=levels,
                          council_locked=bool(assessment))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {"assessed_on": data["assessed_on"], "overall_level": data["overall_level"],
                  "levels": form.levels(), "notes": data["notes"]}
        try:
            if assessment:
                saved = services.assessment_update(user=request.user, assessment=assessment, **fields)
            else:
                saved = services.assessment_record(user=request.user, council=data["council"], **fields)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The assessment of %(council)s on %(date)s is saved.") % {
                "council": saved.council.name, "date": date_format(saved.assessed_on, "j F Y")})
            return redirect("strategy:maturity_assessment", pk=saved.pk)
    return render(request, "strategy/maturity_assessment_form.html", {
        "form": form, "assessment": assessment, "levels": levels})


def maturity_model(request):
    _require(policies.can_record_maturity(request.user))
    return render(request, "strategy/maturity_model.html", {
        "dimensions": selectors.maturity_dimensions(), "levels": selectors.maturity_levels(),
    })


@require_http_methods(["GET", "POST"])
def dimension_edit(request, pk=None):
    _require(policies.can_record_maturity(request.user))
    dimension = get_object_or_404(MaturityDimension, pk=pk) if pk else None
    form = DimensionForm(request.POST or None, initial=DimensionForm.initial_from(dimension) if dimension else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.maturity_dimension_save(user=request.user, dimension=dimension, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The dimension “%(name)s” is saved.") % {"name": form.cleaned_data["name"]})
            return redirect("strategy:maturity_model")
    return render(request, "strategy/maturity_model_form.html", {"form": form, "item": dimension, "kind": "dimension"})


@require_http_methods(["GET", "POST"])
def level_edit(request, pk=None):
    _require(policies.can_record_maturity(request.user))
    level = get_object_or_404(MaturityLevel, pk=pk) if pk else None
    form = LevelForm(request.POST or None, initial=LevelForm.initial_from(level) if level else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.maturity_level_save(user=request.user, level=level, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The level “%(name)s” is saved.") % {"name": form.cleaned_data["name"]})
            return redirect("strategy:maturity_model")
    return render(request, "strategy/maturity_model_form.html", {"form": form, "item": level, "kind": "level"})


@require_http_methods(["GET", "POST"])
def maturity_threshold(request):
    _require(policies.can_record_maturity(request.user))
    strategy = selectors.strategy_current()
    form = ThresholdForm(request.POST or None, initial={"level": strategy.digital_business_level})
    if request.method == "POST" and form.is_valid():
        try:
            services.maturity_threshold_set(user=request.user, strategy=strategy, level=form.cleaned_data["level"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("A council now counts as a digital business from level “%(level)s”.") % {
                "level": form.cleaned_data["level"].name})
            return redirect("strategy:maturity_sector")
    return render(request, "strategy/maturity_threshold.html", {"form": form, "strategy": strategy})
