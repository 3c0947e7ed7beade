"""The weighted full-text documents the portal's search matches (README "Search"), one per kind of record. The GIN
indexes in practice/migrations/0002 are built on exactly these expressions, so PostgreSQL uses them; change one
and add a migration that rebuilds its index."""

from django.contrib.postgres.search import SearchVector

CONFIG = "english"

# table -> (field, weight) pairs: A for names, B for summaries, C for longer text.
DOCUMENTS = {
    "asset": (("title", "A"), ("summary", "B"), ("body", "C")),
    "initiative": (("reference", "A"), ("title", "A"), ("summary", "B")),
    "update": (("narrative", "B"), ("next_steps", "C")),
}
INDEX_NAMES = {"asset": "practice_asset_search", "initiative": "initiative_search", "update": "update_search"}


def document(kind: str, prefix: str = ""):
    fields = DOCUMENTS[kind]
    vector = SearchVector(prefix + fields[0][0], weight=fields[0][1], config=CONFIG)
    for name, weight in fields[1:]:
        vector = vector + SearchVector(prefix + name, weight=weight, config=CONFIG)
    return vector


def text_fields(kind: str) -> list[str]:
    return [name for name, _weight in DOCUMENTS[kind]]
