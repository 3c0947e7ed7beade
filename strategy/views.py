"""Views of the strategy app: parse input, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.exports import export_response
from core.forms import ImportConfirmForm, apply_errors
from core.imports import ImportChanged, ImportRejected, drop_upload, stash_upload, stashed_upload

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




def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


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
            apply_errors(form, error)
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
            apply_errors(form, error)
        else:
            messages.success(request, _("The reading of %(date)s is saved.") % {
                "date": date_format(form.cleaned_data["taken_on"], "j F Y")})
            return redirect("strategy:measure", pk=measure.pk)
    return render(request, "strategy/reading_form.html", {"form": form, "measure": measure, "reading": reading})


@require_http_methods(["GET", "POST"])
def readings_import(request, pk):
    """Step 1: upload a file. It is checked as a whole; a file with problems is refused with each one listed."""
    _require(policies.can_manage_measures(request.user))
    measure = get_object_or_404(Measure, pk=pk)
    form = ReadingsImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        preview = services.readings_import_check(user=request.user, measure=measure, content=content,
                                                 filename=upload.name)
        if preview.is_valid:
            stash_upload(request.session, _import_key(measure), content=content, filename=upload.name)
            return redirect("strategy:readings_import_preview", pk=measure.pk)
    return render(request, "strategy/readings_import.html", {"form": form, "measure": measure, "preview": preview})


@require_http_methods(["GET", "POST"])
def readings_import_preview(request, pk):
    """Step 2: what the file would change; confirm to apply it all in one transaction."""
    _require(policies.can_manage_measures(request.user))
    measure = get_object_or_404(Measure, pk=pk)
    key = _import_key(measure)
    stashed = stashed_upload(request.session, key)
    if stashed is None:
        messages.info(request, _("Upload a file to import first."))
        return redirect("strategy:readings_import", pk=measure.pk)
    form = ImportConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["token"] != stashed["token"]:
            messages.error(request, _("That preview is out of date: check this one and confirm again."))
            return redirect("strategy:readings_import_preview", pk=measure.pk)
        try:
            applied = services.readings_import_apply(
                user=request.user, measure=measure, content=stashed["content"], filename=stashed["filename"],
                expected_plan=form.cleaned_data["plan"],
            )
        except ImportChanged as changed:
            messages.error(request, changed.messages[0])
            return redirect("strategy:readings_import_preview", pk=measure.pk)
        except ImportRejected as rejected:
            drop_upload(request.session, key)
            return render(request, "strategy/readings_import.html", {
                "form": ReadingsImportForm(), "measure": measure, "preview": rejected.preview})
        drop_upload(request.session, key)
        messages.success(request, _(
            "%(filename)s is imported: %(created)s added, %(updated)s changed, %(unchanged)s already up to date."
        ) % {"filename": stashed["filename"], "created": applied.created, "updated": applied.updated,
             "unchanged": applied.unchanged})
        return redirect("strategy:measure", pk=measure.pk)
    preview = services.readings_import_check(user=request.user, measure=measure, content=stashed["content"],
                                             filename=stashed["filename"])
    if not preview.is_valid:
        drop_upload(request.session, key)
        return render(request, "strategy/readings_import.html", {
            "form": ReadingsImportForm(), "measure": measure, "preview": preview})
    confirm = ImportConfirmForm(initial={"token": stashed["token"], "plan": preview.plan_digest})
    return render(request, "strategy/readings_import_preview.html", {
        "preview": preview, "form": confirm, "measure": measure})


def _import_key(measure) -> str:
    return IMPORT_SESSION_KEY.format(pk=measure.pk)


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
            apply_errors(form, error)
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
            apply_errors(form, error)
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
            apply_errors(form, error)
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
            apply_errors(form, error)
        else:
            messages.success(request, _("A council now counts as a digital business from level “%(level)s”.") % {
                "level": form.cleaned_data["level"].name})
            return redirect("strategy:maturity_sector")
    return render(request, "strategy/maturity_threshold.html", {"form": form, "strategy": strategy})
