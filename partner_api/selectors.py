"""Reads for partner access: keys, webhooks, deliveries and the request log, and the data the API serves."""

from django.db.models import Count, Q

from .models import APIRequestLog, PartnerAPIKey, WebhookDelivery, WebhookEndpoint


def key_for_text(text: str) -> PartnerAPIKey | None:
    """The key that `PREFIX.SECRET` is, revoked and expired ones included (the caller says which it is), or None."""
    prefix, dot, secret = text.partition(".")
    if not dot or not prefix or not secret or len(text) > 200:
        return None
    key = PartnerAPIKey.objects.select_related("partner").filter(prefix=prefix).first()
    if key is None or not key.is_valid(text):
        return None
    return key


def key_list():
    return PartnerAPIKey.objects.select_related("partner", "created_by").annotate(
        request_count=Count("requests"),
    ).order_by("revoked", "partner__name", "-created")


def key_by_prefix(prefix: str) -> PartnerAPIKey:
    return PartnerAPIKey.objects.select_related("partner").get(prefix=prefix)


def webhook_endpoint_list():
    return WebhookEndpoint.objects.select_related("partner").annotate(
        failed_count=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)),
    ).order_by("partner__name", "url")


def webhook_delivery_list(*, limit=50):
    deliveries = WebhookDelivery.objects.select_related("endpoint", "endpoint__partner")
    return deliveries.order_by("-created_at", "-id")[:limit]


def recent_requests(*, limit=50):
    return APIRequestLog.objects.select_related("partner").order_by("-at", "-id")[:limit]


# -- what the API serves (partner_api.policies decides who sees what) ----------------------------


def _changed_at(queryset, related_model, link: str):
    """`changed_at`: when the row or any of its embedded children (e.g. a contribution's payments) last changed.

    Incremental sync reads it, so a new payment or reading brings its parent back in the next sync.
    """
    from django.db.models import DateTimeField, Max, OuterRef, Subquery
    from django.db.models.functions import Coalesce, Greatest

    latest_child = (
        related_model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link)
        .annotate(latest=Max("updated_at")).values("latest")
    )
    return queryset.annotate(
        changed_at=Greatest("updated_at", Coalesce(Subquery(latest_child, output_field=DateTimeField()), "updated_at")),
    )


def api_councils(*, caller):
    from councils.models import Council

    return Council.objects.prefetch_related("code_aliases")


def api_partners(*, caller):
    from councils.models import PartnerOrganisation

    return PartnerOrganisation.objects.all()


def api_contributions(*, caller):
    from councils.models import Contribution, Payment
    from councils.selectors import contributions_with_figures

    from .policies import contributions_visible_to

    visible = contributions_visible_to(caller, Contribution.objects.select_related("council", "agreement"))
    visible = visible.prefetch_related("payments")
    return _changed_at(contributions_with_figures(visible), Payment, "contribution")


def api_themes(*, caller):
    from strategy.models import Theme

    return Theme.objects.all()


def api_outcomes(*, caller):
    from strategy.models import Outcome

    return Outcome.objects.all()


def api_measures(*, caller):
    from django.db.models import Prefetch

    from strategy.models import Measure, MeasureReading

    readings = MeasureReading.objects.select_related("council").order_by("taken_on", "pk")
    queryset = Measure.objects.select_related("outcome").prefetch_related(Prefetch("readings", queryset=readings))
    return _changed_at(queryset, MeasureReading, "measure")


def api_measure_readings(*, caller):
    from strategy.models import MeasureReading

    return MeasureReading.objects.select_related("measure", "council")


def api_initiatives(*, caller):
    from initiatives.selectors import initiative_list

    return initiative_list(user=caller).prefetch_related("partners")


def api_milestones(*, caller):
    from initiatives.models import Milestone

    return Milestone.objects.select_related("initiative")


def api_updates(*, caller):
    from initiatives.models import ProgressUpdate

    from .policies import updates_visible_to

    return updates_visible_to(caller, ProgressUpdate.objects.select_related("initiative", "period", "council"))


def api_risks(*, caller):
    from initiatives.models import Risk

    return Risk.objects.select_related("initiative")


def api_benefits(*, caller):
    from initiatives.models import Benefit

    return Benefit.objects.select_related("initiative", "council")


def api_reports(*, caller):
    from initiatives.models import Report

    return Report.objects.select_related("period", "council")


def api_webhook_endpoints(*, caller):
    from .policies import webhook_endpoints_visible_to

    return webhook_endpoints_visible_to(caller, WebhookEndpoint.objects.select_related("partner"))


def api_webhook_deliveries(*, caller):
    return WebhookDelivery.objects.filter(endpoint__in=api_webhook_endpoints(caller=caller))
