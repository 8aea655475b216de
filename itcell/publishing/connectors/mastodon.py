"""Mastodon connector over the Mastodon REST API, with a user access token of the channel's
account on its own instance.

Docs:
- Upload media (async) and poll it: https://docs.joinmastodon.org/methods/media/
- Post, view and delete a status: https://docs.joinmastodon.org/methods/statuses/
- The token's account: https://docs.joinmastodon.org/methods/accounts/#verify_credentials
- Errors: https://docs.joinmastodon.org/entities/Error/
- Rate limits: https://docs.joinmastodon.org/api/rate-limits/

Each medium goes up with ``POST /api/v2/media``; a ``202`` means the instance is still
processing it, so ``GET /api/v1/media/:id`` is polled (``206`` while processing) until the
attachment has a ``url``. The post is one ``POST /api/v1/statuses`` carrying our
``Idempotency-Key``: Mastodon remembers the key for an hour per account and answers a repeat
with the status it already made (``PostStatusService``), so a retry within that hour cannot
double-post. Errors are ``{"error": "..."}``.
"""

import time
from datetime import datetime
from typing import Any

import httpx

from itcell.core import clock
from itcell.publishing.connectors.base import Account, Medium, Metrics, Outgoing, Published
from itcell.publishing.connectors.http import DEFAULT_TIMEOUT, HttpConnector, retry_after
from itcell.publishing.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Reason,
    Rejected,
    Unavailable,
)

# Seconds to wait for the instance to process a video or GIF before giving up (safe to retry:
# nothing is posted yet). Kept well inside the delivery lease.
MEDIA_WAIT = 60.0


def _reset_after(response: httpx.Response) -> float | None:
    """Seconds until the rate limit resets: ``X-RateLimit-Reset`` is an ISO 8601 time."""
    try:
        reset = datetime.fromisoformat(response.headers.get("X-RateLimit-Reset", ""))
    except ValueError:
        return retry_after(response)
    if reset.tzinfo is None:
        return retry_after(response)
    return max((reset - clock.now()).total_seconds(), 0.0)


class MastodonConnector(HttpConnector):
    platform = "mastodon"
    idempotent_publish = True
    supports_delete = True
    supports_metrics = True

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: Any = None,
        media_wait: float = MEDIA_WAIT,
        poll_every: float = 1.0,
    ) -> None:
        super().__init__(timeout=timeout, transport=transport)
        self.media_wait = media_wait
        self.poll_every = poll_every

    def publish(self, *, account: Account, outgoing: Outgoing) -> Published:
        with self._session(account) as client:
            media_ids = [self._upload(client, medium) for medium in outgoing.media]
            body = self.call(
                client,
                "POST",
                "/api/v1/statuses",
                publishes=True,
                data={"status": outgoing.text, "media_ids[]": media_ids, "visibility": "public"},
                headers={"Idempotency-Key": outgoing.idempotency_key},
            )
        if not isinstance(body, dict) or not body.get("id"):
            raise OutcomeUnknown(Reason.BAD_ANSWER, f"no status id in {body!r}"[:200])
        return Published(str(body["id"]), str(body.get("url") or ""))

    def delete(self, *, account: Account, remote_id: str) -> None:
        with self._session(account) as client:
            self.call(client, "DELETE", f"/api/v1/statuses/{remote_id}", publishes=False)

    def metrics(self, *, account: Account, remote_id: str) -> Metrics:
        with self._session(account) as client:
            body = self.call(client, "GET", f"/api/v1/statuses/{remote_id}", publishes=False)
        if not isinstance(body, dict):
            raise Unavailable(Reason.BAD_ANSWER, f"no status in {body!r}"[:200])
        return Metrics(
            likes=body.get("favourites_count"),
            shares=body.get("reblogs_count"),
            replies=body.get("replies_count"),
        )

    def verify(self, *, account: Account) -> str:
        with self._session(account) as client:
            body = self.call(client, "GET", "/api/v1/accounts/verify_credentials", publishes=False)
        if not isinstance(body, dict) or not body.get("acct"):
            raise Unavailable(Reason.BAD_ANSWER, f"no acct in {body!r}"[:200])
        return f"@{body['acct']}"

    def raise_for(self, response: httpx.Response, body: Any, *, publishes: bool) -> None:
        error = body.get("error") if isinstance(body, dict) else None
        detail = str(error) if error else f"HTTP {response.status_code}: {response.text[:200]}"
        status = response.status_code
        if status == 429:
            raise RateLimited(detail, _reset_after(response))
        if status in (401, 403):
            # 401: the token was revoked or is invalid; 403: the login is disabled, unconfirmed
            # or pending approval, or the token lacks a scope. A person has to fix either.
            raise AuthExpired(detail)
        if status == 404:
            raise Rejected(Reason.NOT_FOUND, detail)
        if 400 <= status < 500:
            media = "/media" in response.request.url.path
            raise Rejected(Reason.MEDIA_REJECTED if media else Reason.REJECTED, detail)
        # 5xx: the shared mapping applies (a 504 on the post itself may have published).

    def _session(self, account: Account) -> httpx.Client:
        if not account.api_url:
            raise Rejected(Reason.MISCONFIGURED, "the channel has no Mastodon instance address")
        token = account.credentials.get("access_token", "")
        if not token:
            raise Rejected(Reason.MISCONFIGURED, "the channel has no access_token")
        client = self.client(account.api_url)
        client.headers["Authorization"] = f"Bearer {token}"
        return client

    def _upload(self, client: httpx.Client, medium: Medium) -> str:
        """Upload one file and return its attachment id once the instance has processed it."""
        body = self.call(
            client,
            "POST",
            "/api/v2/media",
            publishes=False,
            data={"description": medium.alt_text} if medium.alt_text else {},
            files={"file": (medium.path.name, medium.path.read_bytes(), medium.content_type)},
        )
        if not isinstance(body, dict) or not body.get("id"):
            raise Unavailable(Reason.BAD_ANSWER, f"no media id in {body!r}"[:200])
        media_id = str(body["id"])
        deadline = time.monotonic() + self.media_wait
        while not body.get("url"):
            if time.monotonic() >= deadline:
                raise Unavailable(Reason.TIMEOUT, f"Mastodon was still processing media {media_id}")
            time.sleep(self.poll_every)
            # 206 while processing (its body may be empty), 200 with the attachment when done.
            polled = self.call(client, "GET", f"/api/v1/media/{media_id}", publishes=False)
            body = polled if isinstance(polled, dict) else {}
        return media_id
