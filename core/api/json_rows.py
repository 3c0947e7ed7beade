"""A serializer's JSON rows written by PostgreSQL: each row as the compact JSON text DRF's JSONRenderer makes of the
serializer's data (the same fields in the same order, the same formats, null where the serializer says null), so a
page is the rows' texts joined with commas and no row, dict or field is touched in Python.

`row_json(serializer, model, filled=...)` is one SQL expression per row: its SQL text is built once per view (a
template with a place for each column a field's `source` reads) and only those columns go through the ORM at each
request, which resolves the joins they need (an expression tree of a few hundred nodes cost more to resolve and
compile than the rows cost to format in Python). `filled` gives the SQL of fields it cannot read from a column
(nested lists, method fields), each already JSON text; `template()` writes a nested serializer's row against
aliases of the caller's choosing, for such SQL. A field whose format it does not know exactly raises `Unsupported`:
the caller then keeps the Python path (core.api.serializers.ValueRows), which stays the reference. Where the two
must agree: tests/partner_access/test_json_rows.py compares them, and DRF's serializer, on every list that has it.

Formats, as DRF writes them: text through `to_json` (PostgreSQL escapes exactly what Python's json module does
with ensure_ascii off: `"`, `\\`, and control characters; U+2028 and U+2029, which DRF escapes after encoding, are
escaped by `page_content`), integers and booleans as they are, decimals as strings with the field's places (the
column's scale), dates as `YYYY-MM-DD`, date-times in UTC with `Z` and microseconds only when there are any.
"""

import re

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import F, TextField
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from .pagination import CHANGED
from .serializers import UTCDateTimeField
from .serializers import _path as path_of

ROW_JSON = "api_row_json"  # the annotation that holds a row's JSON text
TEXT_FIELDS = (models.CharField, models.TextField)  # SlugField and EmailField are CharFields
INTEGER_FIELDS = (models.IntegerField, models.AutoField)  # every integer field and id
KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # field names written into the SQL as they are
# ".000000" can only be the fraction (the date has no dot): Python writes no fraction when it is zero.
UTC_DATETIME = (
    "('\"' || replace(to_char(({}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') || 'Z\"')"
)


class Unsupported(Exception):
    """A field whose JSON this module cannot write exactly as DRF does: keep the Python path."""


def available() -> bool:
    return connection.vendor == "postgresql"


def literal(text: str) -> str:
    """A SQL string literal of JSON punctuation and field names (no `%`: the SQL goes to the driver with params)."""
    if "%" in text or "\\" in text:
        raise Unsupported(f"{text!r} cannot be written into the SQL")
    return "'" + text.replace("'", "''") + "'"


def json_string(sql: str) -> str:
    """Text as a JSON string (NULL stays NULL)."""
    return f"to_json(({sql})::text)::text"


def json_list(items_sql: str) -> str:
    """A JSON array from SQL giving its items' JSON joined with commas, or NULL when there is none."""
    return f"COALESCE('[' || ({items_sql}) || ']', '[]')"


def _model_field(model, path):
    """The column a values() path reads (a relation's target column where the path ends on a relation)."""
    names = path.split("__")
    for position, name in enumerate(names):
        try:
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        except FieldDoesNotExist as error:  # a property or method of the model
            raise Unsupported(f"{path}: not a column") from error
        if position < len(names) - 1:
            if not field.is_relation or field.many_to_many or field.one_to_many:
                raise Unsupported(f"{path}: not a path through single records")
            model = field.related_model
    return field.target_field if field.is_relation else field


def _path_of(field) -> str:
    try:
        return path_of(field)
    except TypeError as error:  # a method field or source="*", not given in `filled`
        raise Unsupported(str(error)) from error


def _value(field, column, sql: str) -> str:
    """The SQL of one plain field's JSON text (NULL where the value is), or Unsupported."""
    kind = type(field)
    if kind is serializers.CharField and isinstance(column, TEXT_FIELDS):
        return json_string(sql)
    if kind is serializers.ChoiceField and isinstance(column, TEXT_FIELDS) and all(
            isinstance(key, str) for key in field.choices):
        return json_string(sql)
    big_as_text = getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
    if isinstance(column, INTEGER_FIELDS) and (
            kind is serializers.IntegerField or (kind is serializers.BigIntegerField and not big_as_text)):
        return f"({sql})::text"
    if kind is serializers.BooleanField and isinstance(column, models.BooleanField):
        return f"CASE WHEN {sql} THEN 'true' WHEN NOT {sql} THEN 'false' END"
    if (kind is serializers.DateField and type(column) is models.DateField
            and str(getattr(field, "format", api_settings.DATE_FORMAT)).lower() == ISO_8601):
        return f"to_json({sql})::text"
    if (kind is UTCDateTimeField and isinstance(column, models.DateTimeField)
            and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601):
        return UTC_DATETIME.format(sql)
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if (kind is serializers.DecimalField and isinstance(column, models.DecimalField) and coerce
            and not field.localize and not getattr(field, "normalize_output", False)
            and field.decimal_places == column.decimal_places):
        return f"('\"' || ({sql})::text || '\"')"
    raise Unsupported(f"{field.field_name}: {kind.__name__} over {type(column).__name__}")


def _object(serializer, model, column_sql, prefix="", filled=None) -> str:
    """The SQL of a serializer's JSON object; column_sql(path) gives the SQL of a column."""
    filled = filled or {}
    parts = []
    for position, (name, field) in enumerate(serializer.fields.items()):
        if not KEY.match(name):
            raise Unsupported(f"{name!r} cannot be written into the SQL")
        parts.append(literal(("{" if position == 0 else ",") + f'"{name}":'))
        if name in filled:
            parts.append(f"({filled[name]})")
        elif isinstance(field, serializers.BaseSerializer):
            if isinstance(field, serializers.ListSerializer):
                raise Unsupported(f"{name}: a nested list must be given in `filled`")
            inner = prefix + _path_of(field) + "__"
            parts.append(f"CASE WHEN {column_sql(inner + 'pk')} IS NULL THEN 'null' "
                         f"ELSE {_object(field, model, column_sql, inner)} END")
        else:
            path = prefix + _path_of(field)
            parts.append(f"COALESCE({_value(field, _model_field(model, path), column_sql(path))}, 'null')")
    parts.append(literal("}"))
    return "(" + " || ".join(parts) + ")"


def template(serializer, model, aliases: dict[str, str]) -> str:
    """A serializer's row as SQL text over tables named by `aliases` ({"": the model's, "council": its council's,
    ...}), for the SQL of a nested list (`filled`)."""
    def column_sql(path):
        *relation, _last = path.split("__")
        alias = aliases.get("__".join(relation))
        if alias is None:
            raise Unsupported(f"{path}: no alias for its table")
        return f'{alias}."{_model_field(model, path).column}"'

    return _object(serializer, model, column_sql)


class RowJson(models.Expression):
    """A row's JSON text: the SQL written once (`parts`: text, and the places of columns), the columns (F paths)
    resolved by the ORM for each query, which adds the joins they need."""

    output_field = TextField()

    def __init__(self, parts, paths):
        super().__init__(output_field=TextField())
        self.parts, self.columns = parts, [F(path) for path in paths]

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def as_sql(self, compiler, connection):
        columns, params = [], []
        for column in self.columns:
            sql, column_params = compiler.compile(column)
            columns.append(sql)
            params.extend(column_params)
        return "".join(part if isinstance(part, str) else columns[part] for part in self.parts), params


def row_json(serializer, model, *, filled=None) -> RowJson:
    """The row's JSON text, as JSONRenderer renders `serializer`'s data of that row. `filled`: {field name: SQL of
    its JSON text}, SQL that names the model's table by its name (the query's base table)."""
    if not available():
        raise Unsupported("not PostgreSQL")
    paths = {}
    marker = "\x00{}\x00"

    def column_sql(path):
        return marker.format(paths.setdefault(path, len(paths)))

    sql = _object(serializer, model, column_sql, filled=filled)
    parts = [int(piece) if position % 2 else piece for position, piece in enumerate(sql.split("\x00"))]
    return RowJson(parts, list(paths))


def escape_line_separators(text: str) -> str:
    """U+2028 and U+2029 escaped, as JSONRenderer escapes them after encoding."""
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def page_content(texts) -> bytes:
    """The rows' texts as one JSON array, with the two line separators JSONRenderer escapes escaped."""
    return escape_line_separators("[" + ",".join(texts) + "]").encode()


_EXPRESSIONS = {}  # (view class, database vendor) -> its row expression, or None where a field is Unsupported


def expression_for(view):
    """The row expression of a view with `rows_in_sql` (its serializer, its `json_filled()`), or None: the view then
    formats its rows in Python."""
    if not getattr(view, "rows_in_sql", False):
        return None
    key = (type(view), connection.vendor)
    if key not in _EXPRESSIONS:
        serializer = view.serializer_class()
        try:
            _EXPRESSIONS[key] = row_json(serializer, serializer.Meta.model, filled=view.json_filled())
        except Unsupported:
            _EXPRESSIONS[key] = None
    return _EXPRESSIONS[key]


def rows_queryset(queryset, expression, walked=()):
    """values() rows of the pk, the columns the paginator walks on (`walked`, those of the model; and CHANGED) and
    the row's JSON text (ROW_JSON)."""
    fields = {field.name for field in queryset.model._meta.concrete_fields}
    walked = [name for name in dict.fromkeys([*walked, CHANGED]) if name in fields and name != "pk"]
    return queryset.prefetch_related(None).values("pk", *walked, **{ROW_JSON: expression})


_PROTOTYPES = {}  # (view class, database vendor) -> rows_queryset of its unfiltered queryset


def prototype(view, queryset, expression, walked=()):
    """rows_queryset of a view's unfiltered queryset (`queryset`: its get_queryset(), which for a view with
    `rows_in_sql` does not depend on the request), built once per view and cloned for each request: resolving the
    row's columns cost as much again as compiling the page query (about 1.5 ms a request)."""
    key = (type(view), connection.vendor)
    if key not in _PROTOTYPES:
        _PROTOTYPES[key] = rows_queryset(queryset, expression, walked)
    return _PROTOTYPES[key].all()
