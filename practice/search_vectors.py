"""The weighted full-text documents the portal's search matches (README "Search"), one per kind of record.

On PostgreSQL each is kept in a stored generated column, `search_document`, of its table, with a GIN index on it
(practice/migrations/0004): the search reads the column (StoredDocument) rather than working out each row's
document at query time, which cost 70 µs a row and made a common word's search scan the updates' table computing
it (304 ms on the large set). The column is not in the models (SQLite, for `make run`, has none and searches with
icontains); change a document here and add a migration that re-creates its column (generated_column_sql)."""

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import Expression
from django.db.models.expressions import Col

CONFIG = "english"

# table -> (field, weight) pairs: A for names, B for summaries, C for longer text.
DOCUMENTS = {
    "asset": (("title", "A"), ("summary", "B"), ("body", "C")),
    "initiative": (("reference", "A"), ("title", "A"), ("summary", "B")),
    "update": (("narrative", "B"), ("next_steps", "C")),
}
INDEX_NAMES = {"asset": "practice_asset_search", "initiative": "initiative_search", "update": "update_search"}
TABLES = {"asset": "practice_asset", "initiative": "initiatives_initiative", "update": "initiatives_progressupdate"}
COLUMN = "search_document"


def document(kind: str, prefix: str = ""):
    fields = DOCUMENTS[kind]
    vector = SearchVector(prefix + fields[0][0], weight=fields[0][1], config=CONFIG)
    for name, weight in fields[1:]:
        vector = vector + SearchVector(prefix + name, weight=weight, config=CONFIG)
    return vector


def text_fields(kind: str) -> list[str]:
    return [name for name, _weight in DOCUMENTS[kind]]


def generated_column_sql(kind: str) -> str:
    """The SQL of the kind's document, as the stored generated column's expression (immutable: the configuration
    is named)."""
    return " || ".join(f"setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE(\"{name}\"::text, '')), '{weight}')"
                       for name, weight in DOCUMENTS[kind])


class StoredDocument(Expression):
    """The `search_document` column of the queryset's table, aliased as Django aliases the table (in a subquery
    too): what the search filters and ranks on, on PostgreSQL."""

    output_field = SearchVectorField()

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        target = SearchVectorField()
        target.set_attributes_from_name(COLUMN)
        target.model = query.model
        return Col(query.get_initial_alias(), target, SearchVectorField())
