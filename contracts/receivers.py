"""The partner API's change feed (core.changes): contracts, re-sent when a council using one changes. Connected in
apps.ready(). The feed serves them only to callers with contracts:read (the list's scope)."""

from core.changes import track, track_embedded

from .models import Contract, ContractUse

CONTRACT = "contract"

track(Contract, CONTRACT)
track_embedded(ContractUse, "contract_id", Contract, CONTRACT)
