"""Recording lessons at a stage gate or at closure; the initiative moves on when they are saved."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import apply_errors
from initiatives.services import StaleEdit

from .. import policies, selectors, services
from ..forms import LessonForm


@require_http_methods(["GET", "POST"])
def lesson_record(request, reference, stage):
    initiative = selectors.lesson_initiative(user=request.user, reference=reference)
    if not policies.can_record_lessons(request.user, initiative):
        raise PermissionDenied(_("Only the Digital Office and editors of the lead council move this initiative on."))
    form = LessonForm(request.POST or None, initial={"version": initiative.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_record(
                user=request.user, initiative=initiative, to_stage=stage, version=form.cleaned_data["version"],
                what_worked=form.cleaned_data["what_worked"], what_did_not=form.cleaned_data["what_did_not"],
                do_again=form.cleaned_data["do_again"], points=form.points())
        except StaleEdit as stale:
            messages.error(request, str(stale))
            return redirect("initiatives:detail", reference=initiative.reference)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The lessons are recorded as a draft in the practice library, and "
                                        "%(reference)s has moved on.") % {"reference": initiative.reference})
            return redirect("initiatives:detail", reference=initiative.reference)
    stages = dict(initiative._meta.get_field("stage").choices)
    return render(request, "practice/lessons.html", {
        "form": form, "initiative": initiative, "stage": stage, "stage_label": stages.get(stage, stage),
        "is_gate": services.stage_needs_lessons(initiative.stage, stage),
    })
