"""The partner REST API under /api/v1/ (see docs/api.md). URL names are namespaced `api:`."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

import bulk_export.registry
from bulk_export.api.views import BulkExportViewSet
from collaboration.api.views import CommentViewSet
from contracts.api.views import ContractViewSet
from core.api.changes import ChangeFeedHeadView, ChangeFeedView
from core.api.views import ApiNotFoundView, ApiRootView, DocsView, SchemaView
from councils.api.views import ContributionViewSet, CouncilViewSet, PartnerOrganisationViewSet
from initiatives.api.views import (
    BenefitViewSet,
    InitiativeViewSet,
    MilestoneViewSet,
    ProgressUpdateViewSet,
    ReportViewSet,
    RiskViewSet,
)
from partner_access.api.views import WebhookDeliveryViewSet, WebhookEndpointViewSet
from practice.api.views import AdoptionViewSet, AssetViewSet
from strategy.api.views import MeasureReadingViewSet, MeasureViewSet, OutcomeViewSet, ThemeViewSet

app_name = "api"

router = SimpleRouter()
router.register("councils", CouncilViewSet, basename="council")
router.register("partners", PartnerOrganisationViewSet, basename="partner")
router.register("contributions", ContributionViewSet, basename="contribution")
router.register("themes", ThemeViewSet, basename="theme")
router.register("outcomes", OutcomeViewSet, basename="outcome")
router.register("measures", MeasureViewSet, basename="measure")
router.register("measure-readings", MeasureReadingViewSet, basename="measure-reading")
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("updates", ProgressUpdateViewSet, basename="update")
router.register("risks", RiskViewSet, basename="risk")
router.register("benefits", BenefitViewSet, basename="benefit")
router.register("reports", ReportViewSet, basename="report")
router.register("contracts", ContractViewSet, basename="contract")
router.register("practice-assets", AssetViewSet, basename="practice-asset")
router.register("practice-adoptions", AdoptionViewSet, basename="practice-adoption")
router.register("comments", CommentViewSet, basename="comment")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("exports", BulkExportViewSet, basename="export")

# The change feed serves the records of these lists, each kind named as its list's basename.
FEED_KINDS = {basename: viewset for _prefix, viewset, basename in router.registry if viewset.in_change_feed}
bulk_export.registry.KINDS.update(FEED_KINDS)  # a bulk export has a file for each of the feed's lists

urlpatterns = [
    path("", ApiRootView.as_view(lists=[basename for _prefix, _viewset, basename in router.registry
                                        if basename != "export"]), name="root"),  # exports: not a list
    path("changes/", ChangeFeedView.as_view(kinds=FEED_KINDS), name="changes"),
    path("changes/latest/", ChangeFeedHeadView.as_view(kinds=FEED_KINDS), name="changes-latest"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
    # Any path at all, new lines (%0A) included: `.` alone stops at one, and Django's HTML 404 would answer.
    re_path(r"^[\s\S]*$", ApiNotFoundView.as_view(), name="not-found"),
]
