"""All of the portal's caching: the cache backend, the tokens that say whether a cached value is still true, their
renewal, and `cached()`, the one way figures are cached.

**The backend.** Redis, with the database cache standing in while Redis cannot be reached, so sign-in's rate
limits (allauth) and the like keep working through an outage instead of failing with a 500. After a failure Redis
is left alone for a few seconds, so a page does not wait for a connection timeout on every cache call.

**The tokens.** A value is cached under the current value of a token; renewing the token (a new random value)
orphans every value cached under the old one. Three tokens, named after what they guard:

- `PARTNER_DATA`: what a partner can see (the API's list pages, the outcome roll-ups). Renewed by every change the
  change feed records (core.services.change_record) and by bulk loads.
- `STAFF_DATA`: what staff see besides (the dashboard's figures of approved data: settings, contributions,
  assessments). Renewed by every write to a model of the portfolio's apps (`renew_on_writes`) but the workflow's
  alone, and with every `PARTNER_DATA`.
- `WORKFLOW`: what the unapproved updates' states decide (the dashboard's awaiting review, returned, overdue and
  on-time figures). Renewed by a draft saved, an update submitted or returned (`renew_on_writes`' workflow-only
  writes), and with every `STAFF_DATA`.

**Fail-safe rules.**
- Tokens live only in the shared store (Redis), never in the database stand-in: a token renewed where other
  processes do not read it would let them serve values cached before the change. A token that cannot be read
  means nothing is served from the cache (the value is computed).
- A renewal is made once per token per transaction, when it commits (one on-commit callback per transaction).
  Until then the writer's own reads in that transaction see their own writes: their values are keyed with a salt
  of the transaction that changes at each write, which no other transaction shares.
- When a renewal fails, this process serves no cached value until a renewal succeeds, and it leaves a marker in
  the database, which every process checks before serving a cached value: the first process that sees the marker
  and reaches Redis renews the tokens and clears it.
"""

import hashlib
import logging
import pickle
import time
import uuid
from dataclasses import dataclass, field

import redis
from django.core.cache import caches
from django.db import transaction

from .redis_clients import ReusedClientsRedisCache

logger = logging.getLogger(__name__)

REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
SHARED_ALIAS = "default"
FALLBACK_ALIAS = "database"
RETRY_REDIS_AFTER_SECONDS = 5.0


class SharedStoreUnavailable(Exception):
    """Redis could not be reached (or was given up on for a few seconds): no token can be read or renewed."""


class RedisWithDatabaseFallback(ReusedClientsRedisCache):
    _down_until = 0.0  # shared by every instance in the process: one outage, one wait

    def _fallback(self):
        return caches[FALLBACK_ALIAS]

    def _call(self, name, *args, **kwargs):
        cls = type(self)
        if time.monotonic() >= cls._down_until:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except REDIS_ERRORS as exc:
                logger.warning("Redis is unreachable (%s); the database cache stands in for it", exc)
                cls._down_until = time.monotonic() + RETRY_REDIS_AFTER_SECONDS
        return getattr(self._fallback(), name)(*args, **kwargs)

    def shared_only(self, name, *args, **kwargs):
        """Call Redis itself, never the database stand-in: SharedStoreUnavailable when it cannot be reached."""
        cls = type(self)
        if time.monotonic() < cls._down_until:
            raise SharedStoreUnavailable("Redis was unreachable moments ago")
        try:
            return getattr(super(), name)(*args, **kwargs)
        except REDIS_ERRORS as exc:
            cls._down_until = time.monotonic() + RETRY_REDIS_AFTER_SECONDS
            raise SharedStoreUnavailable(str(exc)) from exc

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")


def _shared(name, *args, **kwargs):
    """A call on the shared store only (Redis; in development the one process's memory cache)."""
    backend = caches[SHARED_ALIAS]
    if isinstance(backend, RedisWithDatabaseFallback):
        return backend.shared_only(name, *args, **kwargs)
    try:
        return getattr(backend, name)(*args, **kwargs)
    except REDIS_ERRORS as exc:  # a plain RedisCache
        raise SharedStoreUnavailable(str(exc)) from exc


# -- the tokens ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    name: str

    @property
    def key(self) -> str:
        return f"portal:token:{self.name}"


PARTNER_DATA = Token("partner-data")
STAFF_DATA = Token("staff-data")
WORKFLOW = Token("workflow")
TOKENS = (PARTNER_DATA, STAFF_DATA, WORKFLOW)
# What a partner sees, staff see too, and the workflow's figures count within it: renewing PARTNER_DATA renews
# STAFF_DATA, which renews WORKFLOW.
RENEWS = {PARTNER_DATA: {PARTNER_DATA, STAFF_DATA, WORKFLOW}, STAFF_DATA: {STAFF_DATA, WORKFLOW}, WORKFLOW: {WORKFLOW}}

# The marker of a failed renewal, in the database cache (which every process reads): `owed` is set to a new value
# at each failure, `settled` to the `owed` value a later renewal covered. They differ while a renewal is owed.
RENEWAL_OWED_KEY = "portal:token-renewal-owed"
RENEWAL_SETTLED_KEY = "portal:token-renewal-settled"

_owed_here: set[Token] = set()  # tokens this process failed to renew: nothing cached is served until they are


def token_value(token: Token) -> str:
    """The token's current value in the shared store (a missing one is made: a cold or flushed cache means nothing
    cached before can match). SharedStoreUnavailable when Redis cannot be reached."""
    value = _shared("get", token.key)
    if value is None:
        value = uuid.uuid4().hex
        if not _shared("add", token.key, value, timeout=None):
            value = _shared("get", token.key) or value
    return value


def _write_tokens(tokens) -> bool:
    """New values for `tokens`, now. On failure: owed in this process, and the marker left for every process."""
    tokens = set(tokens)
    try:
        _shared("set_many", {token.key: uuid.uuid4().hex for token in tokens}, timeout=None)
    except Exception:  # noqa: BLE001 (the change is made; a cache outage must not turn it into an error)
        logger.warning("could not renew the cache tokens %s: no cached value is served until they are",
                       sorted(t.name for t in tokens), exc_info=True)
        _owed_here.update(tokens)
        _leave_marker()
        return False
    _owed_here.difference_update(tokens)
    return True


def _leave_marker():
    try:
        caches[FALLBACK_ALIAS].set(RENEWAL_OWED_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001
        logger.error("could not leave the marker of a failed cache renewal", exc_info=True)


def _settle_marker() -> bool:
    """True when no renewal is owed anywhere (or this call just made it, renewing every token)."""
    marker = caches[FALLBACK_ALIAS].get_many([RENEWAL_OWED_KEY, RENEWAL_SETTLED_KEY])
    owed = marker.get(RENEWAL_OWED_KEY)
    if owed is None or owed == marker.get(RENEWAL_SETTLED_KEY):
        return True
    if not _write_tokens(TOKENS):
        return False
    caches[FALLBACK_ALIAS].set(RENEWAL_SETTLED_KEY, owed, timeout=None)  # a failure since then set `owed` anew
    logger.info("cache tokens renewed for a renewal another process could not make")
    return True


# -- renewal, once per transaction ----------------------------------------------------------------------------


@dataclass(eq=False)
class _PendingRenewal:
    """The tokens a transaction's writes renew when it commits, and the salt of its own reads meanwhile."""

    tokens: set = field(default_factory=set)
    salts: dict = field(default_factory=dict)  # token -> a new value at each write that renews it

    def commit(self):
        connection = transaction.get_connection()
        if getattr(connection, "_portal_pending_renewal", None) is self:
            connection._portal_pending_renewal = None
        _write_tokens(self.tokens)


def _pending():
    """This transaction's pending renewal, if its callback is still queued (a rolled-back savepoint or
    transaction drops it, and with it the pending renewal)."""
    connection = transaction.get_connection()
    pending = getattr(connection, "_portal_pending_renewal", None)
    if pending is None or not connection.in_atomic_block:
        return None
    if not any(entry[1] == pending.commit for entry in connection.run_on_commit):
        return None
    return pending


def renew(*tokens: Token):
    """What `tokens` guard changed: renew them when the current transaction commits (at once outside one), each
    once per transaction however many writes ask."""
    renewed = set().union(*(RENEWS[token] for token in tokens))
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _write_tokens(renewed)
        return
    pending = _pending()
    if pending is None:
        pending = _PendingRenewal()
        connection._portal_pending_renewal = pending
        transaction.on_commit(pending.commit)
    pending.tokens |= renewed
    pending.salts.update({token: uuid.uuid4().hex for token in renewed})


def renewals_pending() -> set[Token]:
    """The tokens the current transaction will renew when it commits."""
    pending = _pending()
    return set(pending.tokens) if pending else set()


# -- cached values ------------------------------------------------------------------------------------------------

_MISSING = object()


def version_in_use(token: Token) -> str | None:
    """The value cached values are keyed with now, or None: serve nothing from the cache (a renewal is owed here or
    by another process and cannot be made now, or Redis cannot be reached). In a transaction whose writes renew
    the token: the token with a salt of the transaction's own, which changes at each such write."""
    try:
        if _owed_here and not _write_tokens(set(_owed_here)):
            return None
        if not _settle_marker():
            return None
        value = token_value(token)
    except Exception:  # noqa: BLE001 (caching is an optimisation: never an error page)
        logger.warning("the cache token %s cannot be read: computing without the cache", token.name, exc_info=True)
        return None
    pending = _pending()
    if pending is not None and token in pending.salts:
        value += ":" + pending.salts[token]  # this transaction's own writes: its reads see them, nobody else's do
    return value


def cache_key(name: str, key_parts, token_value: str) -> str:
    return f"{name}:" + hashlib.sha256(repr((tuple(key_parts), token_value)).encode()).hexdigest()


# Values a caller marks as rarely read twice (the API's deep pages: a partner's full walk reads each once) are
# kept only at their second read within `ttl`, and only while the bytes kept so within a `ttl` are under a budget:
# one walk of 989 pages of 500 once left 389 MB of cached pages. The keys read once are remembered in one record
# per `name` (its newest READ_ONCE_REMEMBERED), so a walk adds two keys (the record, the budget), not one a page.
READ_ONCE_REMEMBERED = 256
READ_AGAIN_BUDGET_BYTES = 32 * 1024 * 1024


def _read_before(name: str, key: str, ttl: int) -> bool:
    """Whether `key` was asked for before within `ttl` (and, if not, remember that it was now)."""
    record_key = f"portal:read-once:{name}"
    digest = key.rsplit(":", 1)[-1][:20]
    record = _shared("get", record_key) or []
    if digest in record:
        record.remove(digest)
        _shared("set", record_key, record, timeout=ttl)
        return True
    _shared("set", record_key, [*record[-(READ_ONCE_REMEMBERED - 1):], digest], timeout=ttl)
    return False


def _within_budget(name: str, value, ttl: int) -> bool:
    """Whether a value read again fits this `ttl`'s budget of such values (counted as they are stored)."""
    budget_key = f"portal:read-again-bytes:{name}"
    _shared("add", budget_key, 0, timeout=ttl)
    return _shared("incr", budget_key, len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))) <= READ_AGAIN_BUDGET_BYTES


def _worth_keeping(name: str, key: str, value, ttl: int) -> bool:
    try:
        return _read_before(name, key, ttl) and _within_budget(name, value, ttl)
    except Exception:  # noqa: BLE001 (not kept: caching is an optimisation)
        logger.warning("the cache cannot be read: %s not kept", name, exc_info=True)
        return False


def cached(name: str, key_parts, compute, *, version: Token, ttl: int, keep_first_read: bool = True):
    """`compute()`, or its value cached under `name`, `key_parts` (everything the value depends on besides the
    data: the filters, who asks, the language, the day) and the current value of the token `version`, for at most
    `ttl` seconds. The value is computed whenever the cache cannot be trusted or reached. With `keep_first_read`
    False (a value most callers read once) it is kept only from its second read on, within a memory budget."""
    token = version_in_use(version)
    if token is None:
        return compute()
    key = cache_key(name, key_parts, token)
    try:
        value = _shared("get", key, _MISSING)
    except Exception:  # noqa: BLE001
        logger.warning("the cache cannot be read: computing %s", name, exc_info=True)
        return compute()
    if value is not _MISSING:
        return value
    value = compute()
    if not keep_first_read and not _worth_keeping(name, key, value, ttl):
        return value
    try:
        _shared("set", key, value, timeout=ttl)
    except Exception:  # noqa: BLE001
        logger.warning("the cache cannot be written: %s not kept", name, exc_info=True)
    return value
