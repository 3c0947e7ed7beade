"""Where a webhook may go: an https address on the public internet, and nowhere else (server-side request forgery).

`check_webhook_url` is the one rule, used at registration (API, portal page and admin: a 400 with a plain
message) and again before every delivery. It refuses what is not https, host names that only mean something
inside a network (`localhost.`, `*.internal`, single labels...), IP addresses written in the odd forms that
resolvers accept (`2130706433`, `127.1`, `0x7f.0.0.1`), and any name that resolves, even in part, to an address
`ipaddress` does not call global. It returns the addresses it checked, and `post` connects to one of those
(no second look-up, so a name cannot resolve to a public address for the check and a private one for the
connection). Errors say what went wrong in plain words, never which internal address was involved.
"""

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Names that mean something only inside a network (RFC 6761, RFC 8375, cloud metadata services, common LAN names).
PRIVATE_SUFFIXES = (
    ".localhost", ".local", ".localdomain", ".internal", ".intranet", ".lan", ".home", ".corp", ".home.arpa",
    ".in-addr.arpa", ".ip6.arpa", ".test", ".invalid", ".example",
)
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
DOTTED_QUAD = re.compile(rf"^{OCTET}(\.{OCTET}){{3}}$")


def _badly_formed():
    return WebhookAddressRefused(_("Give an address such as https://hooks.example.org/digital-office."))


class WebhookAddressRefused(ValidationError):
    """A ValidationError on `url` whose message is safe to show the partner."""

    def __init__(self, message):
        super().__init__({"url": [message]})
        self.plain_message = message


@dataclass(frozen=True)
class CheckedAddress:
    scheme: str
    host: str  # as written (for the Host header, TLS name and certificate check)
    port: int
    path: str  # path and query
    addresses: tuple  # every address the host resolved to, each checked


def insecure_localhost_allowed() -> bool:
    return settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST


def resolve(host: str, port: int) -> list[str]:
    """Every address a name resolves to (tests replace this: the machine has no DNS)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def is_public(address) -> bool:
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_link_local)


def _refuse_public_only():
    raise WebhookAddressRefused(_("Webhooks are sent to addresses on the public internet only."))


def _host_rules(host: str):
    """Refuse a host that is not a plain public name or a public IP address written in full."""
    if host.startswith("[") and host.endswith("]"):
        try:
            address = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise _badly_formed() from None
        if not is_public(address):
            _refuse_public_only()
        return
    if host.endswith("."):
        _refuse_public_only()
    labels = host.split(".")
    if DOTTED_QUAD.match(host):
        if not is_public(ipaddress.IPv4Address(host)):
            _refuse_public_only()
        return
    if any(label.isdigit() or label.startswith("0x") for label in labels[-1:]) or all(
        re.fullmatch(r"(0x[0-9a-f]*|[0-9]+)", label) for label in labels
    ):
        # 2130706433, 127.1, 0x7f.1, 017700000001: IPv4 in forms resolvers accept and people do not mean
        raise WebhookAddressRefused(_("Write the host as a name, or an IP address in full (four numbers)."))
    if len(labels) < 2 or not all(HOST_LABEL.match(label) for label in labels):
        raise WebhookAddressRefused(_("Give a host name on the public internet, such as hooks.example.org."))
    if host in LOCAL_HOSTS or host.endswith(PRIVATE_SUFFIXES) or ("." + host).endswith(PRIVATE_SUFFIXES):
        _refuse_public_only()


def check_webhook_url(url: str, *, resolve_host=True) -> CheckedAddress:
    """The rule for a webhook address (see the module docstring). Raises WebhookAddressRefused."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        raise _badly_formed() from None
    host = (parts.hostname or "").lower()
    if parts.username is not None or parts.password is not None:
        raise WebhookAddressRefused(_("A webhook address cannot carry a user name or password."))
    local_test = parts.scheme == "http" and host in LOCAL_HOSTS and insecure_localhost_allowed()
    if not local_test:
        if parts.scheme != "https" or not host:
            raise WebhookAddressRefused(_("A webhook address must start with https://."))
        _host_rules(f"[{host}]" if ":" in host else host)
    port = port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not resolve_host:
        return CheckedAddress(parts.scheme, host, port, path, ())
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    try:
        names = [str(literal)] if literal is not None else resolve(host, port)
        addresses = tuple(ipaddress.ip_address(address.split("%")[0]) for address in names)
    except (OSError, UnicodeError, ValueError):
        raise WebhookAddressRefused(_("The host name could not be found: check the address.")) from None
    if not addresses:
        raise WebhookAddressRefused(_("The host name could not be found: check the address."))
    if not local_test and not all(is_public(address) for address in addresses):
        _refuse_public_only()
    return CheckedAddress(parts.scheme, host, port, path, addresses)


class DeliveryFailed(Exception):
    """A delivery did not reach the partner; the message is safe to show them."""


def post(url: str, *, body: bytes, headers: dict, timeout: float) -> tuple[int, bytes]:
    """POST to a webhook address, connecting to an address that was checked (not a second look-up)."""
    try:
        checked = check_webhook_url(url)
    except WebhookAddressRefused as refused:
        raise DeliveryFailed(refused.plain_message) from None
    address = str(checked.addresses[0])
    headers = {**headers, "Host": checked.host if checked.port in (80, 443) else f"{checked.host}:{checked.port}"}
    timeouts = urllib3.Timeout(connect=timeout, read=timeout)
    if checked.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port=checked.port, timeout=timeouts, retries=False, maxsize=1,
            cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(), server_hostname=checked.host,
            assert_hostname=checked.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port=checked.port, timeout=timeouts, retries=False, maxsize=1)
    try:
        response = pool.urlopen(
            "POST", checked.path, body=body, headers=headers, redirect=False, retries=False,
            preload_content=False,
        )
        content = response.read(2048, decode_content=True)
        response.release_conn()
        return response.status, content
    except urllib3.exceptions.SSLError:
        raise DeliveryFailed(_("The receiver's TLS certificate could not be verified.")) from None
    except (urllib3.exceptions.NewConnectionError, ConnectionError):  # (a subclass of ConnectTimeoutError)
        raise DeliveryFailed(_("Could not connect to the receiver.")) from None
    except (urllib3.exceptions.ConnectTimeoutError, urllib3.exceptions.ReadTimeoutError):
        raise DeliveryFailed(_("The receiver did not answer within %(seconds)s seconds.") % {
            "seconds": int(timeout)}) from None
    except (urllib3.exceptions.HTTPError, OSError):
        raise DeliveryFailed(_("The connection to the receiver failed.")) from None
    finally:
        pool.close()
