"""The partner API's change feed (core.changes): contracts, re-sent when a council using one changes. Connected in
apps.ready(). The feed serves them only to callers with contracts:read (the list's scope)."""

from django.db.models import Q
from django.dispatch import receiver

from core.changes import touch_and_record, track, track_embedded
from councils import events as councils_events

from .models import Contract, ContractUse

CONTRACT = "contract"

track(Contract, CONTRACT)
track_embedded(ContractUse, "contract_id", Contract, CONTRACT)


@receiver(councils_events.council_changed, dispatch_uid="contracts.council_embedded")
def council_changed(sender, council_id, fields, **kwargs):
    """A contract names its council and the councils using it by code and name: re-send those contracts."""
    touch_and_record(Contract.objects.filter(Q(council_id=council_id) | Q(uses__council_id=council_id)).distinct(),
                     CONTRACT)
