"""A copy of the test database's rows, taken once and put back in a fraction of a second (PostgreSQL's COPY).

A transactional test (live server, browser, another connection) commits what it needs and empties every table when
it ends; the next one used to seed the reference data and the small demo set again through the ORM (about 3 s).
`take()` copies every table's rows and every sequence's position; `restore()` empties the tables and copies the
rows back as they were, with foreign-key checks and triggers off while they load (the rows were consistent when
taken), so the database is exactly as it was when the snapshot was taken. The files the seeding stored (the public
data files a publication names) are copied too and put back where a test removed them. Off PostgreSQL `take()`
returns None and the callers seed as before.
"""

import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

KEPT = {"django_migrations"}  # what the migrations wrote; a flush leaves it too


@dataclass
class Snapshot:
    rows: dict = field(default_factory=dict)  # table -> COPY text
    sequences: dict = field(default_factory=dict)  # sequence -> last value (None: never used)
    counts: dict = field(default_factory=dict)  # what the seeding that made the state returned
    media: Path | None = None  # a copy of MEDIA_ROOT as it was


def _tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [name for (name,) in cursor.fetchall() if name not in KEPT]


def take(counts: dict | None = None) -> Snapshot | None:
    if connection.vendor != "postgresql":
        return None
    snapshot = Snapshot(counts=dict(counts or {}))
    with connection.cursor() as cursor:
        for table in _tables(cursor):
            buffer = io.BytesIO()
            cursor.copy_expert(f'COPY "{table}" TO STDOUT', buffer)
            snapshot.rows[table] = buffer.getvalue()
        cursor.execute("SELECT quote_ident(sequencename), last_value FROM pg_sequences WHERE schemaname = 'public'")
        snapshot.sequences = dict(cursor.fetchall())
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        snapshot.media = Path(tempfile.mkdtemp(prefix="portal-test-media-")) / "media"
        shutil.copytree(media, snapshot.media)
    return snapshot


def _put_back_files(snapshot: Snapshot):
    """Every file the snapshot's rows may name, where a test removed or replaced it (other files are left)."""
    if snapshot.media is None:
        return
    media = Path(settings.MEDIA_ROOT)
    for kept in snapshot.media.rglob("*"):
        if kept.is_file():
            target = media / kept.relative_to(snapshot.media)
            if not target.is_file() or target.stat().st_size != kept.stat().st_size:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(kept, target)


def _delete_every_row(cursor) -> list[str]:
    """Every table emptied, foreign-key checks and triggers off meanwhile (inside the caller's transaction). DELETE,
    not TRUNCATE: for tables this small, TRUNCATE's new files for ~200 tables and their indexes cost about a second,
    deleting the rows a tenth of that."""
    tables = _tables(cursor)
    cursor.execute("SET LOCAL session_replication_role = replica")
    for table in tables:
        cursor.execute(f'DELETE FROM "{table}"')
    return tables


def empty():
    """Every table emptied (what Django's flush does after a transactional test, less its content types made
    again: the next test puts a snapshot back, content types included)."""
    from django.contrib.contenttypes.models import ContentType

    with transaction.atomic(), connection.cursor() as cursor:
        _delete_every_row(cursor)
    ContentType.objects.clear_cache()


def restore(snapshot: Snapshot) -> dict:
    """Put the snapshot's rows back (committed: run it outside a test's transaction); returns its counts."""
    from django.contrib.contenttypes.models import ContentType

    with transaction.atomic(), connection.cursor() as cursor:
        for table in _delete_every_row(cursor):
            if snapshot.rows.get(table):
                cursor.copy_expert(f'COPY "{table}" FROM STDIN', io.BytesIO(snapshot.rows[table]))
        if snapshot.sequences:
            cursor.execute("SELECT " + ", ".join(
                f"setval('{name}', {value}, true)" if value is not None else f"setval('{name}', 1, false)"
                for name, value in snapshot.sequences.items()))
    ContentType.objects.clear_cache()  # a flush re-made the content types under other ids
    _put_back_files(snapshot)
    return dict(snapshot.counts)
