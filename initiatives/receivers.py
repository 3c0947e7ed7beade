"""The partner API's change feed (core.changes): the portfolio, with what each record embeds. Progress updates
enter the feed only when they are approved or stop being approved (partners never see the others). Connected in
apps.ready()."""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from core.changes import (
    DELETE,
    changed_fields,
    remember_before_save,
    renew_on_writes,
    touch_and_record,
    track,
    track_embedded,
    value_before_save,
)
from core.services import change_record
from councils import events as councils_events
from strategy import events as strategy_events

from .models import Benefit, Initiative, Milestone, Participation, ProgressUpdate, Report, ReportingPeriod, Risk

INITIATIVE = "initiative"
MILESTONE = "milestone"
UPDATE = "update"
RISK = "risk"
BENEFIT = "benefit"
REPORT = "report"
KINDS = (INITIATIVE, MILESTONE, UPDATE, RISK, BENEFIT, REPORT)
APPROVED = ProgressUpdate.State.APPROVED


def _unapproved_throughout(update) -> bool:
    """A draft saved, an update submitted or returned, an unapproved one deleted: no approved figure changed."""
    return update.state != APPROVED and value_before_save(update, "state") != APPROVED


renew_on_writes("initiatives", workflow_only={ProgressUpdate: _unapproved_throughout})
track(Initiative, INITIATIVE)
track(Milestone, MILESTONE)
track(Risk, RISK)
track(Benefit, BENEFIT)
track(Report, REPORT)
track_embedded(Participation, "initiative_id", Initiative, INITIATIVE)  # an initiative serves its participants

remember_before_save(Initiative, ["reference"])
remember_before_save(ProgressUpdate, ["state"])
remember_before_save(ReportingPeriod, ["starts_on", "ends_on"])


def initiatives_touch(queryset):
    touch_and_record(queryset, INITIATIVE)


def approved_updates(**lookups):
    return ProgressUpdate.objects.filter(state=APPROVED, **lookups)


@receiver(post_save, sender=Initiative, dispatch_uid="initiatives.initiative_embedded")
def initiative_saved(sender, instance, **kwargs):
    if changed_fields(instance):  # milestones, updates, risks and benefits name their initiative by reference
        for model, kind in ((Milestone, MILESTONE), (Risk, RISK), (Benefit, BENEFIT)):
            touch_and_record(model.objects.filter(initiative=instance), kind)
        touch_and_record(approved_updates(initiative=instance), UPDATE)


@receiver(m2m_changed, sender=Initiative.outcomes.through, dispatch_uid="initiatives.initiative_outcomes")
@receiver(m2m_changed, sender=Initiative.partners.through, dispatch_uid="initiatives.initiative_partners")
def initiative_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """An initiative serves its outcomes' numbers and its partners' slugs."""
    if action == "pre_clear" and reverse:
        instance._initiatives_before_clear = list(instance.initiatives.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        ids = [instance.pk]
    elif action == "post_clear":
        ids = getattr(instance, "_initiatives_before_clear", [])
    else:
        ids = pk_set or []
    initiatives_touch(Initiative.objects.filter(pk__in=ids))


@receiver(post_save, sender=ProgressUpdate, dispatch_uid="initiatives.update_saved")
def update_saved(sender, instance, **kwargs):
    """Partners see approved updates only: an update enters the feed when it is approved, and when it stops being
    approved (served then as a delete). Its initiative's current status may be this update."""
    if instance.state == APPROVED or value_before_save(instance, "state") == APPROVED:
        change_record(kind=UPDATE, ids=[instance.pk])
        initiatives_touch(Initiative.objects.filter(pk=instance.initiative_id))


@receiver(post_delete, sender=ProgressUpdate, dispatch_uid="initiatives.update_deleted")
def update_deleted(sender, instance, **kwargs):
    if instance.state == APPROVED:
        change_record(kind=UPDATE, ids=[instance.pk], operation=DELETE)
        initiatives_touch(Initiative.objects.filter(pk=instance.initiative_id))


@receiver(post_save, sender=ReportingPeriod, dispatch_uid="initiatives.period_embedded")
def period_saved(sender, instance, **kwargs):
    """Updates, reports and initiatives' current status show their period's dates."""
    if changed_fields(instance):
        touch_and_record(approved_updates(period=instance), UPDATE)
        touch_and_record(Report.objects.filter(period=instance), REPORT)
        initiatives_touch(Initiative.objects.filter(current_update__period=instance))


@receiver(councils_events.council_changed, dispatch_uid="initiatives.council_embedded")
def council_changed(sender, council_id, fields, **kwargs):
    """Initiatives show their councils' codes and names; updates, benefits and reports their council's code."""
    involved = Q(lead_council_id=council_id) | Q(participations__council_id=council_id)
    initiatives_touch(Initiative.objects.filter(involved))
    if "gss_code" in fields:
        touch_and_record(approved_updates(council_id=council_id), UPDATE)
        # a benefit names its council, the councils of its shares and of its realisations
        touch_and_record(Benefit.objects.filter(Q(council_id=council_id) | Q(shares__council_id=council_id)
                                                | Q(realisations__council_id=council_id)).distinct(), BENEFIT)
        touch_and_record(Report.objects.filter(council_id=council_id), REPORT)


@receiver(councils_events.partner_changed, dispatch_uid="initiatives.partner_embedded")
def partner_changed(sender, partner_id, fields, **kwargs):
    initiatives_touch(Initiative.objects.filter(partners=partner_id))


@receiver(strategy_events.theme_changed, dispatch_uid="initiatives.theme_embedded")
def theme_changed(sender, theme_id, fields, **kwargs):
    initiatives_touch(Initiative.objects.filter(theme_id=theme_id))


@receiver(strategy_events.outcome_changed, dispatch_uid="initiatives.outcome_embedded")
def outcome_changed(sender, outcome_id, fields, **kwargs):
    initiatives_touch(Initiative.objects.filter(outcomes=outcome_id))
