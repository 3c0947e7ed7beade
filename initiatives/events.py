"""Signals sent after a portfolio change has committed; webhooks and notifications listen to them."""

from django.dispatch import Signal

# update_id
update_approved = Signal()
# initiative_id, old_stage, new_stage
initiative_stage_changed = Signal()
