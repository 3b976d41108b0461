"""One signed POST to a receiver, and the policy for trying again: attempts, backoff and
Retry-After."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from bot.outbox.transport import RetryPolicy
from bot.webhooks import signing

TIMEOUT = 10.0  # seconds for the receiver to answer
MAX_ATTEMPTS = 15  # about six and a half hours of retries before a delivery is marked failed
BACKOFF_BASE = 10.0  # seconds; doubles per attempt
BACKOFF_MAX = 3600.0
POLICY = RetryPolicy(MAX_ATTEMPTS, BACKOFF_BASE, BACKOFF_MAX)
USER_AGENT = "sdrbot-webhooks/1"


class DeliveryError(Exception):
    def __init__(
        self, message: str, retry_after: float | None = None, *, answered: bool = True
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.answered = answered  # False: no HTTP answer at all (timed out, refused, TLS)

    @property
    def holds_up_the_rest(self) -> bool:
        """No answer, or one that asks for patience: the webhook's other deliveries would fare
        no better just now, and each unanswered one would cost a whole timeout."""
        return not self.answered or self.retry_after is not None


def make_client(timeout: float = TIMEOUT) -> httpx.Client:
    # a redirect is not followed: the signed document goes to the URL the operator gave
    return httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT})


def post(
    client: httpx.Client, url: str, secret: str, document: dict[str, Any], *, now: datetime
) -> httpx.Response:
    """POST the signed document; raises DeliveryError unless the receiver answers 2xx."""
    body = orjson.dumps(document)
    headers = {
        "Content-Type": "application/json",
        "X-Sdrbot-Event": str(document["type"]),
        "X-Sdrbot-Delivery": str(document["id"]),
        **signing.headers(secret, int(now.timestamp()), body),
    }
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:  # refused, timed out, bad TLS, unknown host
        raise DeliveryError(
            f"{type(exc).__name__} from {where(url)}: {exc}", answered=False
        ) from exc
    if not response.is_success:
        excerpt = response.text[:200].strip()
        raise DeliveryError(
            f"{where(url)} answered HTTP {response.status_code}"
            + (f": {excerpt}" if excerpt else ""),
            _retry_after(response, now),
        )
    return response


def where(url: str) -> str:
    """The receiver's scheme and host: its path may carry a token (Zapier's does)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def backoff(attempts: int) -> float:
    return POLICY.backoff(attempts)


def _retry_after(response: httpx.Response, now: datetime) -> float | None:
    if response.status_code not in (429, 503):
        return None
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - now).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(BACKOFF_MAX, max(0.0, seconds))
