"""Reads of the kernel: partner API keys, the change feed, and people's accounts (invitations and the access record:
people.selectors)."""

import datetime
from typing import NamedTuple

from allauth.mfa.models import Authenticator
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from .models import (
    Change,
    ChangeFeedFloor,
    PartnerAPIKey,
    User,
    WorkerHeartbeat,
)

FEED_START = (0, 0)


def key_for_text(text: str) -> PartnerAPIKey | None:
    """The key that `PREFIX.SECRET` is, revoked and expired ones included (the caller says which it is), or None."""
    prefix, dot, secret = text.partition(".")
    if not dot or not prefix or not secret or len(text) > 200:
        return None
    key = PartnerAPIKey.objects.select_related("partner").filter(prefix=prefix).first()
    if key is None or not key.is_valid(text):
        return None
    return key


def key_list():
    """Every key, the usable ones first. (The partner access page adds request counts from the request log.)"""
    keys = PartnerAPIKey.objects.select_related("partner", "created_by")
    return keys.order_by("revoked", "partner__name", "-created")


def key_by_prefix(prefix: str) -> PartnerAPIKey:
    return PartnerAPIKey.objects.select_related("partner").get(prefix=prefix)


def active_council_editors(council_ids):
    """The active editors of these councils (reminders go to them)."""
    return User.objects.filter(council_id__in=council_ids, council_role=User.CouncilRole.EDITOR, is_active=True)


def _feed_horizon():
    """On PostgreSQL: (the smallest id of a transaction still running, this transaction's own id or None).

    Every transaction with an id below the first has finished, so all its entries are visible now and no entry
    can appear below it later: the approach of PgQ. Elsewhere (SQLite serialises writers): (None, None).
    """
    if connection.vendor != "postgresql":
        return None, None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
            "pg_current_xact_id_if_assigned()::text::bigint"
        )
        return cursor.fetchone()


BLOCKER_QUERY = """
    SELECT pid, datname, state, application_name, backend_xid::text AS xid, backend_xmin::text AS xmin,
           EXTRACT(EPOCH FROM clock_timestamp() - xact_start)::float8 AS age_seconds, age(backend_xid) AS xid_age
      FROM pg_stat_activity
     WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
    UNION ALL
    SELECT NULL, database, 'prepared', gid, transaction::text, NULL,
           EXTRACT(EPOCH FROM clock_timestamp() - prepared)::float8, age(transaction)
      FROM pg_prepared_xacts
     ORDER BY 8 DESC
     LIMIT 1
"""

# The feed's state for one read, in one statement: the horizon and this transaction's id (_feed_horizon), the
# floor (change_floor), the transaction that holds the horizon (BLOCKER_QUERY) and whether committed entries of
# the kinds read (all kinds when NULL) wait behind it (feed_horizon).
FEED_STATE_QUERY = f"""
    SELECT now.horizon, now.own, floor.txid, floor.entry_id,
           blocker.pid, blocker.datname, blocker.state, blocker.application_name, blocker.xid, blocker.xmin,
           blocker.age_seconds,
           EXISTS (SELECT 1 FROM {Change._meta.db_table} waiting
                    WHERE waiting.txid >= now.horizon AND waiting.txid IS DISTINCT FROM now.own
                      AND (%(kinds)s::text[] IS NULL OR waiting.kind = ANY(%(kinds)s::text[])))
      FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon,
                   pg_current_xact_id_if_assigned()::text::bigint AS own) now
      LEFT JOIN LATERAL (SELECT txid, entry_id FROM {ChangeFeedFloor._meta.db_table} ORDER BY id LIMIT 1) floor
             ON true
      LEFT JOIN LATERAL ({BLOCKER_QUERY}) blocker ON true
"""


def feed_horizon(*, kinds=None) -> dict:
    """How far the feed's horizon (_feed_horizon) is held behind now, on the whole PostgreSQL server: the age in
    seconds of the oldest transaction still open that holds an id (any database, any client: ids are server-wide),
    whether committed entries (of `kinds`, else of any kind) wait behind it, and that transaction's backend
    (pid, database, state, application, xid, xmin; from pg_stat_activity, or pg_prepared_xacts for a prepared
    transaction), for the operators' log and the office's status page, never for partners.

    The age and state of another role's backend need the `pg_read_all_stats` role (docs/operations.md); without
    it the age is None. Elsewhere than PostgreSQL (SQLite serialises writers) nothing is ever held back.
    """
    if connection.vendor != "postgresql":
        return {"age_seconds": 0.0, "held_back": False, "blocker": None}
    with transaction.atomic():
        horizon, own = _feed_horizon()
        with connection.cursor() as cursor:
            cursor.execute(BLOCKER_QUERY)
            row = cursor.fetchone()
        waiting = Change.objects.filter(txid__gte=horizon)
        if own is not None:
            waiting = waiting.exclude(txid=own)
        if kinds is not None:
            waiting = waiting.filter(kind__in=list(kinds))
        held_back = waiting.exists()
    return _horizon_report(row and row[:7], held_back)


def _horizon_report(blocker_row, held_back) -> dict:
    """feed_horizon's answer from the blocker's (pid, database, state, application, xid, xmin, age) or None."""
    if not blocker_row or blocker_row[0] is None and blocker_row[1] is None:
        return {"age_seconds": 0.0, "held_back": held_back, "blocker": None}
    pid, database, state, application, xid, xmin, age = blocker_row
    blocker = {"pid": pid, "database": database, "state": state, "application": application or None,
               "xid": xid, "xmin": xmin, "age_seconds": None if age is None else round(age, 1)}
    return {"age_seconds": blocker["age_seconds"], "held_back": held_back, "blocker": blocker}


class FeedState:
    """What one read of the feed needs to know first, read at once (FEED_STATE_QUERY on PostgreSQL): the floor,
    the horizon and this transaction's own id, and the horizon's report for those kinds (feed_horizon's answer)."""

    def __init__(self, *, floor, horizon, own, report):
        self.floor, self.horizon, self.own, self.report = floor, horizon, own, report


def feed_state(*, kinds=None) -> FeedState:
    """The feed's floor, horizon and horizon report for a read of `kinds` (else of every kind): one query on
    PostgreSQL instead of the four of change_floor, _feed_horizon and feed_horizon."""
    if connection.vendor != "postgresql":
        return FeedState(floor=change_floor(), horizon=None, own=None, report=feed_horizon(kinds=kinds))
    with connection.cursor() as cursor:
        cursor.execute(FEED_STATE_QUERY, {"kinds": None if kinds is None else list(kinds)})
        horizon, own, floor_txid, floor_entry, *blocker, held_back = cursor.fetchone()
    floor = FEED_START if floor_txid is None else (floor_txid, floor_entry)
    return FeedState(floor=floor, horizon=horizon, own=own, report=_horizon_report(blocker, held_back))


class FeedEntry(NamedTuple):
    """An entry of the feed as a page reads it (core.models.Change's columns that the feed serves from)."""

    pk: int
    txid: int
    kind: str
    object_id: int
    owner_council_id: int | None


def change_page(*, after: tuple[int, int], kinds, limit: int, state: FeedState | None = None):
    """The feed entries of `kinds` after the position `after` ((transaction, entry id)), at most `limit`, in feed
    order; with the position to read from next and whether more entries are ready now.

    Only entries of finished transactions are served (on PostgreSQL: transactions below the horizon), so a
    transaction that commits late, even long after others that started after it, is delivered by a later read:
    the position never moves past an entry that could still appear. When the page is not full, the position
    moves up to the horizon, so it does not lag behind entries of kinds the caller does not see.
    (The caller's own transaction counts as finished for itself: a request that reads the feed writes no entries,
    but a test that writes and reads in one transaction sees its own.)
    `state`: the feed_state already read for this request (its horizon and floor); else they are read here.
    Entries as FeedEntry tuples.
    """
    if state is not None and state.horizon is not None:
        # PostgreSQL: every entry below the horizon read is committed, so a statement of its own sees them all.
        return _change_page(after, kinds, limit, state.horizon, state.own, state.floor)
    with transaction.atomic():  # on SQLite, one read snapshot for the page and the head
        horizon, own = _feed_horizon()
        return _change_page(after, kinds, limit, horizon, own, change_floor() if state is None else state.floor)


def _change_page(after, kinds, limit, horizon, own, floor):
    txid, entry_id = after
    entries = Change.objects.filter(kind__in=list(kinds)).filter(Q(txid__gt=txid) | Q(txid=txid, id__gt=entry_id))
    if horizon is not None:
        finished = Q(txid__lt=horizon) | Q(txid=own) if own is not None else Q(txid__lt=horizon)
        entries = entries.filter(finished)
    columns = entries.order_by("txid", "id").values_list(*FeedEntry._fields)
    entries = [FeedEntry._make(row) for row in columns[: limit + 1]]
    more = len(entries) > limit
    entries = entries[:limit]
    position = (entries[-1].txid, entries[-1].pk) if entries else tuple(after)
    if not more:
        position = max(position, _feed_head(horizon, floor))
    return entries, position, more


def _feed_head(horizon, floor=None):
    """Never below the floor: once entries are pruned, the head is at least the last one pruned."""
    if horizon is not None:
        head = (horizon, 0)
    else:
        head = (0, Change.objects.aggregate(last=Max("id"))["last"] or 0)
    return max(head, change_floor() if floor is None else floor)


def change_head() -> tuple[int, int]:
    """The feed's position now: every change committed before this call is at or before it, every later one after.
    A partner takes it before a full copy, then reads the feed from it."""
    with transaction.atomic():
        horizon, _own = _feed_horizon()
        return _feed_head(horizon)


def change_floor() -> tuple[int, int]:
    """The position up to which the feed has been pruned: reading from below it would miss entries."""
    floor = ChangeFeedFloor.objects.first()
    return floor.position if floor else FEED_START

def active_digital_office_staff():
    """Escalations go to them."""
    return User.objects.filter(is_digital_office_staff=True, is_active=True).order_by("email")


def active_user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()


def live_heartbeats(*, role: str, within_seconds: float):
    """Worker (or beat) processes that said they were alive in the last `within_seconds`."""
    since = timezone.now() - datetime.timedelta(seconds=within_seconds)
    return WorkerHeartbeat.objects.filter(role=role, seen_at__gte=since)


def recent_heartbeats(*, role: str, within_seconds: float) -> list[tuple[str, float]]:
    """(name, seconds since its last heartbeat) of each worker (or beat) heard from in the last `within_seconds`,
    most silent first: those that stopped cleanly have removed their row, so an old one is a process that died."""
    now = timezone.now()
    rows = (WorkerHeartbeat.objects.filter(role=role, seen_at__gte=now - datetime.timedelta(seconds=within_seconds))
            .order_by("seen_at").values_list("name", "seen_at"))
    return [(name, (now - seen_at).total_seconds()) for name, seen_at in rows]


# -- people ------------------------------------------------------------------------------------------------------






def people(*, council_id=None, partner_id=None, office=False):
    """A council's, a partner's or the Digital Office's people, active first, each with `has_totp` (two-factor)."""
    if office:
        found = User.objects.filter(is_digital_office_staff=True)
    elif council_id is not None:
        found = User.objects.filter(council_id=council_id, is_digital_office_staff=False)
    else:
        found = User.objects.filter(partner_id=partner_id, is_digital_office_staff=False)
    totp = Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
    return found.annotate(has_totp=Exists(totp)).select_related("council", "partner").order_by(
        "-is_active", "full_name", "email"
    )






def person_by_pk(pk: int) -> User | None:
    return User.objects.select_related("council", "partner").filter(pk=pk).first()


def person_by_email(email: str) -> User | None:
    """The account with this address, active or not."""
    return User.objects.filter(email__iexact=(email or "").strip()).first()


def council_leads(council_ids):
    """The active digital leads of these councils (contract alerts go to them when a contract has no owner)."""
    return User.objects.filter(is_lead=True, is_active=True, council_id__in=list(council_ids))


def leads_of(*, council_id=None, partner_id=None):
    """The active leads of a council or partner (whom to ask for an invitation)."""
    found = User.objects.filter(is_lead=True, is_active=True)
    return found.filter(council_id=council_id) if council_id is not None else found.filter(partner_id=partner_id)
