"""Public pages and read API served from the shared cache, keyed on the version of the data they show.

The data generation is one value in the cache, replaced after every committed write to a table of the apps in
`settings.PUBLIC_DATA_APPS`. Writes are seen at the database cursor (an execute wrapper on every connection), so
bulk inserts, `QuerySet.update()` and the importers' raw SQL count as much as `Model.save()`: nothing an app writes
can leave a stale page behind, and no app has to remember to say so. Cached pages are stored under the generation
they were built on, so a new perimeter version, resolution or commitment shows at the very next request; entries
of older generations are never read again and expire.

Only anonymous requests without a session share the cache: a signed-in person's pages are always rendered for them.
Those responses carry no secret (no session, no CSRF token), so they are gzip-compressed once, when stored, without
the BREACH risk that compressing private pages would bring.
"""

import hashlib
import logging
import re
import time
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, connections, transaction
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import get_conditional_response

logger = logging.getLogger(__name__)

GENERATION_KEY = "pilote:data-generation"
PAGE_SECONDS = 3600  # an entry of the current generation; older generations are unreachable anyway
PENDING = "pilote_pending_generation"  # attribute of a connection holding uncommitted writes to public data
WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO|TRUNCATE(?:\s+TABLE)?)\s+\"?(\w+)", re.I)
_gzip = GZipMiddleware(lambda request: None)


def generation() -> int:
    """The version of the public data; a new value (never an old one) when the key was lost or evicted."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY, 0)
    return value


def bump() -> None:
    try:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    except DatabaseError:
        if not _cache_table_exists():  # a first `migrate`: no page was cached yet, so none can be stale
            return
        logger.exception("the data generation could not be bumped: public pages may be stale for %s s", PAGE_SECONDS)


def _cache_table_exists() -> bool:
    try:
        return settings.CACHE_TABLE in connection.introspection.table_names()
    except DatabaseError:
        return False


# --- seeing writes -----------------------------------------------------------------------------------------------


def _writes_public_data(sql: str) -> bool:
    match = WRITE.match(sql)
    return bool(match) and match.group(1).lower().startswith(tuple(f"{app}_" for app in settings.PUBLIC_DATA_APPS))


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper: after a write to public data, bump the generation once its transaction commits. A page
    rendered before the commit reads the old data under the old generation."""
    db = context["connection"]
    flush(db)  # a write made in autocommit before this statement: its cursor is done by now
    result = execute(sql, params, many, context)
    if _writes_public_data(sql):
        setattr(db, PENDING, True)
        if db.in_atomic_block:
            transaction.on_commit(partial(_bump_pending, db), using=db.alias)  # dropped with a rolled-back savepoint
        # In autocommit the write is committed, but an INSERT may still be reading its RETURNING row, and SQLite
        # refuses to commit the cache's own write while it does: the bump waits for the next statement on this
        # connection, the next cached page, or the end of the request or of the process (flush).
    return result


def _bump_pending(db) -> None:
    if getattr(db, PENDING, False):  # once per transaction, however many writes registered this
        setattr(db, PENDING, False)
        bump()


def flush(db=None) -> None:
    """Bump now for the writes `db` (default: every open connection) committed in autocommit."""
    for each in [db] if db is not None else connections.all(initialized_only=True):
        if not each.in_atomic_block:
            _bump_pending(each)


def install(sender=None, connection=None, **kwargs) -> None:
    """`connection_created` receiver: watch every connection once."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def flush_at_end(**kwargs) -> None:
    """`request_finished` receiver, and at the exit of a command."""
    flush()


# --- serving -----------------------------------------------------------------------------------------------------


def _shareable(request) -> bool:
    """An anonymous GET without a session or pending message, on a connection without uncommitted public writes
    (those would be visible to this request only)."""
    return (
        request.method in ("GET", "HEAD")
        and not settings.DEBUG
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "Authorization" not in request.headers
        and not (connection.in_atomic_block and getattr(connection, PENDING, False))
    )


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token: not for everyone
        and "private" not in response.get("Cache-Control", "")
    )


def _key(request) -> str:
    gzip = bool(re.search(r"\bgzip\b", request.headers.get("Accept-Encoding", "")))
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"page:{generation()}:{request.get_host()}:{int(gzip)}:{path}"


def public_cache(view):
    """Serve `view` to anonymous visitors from the shared cache, compressed, with an ETag for conditional GETs."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        flush(connection)
        if not _shareable(request):
            return view(request, *args, **kwargs)
        try:
            key = _key(request)
            response = cache.get(key)
        except DatabaseError:  # the cache is an optimisation: a locked or missing table never breaks a page
            logger.warning("page cache unavailable", exc_info=True)
            return view(request, *args, **kwargs)
        if response is None:
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                return response
            response = _store(request, response, key)
        return get_conditional_response(request, etag=response.get("ETag"), response=response)

    return wrapped


def _store(request, response, key: str):
    """Tag and compress the response once, then keep it for every visitor."""
    response["ETag"] = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
    response = _gzip.process_response(request, response)
    try:
        cache.set(key, response, PAGE_SECONDS)
    except DatabaseError:
        logger.warning("page cache unavailable", exc_info=True)
    return response
