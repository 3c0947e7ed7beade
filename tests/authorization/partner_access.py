"""Partner access's rules for the authorisation matrix: the API keys page, webhooks and their deliveries (the
`partner_access` namespace, /api-keys/). The office; a partner organisation's leads manage its own keys too, but the
matrix's partner user is not a lead (403 like everyone else): tests/partner_access/test_self_service.py calls every
key page as a partner's lead, another organisation's lead and a council editor."""

from core import services as core_services
from core.policies import SYSTEM
from councils.models import PartnerOrganisation
from partner_access.models import WebhookDelivery, WebhookEndpoint
from tests.authorization.roles import DIGITAL_OFFICE, STAFF, Page, only

EXPECTED = {
    "partner_access:keys": Page(get=DIGITAL_OFFICE),
    "partner_access:key_create": Page(get=None, post=only(STAFF, 400)),
    "partner_access:key_revoke": Page(get=None, post=only(STAFF, 302)),
    "partner_access:key_rotate": Page(get=None, post=only(STAFF, 200)),  # the page, with the new key's text
    "partner_access:scopes_grant": Page(get=None, post=only(STAFF, 400)),  # nothing posted: which organisation?
    "partner_access:webhook_create": Page(get=None, post=only(STAFF, 400)),
    "partner_access:webhook_toggle": Page(get=None, post=only(STAFF, 302)),
    "partner_access:delivery_redeliver": Page(get=None, post=only(STAFF, 302)),
}

# The request log and the deliveries are records of what happened: nobody adds one in the admin.
READ_ONLY_ADMIN = {"partner_api_apirequestlog", "partner_api_apiunauthenticatedrequests", "partner_api_webhookdelivery"}


def world(w):
    partner = PartnerOrganisation.objects.get(slug="scottish-government")
    key, _text = core_services.key_create(user=SYSTEM, partner=partner, name="Sample", scopes=["councils:read"])
    endpoint = WebhookEndpoint.objects.create(partner=partner, url="https://hooks.example.org/x",
                                              events=["report.ready"], secret="whsec_x")
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="report.ready", payload={})
    return {"key": key, "endpoint": endpoint, "delivery": delivery}


def page_kwargs(name, w):
    return {
        "partner_access:key_revoke": {"prefix": w["key"].prefix},
        "partner_access:key_rotate": {"prefix": w["key"].prefix},
        "partner_access:webhook_toggle": {"pk": w["endpoint"].pk},
        "partner_access:delivery_redeliver": {"pk": w["delivery"].pk},
    }.get(name)


def api_values(w):
    return {"/webhooks/": w["endpoint"].pk, "/webhook-deliveries/": w["delivery"].pk}
