"""Who may do what with partners' keys pages and webhooks (docs/design.md §3), in one place. Keys and scopes
themselves are core.policies (can_manage_keys_of: the office, or the organisation's lead)."""

from core.policies import api_key_of, can_manage_keys_of, can_manage_partner_access, can_use_scope, is_lead
from core.roles import Role, role_of
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


def can_use_keys_page(user) -> bool:
    """/api-keys/: Digital Office staff (every organisation's keys, webhooks and requests) and a partner
    organisation's leads (their own organisation's keys only)."""
    return can_manage_partner_access(user) or (is_lead(user) and role_of(user) == Role.PARTNER)


def can_manage_keys(user, partner) -> bool:
    return can_manage_keys_of(user, partner.pk)


def can_grant_scopes(user) -> bool:
    """Which scopes an organisation's leads may give its keys: the Digital Office decides."""
    return can_manage_partner_access(user)


def keys_visible_to(user, queryset):
    """The office sees every key; a partner's lead their organisation's; anyone else none."""
    if can_manage_partner_access(user):
        return queryset
    if can_use_keys_page(user):
        return queryset.filter(partner_id=user.partner_id)
    return queryset.none()
