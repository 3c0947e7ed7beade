"""Queryset helpers the apps' selectors share."""

from django.db.models import DateTimeField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest


def with_changed_at(queryset, child_model, link: str):
    """Annotate `changed_at`: when the row or any of its embedded children (a contribution's payments, a
    measure's readings) last changed. Incremental sync reads it, so a new child brings its parent back."""
    latest_child = (
        child_model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link)
        .annotate(latest=Max("updated_at")).values("latest")
    )
    return queryset.annotate(
        changed_at=Greatest("updated_at", Coalesce(Subquery(latest_child, output_field=DateTimeField()), "updated_at")),
    )
