"""Lessons at every stage gate and at closure. Moving an initiative to its next GDS phase, or closing it, needs a
short record first (what worked, what did not, what we would do again, and the Digital Scotland Service Standard
points where a service was assessed). The record becomes a lessons-learned asset draft of that initiative, and the
initiative moves on through initiatives' own service. The portfolio refuses the change without it: this module's
`stage_gate` is registered in initiatives.gates (practice.receivers), so initiatives never imports practice."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives import services as initiative_services

from .. import policies
from ..models import Asset, Lesson, StandardPoint
from ..reference import STANDARD_CRITERIA
from .assets import asset_create

PHASES = ("proposed", "discovery", "alpha", "beta", "live")
CLOSED = "closed"
REVIEW_AFTER_DAYS = 365


def stage_needs_lessons(old_stage: str, new_stage: str) -> bool:
    """Closing, or moving forward through the GDS phases (a pause, or a step back, is not a gate)."""
    if new_stage == old_stage:
        return False
    if new_stage == CLOSED:
        return True
    return old_stage in PHASES and new_stage in PHASES and PHASES.index(new_stage) > PHASES.index(old_stage)


def _stage_label(initiative, stage) -> str:
    return str(dict(initiative._meta.get_field("stage").choices).get(stage, stage))


def stage_gate(*, initiative, old_stage, new_stage):
    if not stage_needs_lessons(old_stage, new_stage):
        return
    if Lesson.objects.filter(initiative_id=initiative.pk, from_stage=old_stage, to_stage=new_stage,
                             stage_changed=False).exists():
        return
    path = reverse("practice:lessons", kwargs={"reference": initiative.reference, "stage": new_stage})
    raise ValidationError({"stage": _(
        "Before moving %(reference)s from %(old)s to %(new)s, record what it learnt: what worked, what did not "
        "work and what you would do again (and the Digital Scotland Service Standard points, if the service was "
        "assessed). Write it on the lessons page, %(path)s: the initiative moves on when you save it."
    ) % {"reference": initiative.reference, "old": _stage_label(initiative, old_stage),
         "new": _stage_label(initiative, new_stage), "path": path}})


def _body(*, what_worked, what_did_not, do_again, points) -> str:
    names = dict(STANDARD_CRITERIA)
    parts = [f"## {_('What worked')}", what_worked, "", f"## {_('What did not work')}", what_did_not, "",
             f"## {_('What we would do again')}", do_again]
    if points:
        parts += ["", f"## {_('Digital Scotland Service Standard')}", "",
                  f"| {_('Criterion')} | {_('Rating')} | {_('Actions')} |", "|---|---|---|"]
        for criterion, rating, actions in points:
            label = dict(StandardPoint.Rating.choices)[rating]
            cell = " ".join((actions or "").split()).replace("|", "/")
            parts.append(f"| {criterion}. {names[criterion]} | {label} | {cell} |")
    return "\n".join(parts)


@transaction.atomic
def lesson_record(*, user, initiative, to_stage: str, version, what_worked: str, what_did_not: str,
                  do_again: str, points=()) -> Lesson:
    """Record the lessons, draft the lessons-learned asset, and move the initiative to `to_stage`."""
    if not policies.can_record_lessons(user, initiative):
        raise PermissionDenied(_("Only the Digital Office and editors of the lead council move this initiative on."))
    old_stage = initiative.stage
    if not stage_needs_lessons(old_stage, to_stage):
        raise ValidationError(_("Moving from %(old)s to %(new)s is not a stage gate: change the stage on the "
                                "initiative's edit page.") % {"old": _stage_label(initiative, old_stage),
                                                               "new": _stage_label(initiative, to_stage)})
    texts = {"what_worked": what_worked.strip(), "what_did_not": what_did_not.strip(), "do_again": do_again.strip()}
    errors = {}
    messages = {"what_worked": _("Write what worked."), "what_did_not": _("Write what did not work."),
                "do_again": _("Write what you would do again.")}
    for name, text in texts.items():
        if not text:
            errors[name] = messages[name]
    points = [(int(c), r, a) for c, r, a in points]
    if any(r not in StandardPoint.Rating.values for _c, r, _a in points):
        errors["points"] = _("Rate each criterion Red, Amber or Green, or leave it out.")
    if errors:
        raise ValidationError(errors)
    title = _("Lessons from %(reference)s %(title)s: %(old)s to %(new)s") % {
        "reference": initiative.reference, "title": initiative.title, "old": _stage_label(initiative, old_stage),
        "new": _stage_label(initiative, to_stage)}
    summary = _("What %(reference)s learnt from %(old)s to %(new)s.") % {
        "reference": initiative.reference, "old": _stage_label(initiative, old_stage),
        "new": _stage_label(initiative, to_stage)}
    asset = asset_create(
        user=user, council=initiative.lead_council, kind=Asset.Kind.LESSONS, title=title[:200], summary=summary[:150],
        body=_body(points=points, **texts), initiative=initiative, licence="OGL-UK-3.0",
        maturity=Asset.Maturity.STABLE if to_stage == CLOSED else Asset.Maturity.DEVELOPMENT,
        review_by=timezone.localdate() + datetime.timedelta(days=REVIEW_AFTER_DAYS),
        themes=[initiative.theme] if initiative.theme_id else [], outcomes=list(initiative.outcomes.all()),
    )
    lesson = Lesson(initiative=initiative, from_stage=old_stage, to_stage=to_stage, asset=asset,
                    recorded_by=user if getattr(user, "pk", None) else None, **texts)
    lesson.full_clean()
    lesson.save()
    StandardPoint.objects.bulk_create([StandardPoint(lesson=lesson, criterion=c, rating=r, actions=a)
                                       for c, r, a in points])
    initiative_services.initiative_update(user=user, initiative=initiative, version=version, stage=to_stage)
    lesson.stage_changed = True
    lesson.save(update_fields=["stage_changed", "updated_at"])
    return lesson
