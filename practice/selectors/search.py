"""The portal's search (README "Search"): initiatives, practice assets (lessons learned among them) and progress
updates' narratives, ranked, filtered by kind, theme and council. On PostgreSQL it is full-text search on the
weighted documents of practice.search_vectors, stored in a generated column and GIN-indexed; elsewhere a plain
icontains. Every source is read through its own app's visibility rules (visible_assets, initiatives'
searchable_updates), so a draft or another council's unapproved update is never a hit. A fixed number of queries:
one per kind searched."""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Q, Value
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from initiatives import selectors as portfolio

from ..models import Asset
from ..search_vectors import CONFIG, StoredDocument, text_fields
from .assets import visible_assets

__all__ = ["SEARCH_KINDS", "Hit", "matching", "portal_search"]

PER_KIND = 50  # the most hits each kind returns, best first
# Each kind ranks the newest CANDIDATES matches only (found on the stored document and its GIN index, without
# ranking), so a common word across 100,000 updates never ranks them all.
CANDIDATES = 300
MAX_QUERY = 200

SEARCH_KINDS = [
    ("initiative", gettext_lazy("Initiatives")),
    ("update", gettext_lazy("Progress updates")),
    *[(f"asset:{value}", label) for value, label in Asset.Kind.choices],
]


@dataclass
class Hit:
    kind: str
    kind_label: str
    title: str
    url: str
    snippet: str
    rank: float
    detail: str = ""


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _ranked(queryset, kind: str, text: str):
    """`queryset` matching `text`, each row with a `rank` (higher is better), best first."""
    if _postgres():
        query = SearchQuery(text, config=CONFIG, search_type="websearch")
        newest = (queryset.model._default_manager.alias(found=StoredDocument())
                  .filter(found=query).order_by("-pk").values("pk")[:CANDIDATES])
        return (queryset.filter(pk__in=newest).annotate(rank=SearchRank(StoredDocument(), query))
                .order_by("-rank", "-pk"))
    condition = Q()
    for word in text.split()[:8]:
        any_field = Q()
        for name in text_fields(kind):
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return queryset.filter(condition).annotate(rank=Value(1.0)).order_by("-pk")


def matching(queryset, kind: str, text: str):
    """`queryset` narrowed to the rows matching `text` (the library's own search box), in no particular order."""
    text = " ".join((text or "").split())[:MAX_QUERY]
    if not text:
        return queryset
    return queryset.filter(pk__in=_ranked(queryset, kind, text).order_by().values("pk"))


def _snippet(text: str) -> str:
    return Truncator(" ".join((text or "").split())).chars(220)


def _assets(user, text, *, kind, theme, council):
    queryset = visible_assets(user=user).exclude(state__in=(Asset.State.DRAFT,)).select_related("council")
    if kind:
        queryset = queryset.filter(kind=kind)
    if theme:
        queryset = queryset.filter(themes__slug=theme)
    if council:
        queryset = queryset.filter(council__slug=council)
    labels = dict(Asset.Kind.choices)
    states = dict(Asset.State.choices)
    for asset in _ranked(queryset, "asset", text)[:PER_KIND]:
        owner = asset.council.name if asset.council_id else _("Digital Office")
        detail = owner if asset.state in (Asset.State.PUBLISHED,) else f"{owner} · {states[asset.state]}"
        yield Hit("asset", labels[asset.kind], asset.title, reverse("practice:detail", kwargs={"pk": asset.pk}),
                  asset.summary, asset.rank, detail)


def _initiatives(user, text, *, theme, council):
    queryset = portfolio.searchable_initiatives(user=user)
    if theme:
        queryset = queryset.filter(theme__slug=theme)
    if council:
        queryset = queryset.filter(pk__in=queryset.filter(
            Q(lead_council__slug=council) | Q(participations__council__slug=council)).values("pk"))
    for initiative in _ranked(queryset, "initiative", text)[:PER_KIND]:
        yield Hit("initiative", _("Initiative"), f"{initiative.reference} {initiative.title}",
                  reverse("initiatives:detail", kwargs={"reference": initiative.reference}),
                  _snippet(initiative.summary), initiative.rank, initiative.lead_council.name)


def _updates(user, text, *, theme, council):
    queryset = portfolio.searchable_updates(user=user)
    if theme:
        queryset = queryset.filter(initiative__theme__slug=theme)
    if council:
        queryset = queryset.filter(council__slug=council)
    states = dict(queryset.model._meta.get_field("state").choices)
    for update in _ranked(queryset, "update", text)[:PER_KIND]:
        detail = f"{update.period.label} · {states.get(update.state, update.state)}"
        yield Hit("update", _("Progress update"), f"{update.initiative.reference} {update.initiative.title}",
                  reverse("initiatives:detail", kwargs={"reference": update.initiative.reference}) + "#updates",
                  _snippet(update.narrative or update.next_steps), update.rank, detail)


def portal_search(*, user, text: str, kind: str = "", theme: str = "", council: str = "") -> list[Hit]:
    """The hits for `text`, best first (on PostgreSQL by rank across kinds; elsewhere newest first per kind)."""
    text = " ".join((text or "").split())[:MAX_QUERY]
    if not text:
        return []
    hits = []
    if not kind or kind.startswith("asset"):
        hits += _assets(user, text, kind=kind.partition(":")[2], theme=theme, council=council)
    if kind in ("", "initiative"):
        hits += _initiatives(user, text, theme=theme, council=council)
    if kind in ("", "update"):
        hits += _updates(user, text, theme=theme, council=council)
    return sorted(hits, key=lambda hit: -hit.rank)
