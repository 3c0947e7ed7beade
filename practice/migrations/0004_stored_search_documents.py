"""The search's documents kept in a stored generated column, `search_document`, of each table it searches, with a
GIN index on the column instead of one on the expression (practice.search_vectors): the planner can then check a
row's match without working out its document, and ranks the top candidates from the stored value. PostgreSQL
only; the tables are rewritten once (a few seconds for the large set's 100,000 updates)."""

from django.db import migrations

from practice.search_vectors import COLUMN, DOCUMENTS, INDEX_NAMES, TABLES, generated_column_sql


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for kind in DOCUMENTS:
        table, index = TABLES[kind], INDEX_NAMES[kind]
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index}"')
        schema_editor.execute(f'ALTER TABLE "{table}" ADD COLUMN "{COLUMN}" tsvector '
                              f"GENERATED ALWAYS AS ({generated_column_sql(kind)}) STORED")
        schema_editor.execute(f'CREATE INDEX "{index}" ON "{table}" USING gin ("{COLUMN}")')
        schema_editor.execute(f'ANALYZE "{table}"')


def drop(apps, schema_editor):
    """Back to 0002's expression indexes."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from practice.search_vectors import document  # noqa: PLC0415
    from django.contrib.postgres.indexes import GinIndex  # noqa: PLC0415

    models = {"asset": ("practice", "Asset"), "initiative": ("initiatives", "Initiative"),
              "update": ("initiatives", "ProgressUpdate")}
    for kind in DOCUMENTS:
        schema_editor.execute(f'ALTER TABLE "{TABLES[kind]}" DROP COLUMN "{COLUMN}"')  # its index goes with it
        schema_editor.add_index(apps.get_model(*models[kind]), GinIndex(document(kind), name=INDEX_NAMES[kind]))


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0003_default_schedules"),
        ("initiatives", "0005_dashboard_figures"),
    ]

    operations = [migrations.RunPython(create, drop)]
