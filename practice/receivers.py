"""Connected in apps.ready(): the partner API's change feed (core.changes) for assets and adoptions, assets re-sent
when a council they name changes, and the lessons stage gate in initiatives.gates."""

from django.db.models import Q
from django.dispatch import receiver

from core.changes import touch_and_record, track
from councils import events as councils_events
from initiatives.gates import register_stage_gate
from strategy import events as strategy_events

from .models import Adoption, Asset
from .services.lessons import stage_gate

ASSET = "practice-asset"
ADOPTION = "practice-adoption"

track(Asset, ASSET)
track(Adoption, ADOPTION)
register_stage_gate(stage_gate)


@receiver(councils_events.council_changed, dispatch_uid="practice.council_embedded")
def council_changed(sender, council_id, fields, **kwargs):
    """Assets and adoptions name their council by code: re-send them when it changes."""
    touch_and_record(Asset.objects.filter(Q(council_id=council_id)), ASSET)
    touch_and_record(Adoption.objects.filter(council_id=council_id), ADOPTION)


@receiver(strategy_events.theme_changed, dispatch_uid="practice.theme_embedded")
def theme_changed(sender, theme_id, fields, **kwargs):
    """Assets name their themes by slug: re-send them when one is renamed or deleted."""
    touch_and_record(Asset.objects.filter(themes=theme_id), ASSET)
