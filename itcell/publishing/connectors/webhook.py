"""A generic connector: POSTs each post as signed JSON to a receiver we do not run (the
party's own website, a partner's system).

The signature follows the scheme Stripe and GitHub use for their webhooks:
https://docs.stripe.com/webhooks#verify-manually and
https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries

What the receiver gets::

    POST <the channel's URL>
    Content-Type: application/json
    X-Itcell-Idempotency-Key: <the same on every try of one delivery>
    X-Itcell-Timestamp: <unix seconds when this try was signed>
    X-Itcell-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>

    {"idempotency_key": "...", "text": "...", "handle": "...", "sent_at": "<ISO 8601, UTC>",
     "media": [{"content_type": "image/png", "size": 1234, "alt_text": "...",
                "sha256": "<hex digest of the file>"}]}

The receiver's side of the contract:

1. Verify before parsing: read the raw body, then call ``verify_signature`` (or do the same:
   recompute the HMAC over ``f"{timestamp}.".encode() + body``, compare in constant time, and
   refuse a timestamp more than 5 minutes away from its clock, which stops replays). Answer
   401 when it fails.
2. Dedupe on the idempotency key: a second request with a key already seen must create
   nothing and answer 2xx with the same id as the first. itcell retries after a timeout or an
   unreadable answer and relies on this (``idempotent_publish``).
3. Answer 2xx with ``{"id": "<your id for the post>", "url": "<where people can read it>"}``.
   A 2xx without an id is treated as an unknown outcome (see ``publish``). Answer 4xx to
   refuse a post (itcell will not retry it), 429 or 5xx to be asked again later.
"""

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

import httpx

from itcell.core import clock
from itcell.publishing.connectors.base import Account, Outgoing, Published
from itcell.publishing.connectors.http import HttpConnector
from itcell.publishing.errors import OutcomeUnknown, Reason, Rejected

SIGNATURE_TOLERANCE = 300  # seconds; a receiver refuses older (or further future) timestamps


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Itcell-Signature`` value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def signed_request(
    *,
    secret: str,
    idempotency_key: str,
    text: str,
    handle: str,
    now: datetime,
    media: list[dict[str, Any]] | None = None,
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery, signed: what a receiver gets."""
    raw = json.dumps(
        {
            "idempotency_key": idempotency_key,
            "text": text,
            "media": media or [],
            "handle": handle,
            "sent_at": now.isoformat(),
        },
        ensure_ascii=False,
    ).encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "X-Itcell-Idempotency-Key": idempotency_key,
        "X-Itcell-Timestamp": timestamp,
        "X-Itcell-Signature": sign(secret, timestamp, raw),
    }
    return raw, headers


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    now: float,
    tolerance: float = SIGNATURE_TOLERANCE,
) -> bool:
    """Whether ``signature`` is ours for ``body`` and ``timestamp`` is within ``tolerance``
    seconds of ``now`` (unix seconds). For receivers; pure, so they can test it."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > tolerance:
        return False
    # Bytes, so a signature with non-ASCII characters is refused rather than raising.
    return hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.encode())


class WebhookConnector(HttpConnector):
    platform = "webhook"
    #: Receivers dedupe on our idempotency key (the contract in this module's docstring).
    idempotent_publish = True

    def publish(self, *, account: Account, outgoing: Outgoing) -> Published:
        if not account.api_url:
            raise Rejected(Reason.MISCONFIGURED, "the webhook channel has no receiver URL")
        secret = account.credentials.get("secret", "")
        if not secret:
            raise Rejected(Reason.MISCONFIGURED, "the webhook channel has no signing secret")
        raw, headers = signed_request(
            secret=secret,
            idempotency_key=outgoing.idempotency_key,
            text=outgoing.text,
            handle=account.handle,
            now=clock.now(),
            media=[
                {
                    "content_type": m.content_type,
                    "size": m.size,
                    "alt_text": m.alt_text,
                    "sha256": hashlib.sha256(m.path.read_bytes()).hexdigest(),
                }
                for m in outgoing.media
            ],
        )
        with self.client(account.api_url) as client:
            # The URL as given: a relative "" would be joined to the base with a trailing slash.
            body = self.call(
                client, "POST", account.api_url, publishes=True, content=raw, headers=headers
            )
        if not (isinstance(body, dict) and body.get("id")):
            # A 2xx without the id the contract asks for may come from a receiver that stored
            # the post or from something that only answers 200 (a catch-all page, a wrong
            # path); calling it published could lose posts silently. Unknown is safe: the
            # receiver dedupes on the key, so the retry cannot post twice.
            raise OutcomeUnknown(
                Reason.BAD_ANSWER, f"no id in the receiver's answer: {body!r}"[:200]
            )
        return Published(str(body["id"]), str(body.get("url") or ""))

    def raise_for(self, response: httpx.Response, body: Any, *, publishes: bool) -> None:
        if response.is_redirect:
            location = response.headers.get("Location", "")
            raise Rejected(
                Reason.MISCONFIGURED,
                f"the receiver redirects to {location}; set the channel's URL to that address",
            )
