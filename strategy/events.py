"""Signals sent inside the transaction of a change to a theme or outcome, for the layers above whose records
embed its values (an initiative names its theme by slug and its outcomes by number): they re-send those records
in the partner API's change feed (core.changes)."""

from django.dispatch import Signal

# theme_id, fields: the set of changed fields other records embed ("slug")
theme_changed = Signal()
# outcome_id, fields: the set of changed fields other records embed ("number")
outcome_changed = Signal()
