"""Who may do what with partners' webhooks (docs/design.md §3), in one place. Keys and scopes are core.policies."""

from core.policies import api_key_of, can_manage_partner_access, can_use_scope
from core.scopes import WEBHOOKS_MANAGE


def can_register_webhook(user, partner) -> bool:
    """Digital Office staff for any partner; a partner's own key with `webhooks:manage` for that partner."""
    if can_manage_partner_access(user):
        return True
    key = api_key_of(user)
    return key is not None and key.partner_id == partner.pk and can_use_scope(user, WEBHOOKS_MANAGE)


def webhook_endpoints_visible_to(caller, queryset):
    key = api_key_of(caller)
    if key is None:
        return queryset.none()
    return queryset.filter(partner_id=key.partner_id)
