"""GIN indexes for the portal's search (practice.selectors.search) on PostgreSQL, on the very expressions the
search matches (practice.search_vectors). Other databases (SQLite for `make run`) search with icontains and get
none. The portfolio's two indexes live here, with the search that uses them, so initiatives need not know of it."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from practice.search_vectors import DOCUMENTS, INDEX_NAMES, document

MODELS = {"asset": ("practice", "Asset"), "initiative": ("initiatives", "Initiative"),
          "update": ("initiatives", "ProgressUpdate")}


def _indexes(apps):
    for kind in DOCUMENTS:
        yield apps.get_model(*MODELS[kind]), GinIndex(document(kind), name=INDEX_NAMES[kind])


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0001_initial"),
        ("initiatives", "0005_dashboard_figures"),
    ]

    operations = [migrations.RunPython(create, drop)]
