"""The address of the person at the other end, believed from X-Forwarded-For only when a trusted proxy sent it.

Behind the TLS proxy every request comes from the proxy's address, so rate limits and logs need the client's own
address from X-Forwarded-For; but anyone can send that header, so it counts only when the request comes from an
address in TRUSTED_PROXIES. The proxy appends the address it saw to the header: reading from the right, the
first address that is not itself a trusted proxy is the client.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
                     "HTTP_X_REAL_IP", "HTTP_FORWARDED")
CLIENT_ADDRESS_ATTRIBUTE = "client_address"


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def trusted_networks():
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _parse(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    parsed = _parse(address or "")
    return parsed is not None and any(parsed in network for network in trusted_networks())


def address_from(meta: dict) -> str:
    """The client's address for a request's META (see the module docstring)."""
    remote = meta.get("REMOTE_ADDR", "") or ""
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in meta.get(FORWARDED_FOR, "").split(",") if hop.strip()]
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None:
            break
        if not any(parsed in network for network in trusted_networks()):
            return str(parsed)
    return remote


def client_address(request) -> str:
    address = getattr(request, CLIENT_ADDRESS_ATTRIBUTE, None)
    if address is None:
        address = address_from(request.META)
        setattr(request, CLIENT_ADDRESS_ATTRIBUTE, address)
    return address
