"""The lists a bulk export reads: the change feed's (kind -> list viewset), given by the project's urls
(digital_office/api_urls.py), as the feed's are."""

KINDS: dict = {}


def kinds() -> dict:
    if not KINDS:
        from django.urls import get_resolver  # noqa: PLC0415 - a worker has not read the urls yet

        get_resolver().url_patterns  # noqa: B018 - importing them fills KINDS
    return KINDS
