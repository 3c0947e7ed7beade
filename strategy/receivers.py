"""The partner API's change feed (core.changes): themes, outcomes, measures and readings, with what they embed.
Never maturity: partners never see it. Connected in apps.ready()."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from core.changes import (
    announce_changes,
    announce_deletes,
    changed_fields,
    remember_before_save,
    renew_on_writes,
    touch_and_record,
    track,
    track_embedded,
)
from councils import events as councils_events

from . import events
from .models import Measure, MeasureReading, Outcome, Theme

THEME = "theme"
OUTCOME = "outcome"
MEASURE = "measure"
READING = "measure-reading"
KINDS = (THEME, OUTCOME, MEASURE, READING)

renew_on_writes("strategy")
track(Theme, THEME)
track(Outcome, OUTCOME)
track(Measure, MEASURE)
track(MeasureReading, READING)
track_embedded(MeasureReading, "measure_id", Measure, MEASURE)  # a measure serves its readings

announce_changes(Theme, ["slug"], events.theme_changed, "theme_id")  # initiatives show their theme's slug
remember_before_save(Outcome, ["number"])
announce_deletes(Outcome, ["number"], events.outcome_changed, "outcome_id")  # initiatives show outcome numbers


@receiver(post_save, sender=Outcome, dispatch_uid="strategy.outcome_embedded")
def outcome_saved(sender, instance, **kwargs):
    fields = changed_fields(instance)
    if fields:
        touch_and_record(Measure.objects.filter(outcome=instance), MEASURE)
        events.outcome_changed.send(sender=Outcome, outcome_id=instance.pk, fields=fields)


@receiver(councils_events.council_changed, dispatch_uid="strategy.council_embedded")
def council_changed(sender, council_id, fields, **kwargs):
    if "gss_code" in fields:  # readings name their council by code, and measures serve their readings
        touch_and_record(MeasureReading.objects.filter(council_id=council_id), READING)
        touch_and_record(Measure.objects.filter(readings__council_id=council_id), MEASURE)
