"""Deprecating an API operation (docs/api.md "Deprecation policy").

An operation is named as its URL is: a list's `<basename>-list` (its GET, and POST where there is one), a record's
`<basename>-detail`, an extra action's `<basename>-<url_name>` (`report-file`, `initiative-csv`), and the views of
their own by their URL name, their `operation` (`changes`, `changes-latest`). Listing one in the API_DEPRECATIONS
setting, with the day it was deprecated, the day it goes (its sunset) and a link to what replaces it, makes every
response of it carry

    Deprecation: @1796169600                          (RFC 9745: the moment, as seconds since 1970)
    Sunset: Sun, 27 Jun 2027 00:00:00 GMT             (RFC 8594)
    Link: <https://.../api-changelog.md>; rel="deprecation"

and its schema operation `deprecated: true` with both days in its description (core.api.schema)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.http import http_date

# Router actions and the URL name they are served under (rest_framework.routers.SimpleRouter).
LIST_ACTIONS = {"list", "create"}
DETAIL_ACTIONS = {"retrieve", "update", "partial_update", "destroy"}


@dataclass(frozen=True)
class Deprecation:
    deprecated_on: datetime.date
    sunset_on: datetime.date | None
    link: str | None

    @staticmethod
    def moment(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)

    def headers(self) -> dict[str, str]:
        headers = {"Deprecation": f"@{int(self.moment(self.deprecated_on).timestamp())}"}
        if self.sunset_on:
            headers["Sunset"] = http_date(self.moment(self.sunset_on).timestamp())
        return headers


def operation_name(view) -> str | None:
    """The name an operation is deprecated by (see the module's text), for a view being served or described."""
    basename, action = getattr(view, "basename", None), getattr(view, "action", None)
    if basename and action:
        if action in LIST_ACTIONS:
            return f"{basename}-list"
        if action in DETAIL_ACTIONS:
            return f"{basename}-detail"
        handler = getattr(view, action, None)
        return f"{basename}-{getattr(handler, 'url_name', action)}"
    return getattr(view, "operation", None)


def deprecation_of(view) -> Deprecation | None:
    entry = settings.API_DEPRECATIONS.get(operation_name(view) or "")
    if entry is None:
        return None
    sunset = entry.get("sunset")
    return Deprecation(
        deprecated_on=datetime.date.fromisoformat(entry["deprecated"]),
        sunset_on=datetime.date.fromisoformat(sunset) if sunset else None,
        link=entry.get("link"),
    )


def add_deprecation_headers(view, response):
    deprecation = deprecation_of(view)
    if deprecation is None:
        return
    for name, value in deprecation.headers().items():
        response[name] = value
    if deprecation.link:
        link = f'<{deprecation.link}>; rel="deprecation"'
        response["Link"] = f"{response['Link']}, {link}" if response.has_header("Link") else link
