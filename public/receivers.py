"""An initiative left to its stage that moves into or out of a public stage joins or leaves the public portfolio at
once (the office's own decisions go through public.services directly)."""

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives import events
from initiatives import selectors as portfolio

from . import services


@receiver(events.initiative_stage_changed, dispatch_uid="public.initiative_stage_changed")
def on_initiative_stage_changed(sender, initiative_id, old_stage, new_stage, **kwargs):
    public_stages = set(settings.PUBLIC_STAGES_BY_DEFAULT)
    if (old_stage in public_stages) == (new_stage in public_stages):
        return
    initiative = portfolio.initiative_records().filter(pk=initiative_id).values("reference", "publication").first()
    if initiative is None or initiative["publication"] != portfolio.Publication.BY_STAGE:
        return
    joined = new_stage in public_stages
    change = _("Added to the public portfolio.") if joined else _("No longer in the public portfolio.")
    with transaction.atomic():
        services.publications_refresh(
            withdrawn=set() if joined else {initiative["reference"]},
            note=[{"reference": initiative["reference"], "change": change, "on": timezone.localdate().isoformat()}],
        )
