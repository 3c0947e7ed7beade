"""Who may ask for a bulk export, see one, and download which of its files. Exports are made for partner keys:
a warehouse reads with a key, and each table is exported and served only to a key with the scope its list needs
(contracts only with contracts:read)."""

from core.policies import api_key_of, can_use_scope
from core.scopes import FEED_SCOPES


def can_request_export(caller) -> bool:
    key = api_key_of(caller)
    return key is not None and any(can_use_scope(caller, scope) for scope in FEED_SCOPES)


def exports_visible_to(caller, queryset):
    """A partner organisation's exports are seen by its keys (each downloads only the tables its scopes open)."""
    key = api_key_of(caller)
    return queryset.none() if key is None else queryset.filter(partner_id=key.partner_id)


def can_read_table(caller, viewset) -> bool:
    return can_use_scope(caller, viewset.required_scope)
