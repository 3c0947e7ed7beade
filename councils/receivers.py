"""The partner API's change feed (core.changes): councils, partner organisations and contributions, with what
they embed. Connected in apps.ready()."""

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

from . import events
from .models import Contribution, Council, CouncilCodeAlias, FundingAgreement, PartnerOrganisation, Payment

COUNCIL = "council"
PARTNER = "partner"
CONTRIBUTION = "contribution"
KINDS = (COUNCIL, PARTNER, CONTRIBUTION)

renew_on_writes("councils")
track(Council, COUNCIL)
track(PartnerOrganisation, PARTNER)
track(Contribution, CONTRIBUTION, owner_field="council_id")  # confidential to its council
track_embedded(CouncilCodeAlias, "council_id", Council, COUNCIL)  # a council's old_codes
track_embedded(Payment, "contribution_id", Contribution, CONTRIBUTION)  # paid, outstanding, status, payments

remember_before_save(Council, ["name", "gss_code"])
announce_deletes(Council, ["name", "gss_code"], events.council_changed, "council_id")
announce_changes(PartnerOrganisation, ["slug"], events.partner_changed, "partner_id")  # initiatives show slugs
remember_before_save(FundingAgreement, ["title"])


@receiver(post_save, sender=Council, dispatch_uid="councils.council_embedded")
def council_saved(sender, instance, **kwargs):
    fields = changed_fields(instance)
    if fields:
        touch_and_record(Contribution.objects.filter(council=instance), CONTRIBUTION)
        events.council_changed.send(sender=Council, council_id=instance.pk, fields=fields)


@receiver(post_save, sender=FundingAgreement, dispatch_uid="councils.agreement_embedded")
def agreement_saved(sender, instance, **kwargs):
    if changed_fields(instance):  # contributions show their agreement's title
        touch_and_record(Contribution.objects.filter(agreement=instance), CONTRIBUTION)
