"""Signals sent after a portfolio change has committed; webhooks and notifications listen to them."""

from django.dispatch import Signal

# update_id
update_approved = Signal()
# update_id: returned to the council by the Digital Office
update_returned = Signal()
# initiative_id, old_stage, new_stage
initiative_stage_changed = Signal()
# report_id: a report's files are ready to download
report_ready = Signal()
