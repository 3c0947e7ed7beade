"""Signals sent inside the transaction of a change to a council or partner organisation, for the layers above
whose records embed its values (an initiative shows its councils' names and codes): they re-send those records
in the partner API's change feed (core.changes)."""

from django.dispatch import Signal

# council_id, fields: the set of changed fields other records embed ("name", "gss_code")
council_changed = Signal()
# partner_id, fields: the set of changed fields other records embed ("slug")
partner_changed = Signal()
