"""A serializer's JSON rows written by PostgreSQL: each row as the compact JSON text DRF's JSONRenderer makes of the
serializer's data (the same fields in the same order, the same formats, null where the serializer says null), so a
page is the rows' texts joined with commas and no row, dict or field is touched in Python.

`row_json(serializer, model, filled=...)` is one SQL expression per row (the ORM resolves the joins a field's
`source` needs); `filled` gives the expressions of fields it cannot read from a column (nested lists, method
fields), each already JSON text. A field whose format it does not know exactly raises `Unsupported`: the caller
then keeps the Python path (core.api.serializers.ValueRows), which stays the reference. Where the two must agree:
tests/partner_access/test_json_rows.py compares them on every list that has a fast path.

Formats, as DRF writes them: text through `to_json` (PostgreSQL escapes exactly what Python's json module does
with ensure_ascii off: `"`, `\\`, and control characters; U+2028 and U+2029, which DRF escapes after encoding, are
escaped by `page_content`), integers and booleans as they are, decimals as strings with the field's places (the
column's scale), dates as `YYYY-MM-DD`, date-times in UTC with `Z` and microseconds only when there are any.
"""

from django.contrib.postgres.aggregates import StringAgg
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import F, Func, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from .serializers import UTCDateTimeField
from .serializers import _path as path_of

ROW_JSON = "api_row_json"  # the annotation that holds a row's JSON text
TEXT_FIELDS = (models.CharField, models.TextField)  # SlugField and EmailField are CharFields
INTEGER_FIELDS = (models.IntegerField, models.AutoField)  # every integer field and id
# ".000000" can only be the fraction (the date has no dot): Python writes no fraction when it is zero.
UTC_DATETIME_SQL = (
    "('\"' || replace(to_char((%(expressions)s) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') "
    "|| 'Z\"')"
)


class Unsupported(Exception):
    """A field whose JSON this module cannot write exactly as DRF does: keep the Python path."""


def available() -> bool:
    return connection.vendor == "postgresql"


def _sql(template, *expressions) -> Func:
    return Func(*expressions, template=template, output_field=TextField())


def json_string(expression) -> Func:
    """Text as a JSON string (null stays SQL NULL)."""
    return _sql("to_json((%(expressions)s)::text)::text", expression)


def concat(*parts) -> Func:
    """SQL text concatenation; str parts are literal text."""
    return Func(*[Value(part) if isinstance(part, str) else part for part in parts], template="(%(expressions)s)",
                arg_joiner=" || ", output_field=TextField())


def or_null(expression) -> Coalesce:
    return Coalesce(expression, Value("null"), output_field=TextField())


def json_list(subquery_of_text, empty="[]") -> Coalesce:
    """A JSON array from a subquery giving its items' JSON joined with commas (NULL when there is none)."""
    return Coalesce(concat("[", Subquery(subquery_of_text, output_field=TextField()), "]"), Value(empty),
                    output_field=TextField())


def aggregated(queryset, item, *, order_by, link) -> models.QuerySet:
    """The subquery of `json_list`: `item` (JSON text) of every row of `queryset` whose `link` is the outer row,
    joined with commas in `order_by`'s order."""
    return (queryset.filter(**{link: OuterRef("pk")}).order_by().values(link)
            .annotate(items=StringAgg(item, ",", order_by=order_by)).values("items"))


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


def _value(field, model, path):
    """The JSON text of one plain field, or Unsupported."""
    column = _model_field(model, path)
    kind = type(field)
    column_ref = F(path)
    if kind is serializers.CharField and isinstance(column, TEXT_FIELDS):
        return json_string(column_ref)
    if kind is serializers.ChoiceField and isinstance(column, TEXT_FIELDS) and all(
            isinstance(key, str) for key in field.choices):
        return json_string(column_ref)
    big_as_text = getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
    if isinstance(column, INTEGER_FIELDS) and (
            kind is serializers.IntegerField or (kind is serializers.BigIntegerField and not big_as_text)):
        return _sql("(%(expressions)s)::text", column_ref)
    if kind is serializers.BooleanField and isinstance(column, models.BooleanField):
        return _sql("CASE WHEN %(expressions)s THEN 'true' ELSE 'false' END", column_ref)
    if (kind is serializers.DateField and type(column) is models.DateField
            and str(getattr(field, "format", api_settings.DATE_FORMAT)).lower() == ISO_8601):
        return _sql("to_json(%(expressions)s)::text", column_ref)
    if (kind is UTCDateTimeField and isinstance(column, models.DateTimeField)
            and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601):
        return _sql(UTC_DATETIME_SQL, column_ref)
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if (kind is serializers.DecimalField and isinstance(column, models.DecimalField) and coerce
            and not field.localize and not getattr(field, "normalize_output", False)
            and field.decimal_places == column.decimal_places):
        return concat('"', _sql("(%(expressions)s)::text", column_ref), '"')
    raise Unsupported(f"{field.field_name}: {kind.__name__} over {type(column).__name__}")


def _object(serializer, model, prefix="", filled=None):
    filled = filled or {}
    parts = []
    for position, (name, field) in enumerate(serializer.fields.items()):
        parts.append(("{" if position == 0 else ",") + f'"{name}":')
        if name in filled:
            parts.append(filled[name])
        elif isinstance(field, serializers.BaseSerializer):
            if isinstance(field, serializers.ListSerializer):
                raise Unsupported(f"{name}: a nested list must be given in `filled`")
            inner_prefix = prefix + _path_of(field) + "__"
            parts.append(_nested(field, model, inner_prefix))
        else:
            parts.append(or_null(_value(field, model, prefix + _path_of(field))))
    parts.append("}")
    return concat(*parts)


def _nested(serializer, model, prefix):
    """A nested object (one related record): null when its source is."""
    return models.Case(
        models.When(**{f"{prefix}pk__isnull": True}, then=Value("null")),
        default=_object(serializer, model, prefix), output_field=TextField(),
    )


def row_json(serializer, model, *, filled=None):
    """One expression: the row's JSON text, as JSONRenderer renders `serializer`'s data of that row."""
    if not available():
        raise Unsupported("not PostgreSQL")
    return _object(serializer, model, filled=filled)


def page_content(texts) -> bytes:
    """The rows' texts as one JSON array, with the two line separators JSONRenderer escapes escaped."""
    return ("[" + ",".join(texts) + "]").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


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
    """values() rows of the pk, the columns the paginator walks on (`walked`, those of the model) and the row's
    JSON text (ROW_JSON)."""
    fields = {field.name for field in queryset.model._meta.concrete_fields}
    walked = [name for name in dict.fromkeys(walked) if name in fields and name != "pk"]
    return queryset.prefetch_related(None).values("pk", *walked, **{ROW_JSON: expression})
