"""How webhook deliveries are signed (the receiving side's recipe is in docs/api.md).

The signed message is `<timestamp>.<body>`: the Unix time in seconds sent in `X-DO-Timestamp`, a
full stop, and the exact bytes of the request body. The signature is its HMAC-SHA256 under the
endpoint's secret, sent hex-encoded as `X-DO-Signature: sha256=<hex>`. A receiver recomputes it,
compares in constant time, and refuses a timestamp more than five minutes from its own clock (replay);
tests/partner_access/test_webhooks.py checks deliveries with the guide's own recipe.
"""

import hashlib
import hmac
import json

TIMESTAMP_HEADER = "X-DO-Timestamp"
SIGNATURE_HEADER = "X-DO-Signature"
EVENT_HEADER = "X-DO-Event"
DELIVERY_HEADER = "X-DO-Delivery"


def body_of(payload: dict) -> bytes:
    """The same payload always gives the same bytes (sorted keys, no spaces)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()

