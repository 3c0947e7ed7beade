"""How every public page and file is answered, so a CDN or nginx can cache it through a surge: no sign-in, no
session or CSRF cookie, `Cache-Control: public`, an ETag and Last-Modified from the publication served (a 304 when
they match), a limit per client address, and the body rendered once per publication and kept (core.cache)."""

import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache as shared_cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language, gettext

from core import cache
from core.client_address import client_address

from . import selectors

RATE_WINDOW_SECONDS = 60


def _over_limit(request) -> bool:
    """A fixed one-minute window per client address, counted in the shared cache; fails open if it is down."""
    window = int(time.time()) // RATE_WINDOW_SECONDS
    key = f"public:rate:{client_address(request)}:{window}"
    try:
        if shared_cache.add(key, 1, timeout=RATE_WINDOW_SECONDS * 2):
            return False
        return shared_cache.incr(key) > settings.PUBLIC_RATE_LIMIT_PER_MINUTE
    except Exception:  # noqa: BLE001 (a limit that cannot be counted never refuses a citizen)
        return False


def etag_of(publication) -> str:
    if publication is None:
        return f'"none-{get_language()}"'
    return f'"p{publication.pk}-g{publication.generation}-{get_language()}"'


def _not_modified(request, etag, last_modified) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and last_modified is not None and int(last_modified.timestamp()) <= since


def _headers(response, request, etag, last_modified):
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    session = getattr(request, "session", None)
    if session is not None and session.modified:  # a signed-in visitor's session moved on: never a shared copy
        response["Cache-Control"] = f"private, max-age={settings.PUBLIC_CACHE_SECONDS}"
    else:
        response["Cache-Control"] = f"public, max-age={settings.PUBLIC_CACHE_SECONDS}"
        if session is not None:
            # The body depends on no session (it is rendered without the request), so it need not vary on Cookie.
            session.accessed = False
    response["Link"] = '<https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>; rel="license"'
    return response


def public_view(view=None, *, keep=True):
    """`view(request, publication, **kwargs)` returns (body, content type, status), or an HttpResponse; called only
    when the client's copy is out of date, and (`keep`: pages, not the files, which are read from storage) its
    result kept per publication, host, path and language."""
    if view is None:
        return lambda view: public_view(view, keep=keep)

    @login_not_required
    @wraps(view)
    def wrapped(request, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = HttpResponse(status=405)
            response["Allow"] = "GET, HEAD"
            return response
        if _over_limit(request):
            response = HttpResponse(gettext("Too many requests: try again in a minute."), status=429,
                                    content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(RATE_WINDOW_SECONDS)
            return response
        publication = selectors.current_publication()
        etag = etag_of(publication)
        last_modified = publication.modified_at if publication is not None else None
        if _not_modified(request, etag, last_modified):
            return _headers(HttpResponseNotModified(), request, etag, last_modified)

        def compute():
            result = view(request, publication, **kwargs)
            if isinstance(result, HttpResponse):
                return (result.content, result["Content-Type"], result.status_code,
                        result.get("Content-Disposition"))
            body, content_type, status = result
            return body.encode() if isinstance(body, str) else body, content_type, status, None

        key = [etag, request.get_host(), request.path, request.GET.urlencode(), get_language()]
        body, content_type, status, disposition = cache.cached(
            "public-page", key, compute, version=cache.PARTNER_DATA, ttl=settings.PUBLIC_CACHE_SECONDS * 12
        ) if keep else compute()
        response = HttpResponse(body, content_type=content_type, status=status)
        if disposition:
            response["Content-Disposition"] = disposition
        if status != 200:
            return response
        return _headers(response, request, etag, last_modified)

    return wrapped
