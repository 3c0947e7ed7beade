"""Reads of the library: what a caller may see, an asset with everything its page shows, the counts of adoption,
the office's review lists and a council's "what we share and what we reuse". Each costs a fixed number of queries
whatever the data size."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import HistorySource, change_history
from councils.hexmap import hex_layout
from councils.selectors import council_list
from initiatives import selectors as portfolio

from .. import policies
from ..models import LISTED_STATES, Adoption, Asset, AssetFile

__all__ = [
    "ACTIVE_ADOPTION", "LibraryFigures", "adoption_benefit_choices", "adoption_list", "asset_for_edit", "asset_get",
    "asset_history", "adopters_map", "asset_list", "council_practice", "file_get", "library_figures",
    "lesson_initiative", "review_lists", "today", "visible_assets", "with_adoption_counts",
]

# What counts as a council adopting: at least planning, and not stopped or lapsed.
ACTIVE_ADOPTION = (Adoption.State.PLANNING, Adoption.State.ADOPTING, Adoption.State.USING)


def today() -> datetime.date:
    return timezone.localdate()


def visible_assets(*, user):
    """The assets a caller may read (pages and API alike); anything else is absent (a 404)."""
    condition = policies.asset_filter(user)
    if condition is None:
        return Asset.objects.none()
    return Asset.objects.filter(condition) if condition else Asset.objects.all()


def with_adoption_counts(queryset):
    """Each asset's councils using it (confirmed), its adopters (planning, adopting or using) and whether it is
    experimental: published with no evidence of use and no council confirmed as using it."""
    confirmed_using = Adoption.objects.filter(asset=OuterRef("pk"), state=Adoption.State.USING,
                                              confirmed_at__isnull=False)
    return queryset.annotate(
        using_count=Count("adoptions", filter=Q(adoptions__state=Adoption.State.USING), distinct=True),
        adopter_count=Count("adoptions", filter=Q(adoptions__state__in=ACTIVE_ADOPTION), distinct=True),
        has_confirmed_use=Exists(confirmed_using),
    )


def asset_list(*, user, queryset=None, sort: str = "recent"):
    if not policies.can_read_library(user):
        raise PermissionDenied(_("The practice library is for signed-in staff."))
    queryset = visible_assets(user=user) if queryset is None else queryset
    queryset = with_adoption_counts(queryset.select_related("council")).prefetch_related("themes")
    if sort == "adopters":
        return queryset.order_by("-adopter_count", F("published_at").desc(nulls_last=True), "title")
    if sort == "title":
        return queryset.order_by("title")
    return queryset.order_by(F("published_at").desc(nulls_last=True), "-updated_at", "title")


def asset_get(*, user, pk: int) -> Asset:
    asset = (
        with_adoption_counts(visible_assets(user=user)).select_related(
            "council", "owner", "initiative", "submitted_by", "reviewed_by")
        .prefetch_related(
            "themes", "outcomes",
            Prefetch("files", AssetFile.objects.order_by("title", "-version")),
            Prefetch("adoptions", Adoption.objects.select_related("council", "declared_by", "confirmed_by")
                     .prefetch_related(Prefetch(
                         "benefits", portfolio.visible_benefits(user=user).select_related("initiative")
                         .order_by("title"), to_attr="shown_benefits"))
                     .order_by("council__name")),
        ).filter(pk=pk).first()
    )
    if asset is None:
        raise Http404
    return asset


def asset_for_edit(*, user, pk: int) -> Asset:
    asset = asset_get(user=user, pk=pk)
    if not policies.can_edit_asset(user, asset):
        raise PermissionDenied(_("Only the owning council's editors and the Digital Office change this asset."))
    return asset


def adoption_benefit_choices(adoption):
    """The benefits an adoption may be linked to: the adopting council's own in the register."""
    return portfolio.council_benefits(adoption.council_id)


def file_get(*, user, pk: int, file_pk: int) -> AssetFile:
    asset = asset_get(user=user, pk=pk)
    found = next((f for f in asset.files.all() if f.pk == file_pk), None)
    if found is None:
        raise Http404
    return found


STATE_LABELS = {**dict(Asset.State.choices), **dict(Adoption.State.choices)}


def _display(name, value):
    if name == "state":
        return STATE_LABELS.get(value, value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%-d %b %Y %H:%M")
    return value


def asset_history(asset, *, limit: int = 50) -> list[dict]:
    return change_history([
        HistorySource("asset", Asset.history.filter(id=asset.pk), lambda record: _("the asset")),
        HistorySource("adoption", Adoption.history.filter(asset_id=asset.pk).select_related("council"),
                      lambda record: _("adoption by %(council)s") % {"council": record.council.name},
                      fields=["state", "confirmed_at"]),
    ], display=_display, limit=limit)


def adoption_list(*, user):
    """Adoptions of the assets a caller may read in the library (published or retired)."""
    return Adoption.objects.filter(asset__in=visible_assets(user=user).filter(
        state__in=policies.READ_STATES)).select_related("asset", "council")


@dataclass
class LibraryFigures:
    published: int
    councils_using: int
    median_days_to_first_adoption: int | None
    per_council: dict  # council id -> assets it adopts


def library_figures(*, user) -> LibraryFigures:
    """Councils using something from the library, the median time from publication to a first adopter, and how
    many assets each council adopts (the map)."""
    listed = visible_assets(user=user).filter(state__in=LISTED_STATES)
    active = Adoption.objects.filter(asset__in=listed, state__in=ACTIVE_ADOPTION)
    per_council = dict(active.values_list("council_id").annotate(n=Count("asset", distinct=True)))
    councils_using = active.filter(state=Adoption.State.USING).values("council_id").distinct().count()
    firsts = listed.filter(published_at__isnull=False).annotate(
        first=Min("adoptions__declared_at", filter=Q(adoptions__state__in=ACTIVE_ADOPTION))
    ).filter(first__isnull=False).values_list("published_at", "first")
    days = sorted(max(0, (first - published).days) for published, first in firsts)
    median = days[len(days) // 2] if days else None
    return LibraryFigures(published=listed.count(), councils_using=councils_using,
                          median_days_to_first_adoption=median, per_council=per_council)


ADOPTER_BINS = 4  # 0, 1, 2, 3, then 4 or more assets adopted: the map's classes bin-0 to bin-4


def adopters_map(figures: LibraryFigures) -> dict:
    """The 32 councils' hex map (the dashboard's cells), each with how many of the library's assets it adopts."""
    cells, width, height = hex_layout(council_list())
    for cell in cells:
        cell.count = figures.per_council.get(cell.council.pk, 0)
        cell.measure_class = f"bin-{min(cell.count, ADOPTER_BINS)}"
    legend = [(f"bin-{n}", str(n) if n < ADOPTER_BINS else _("%(n)s or more") % {"n": n})
              for n in range(ADOPTER_BINS + 1)]
    return {"cells": cells, "width": width, "height": height, "legend": legend}


def review_lists(*, user) -> dict:
    if not policies.can_review_assets(user):
        raise PermissionDenied(_("The review queue is the Digital Office's."))
    base = Asset.objects.select_related("council", "submitted_by", "owner")
    return {
        "queue": list(base.filter(state=Asset.State.SUBMITTED).order_by("submitted_at")),
        "overdue": list(base.filter(state__in=LISTED_STATES, review_by__lt=today()).order_by("review_by")),
    }


def council_practice(*, user, council) -> dict:
    """What a council shares (the assets it owns, as the caller may see them) and what it reuses."""
    shared = with_adoption_counts(visible_assets(user=user).filter(council=council)).order_by("title")
    reused = (adoption_list(user=user).filter(council=council).exclude(state=Adoption.State.INTERESTED)
              .select_related("asset__council").order_by("asset__title"))
    return {"shared": list(shared), "reused": list(reused)}


def lesson_initiative(*, user, reference: str):
    """The initiative whose lessons are being recorded (initiatives' own selector: 404 when unknown)."""
    return portfolio.initiative_detail(user=user, reference=reference)[0]
