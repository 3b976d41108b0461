"""Signing a webhook delivery, and checking a signature as a receiver should.

The signature is HMAC-SHA256 over `<timestamp>.<body>` with the webhook's secret, sent as
`X-Sdrbot-Signature: v1=<hex>` beside `X-Sdrbot-Timestamp: <unix seconds>`. Signing the
timestamp with the body lets a receiver refuse an old delivery replayed by someone who
captured it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SCHEME = "v1"
TOLERANCE = 300  # seconds a receiver should accept between our clock and its own


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "X-Sdrbot-Timestamp": str(timestamp),
        "X-Sdrbot-Signature": signature(secret, timestamp, body),
    }


def verify(
    secret: str,
    *,
    timestamp: str,
    signature_header: str,
    body: bytes,
    now: float,
    tolerance: int = TOLERANCE,
) -> bool:
    """What a receiver does: the timestamp is recent and one of the signatures matches."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > tolerance:
        return False
    expected = signature(secret, sent, body)
    # several signatures may be sent while a secret is rotated; any one that matches will do
    return any(hmac.compare_digest(expected, part.strip()) for part in signature_header.split(","))
