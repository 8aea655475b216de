"""X (Twitter) connector over the X API v2, with an OAuth 2.0 user-context token.

Docs:
- Create a post: https://docs.x.com/x-api/posts/create-post
- Delete a post: https://docs.x.com/x-api/posts/delete-post
- Post lookup (public_metrics): https://docs.x.com/x-api/posts/get-post-by-id
- The token's user: https://docs.x.com/x-api/users/get-my-user
- Media, one request (images): https://docs.x.com/x-api/media/upload-media
- Media, chunked (GIFs, video): https://docs.x.com/x-api/media/quickstart/media-upload-chunked,
  https://docs.x.com/x-api/media/initialize-media-upload,
  https://docs.x.com/x-api/media/append-media-upload,
  https://docs.x.com/x-api/media/media-upload-finalize,
  https://docs.x.com/x-api/media/get-media-upload-status
- Alt text: https://docs.x.com/x-api/media/create-media-metadata
- Errors and rate limits: https://docs.x.com/x-api/fundamentals/response-codes-and-errors,
  https://docs.x.com/fundamentals/rate-limits

Still images go up in one multipart request; GIFs and videos in the chunked flow (initialize,
append, finalize, then poll the status while X processes them). The post itself is one
``POST /2/tweets``. X has no idempotency key and no look-up by one, so a timeout on that call
is an unknown outcome. Errors are RFC 7807 problem bodies: ``{"title", "detail", "type",
"errors": [...]}``.
"""

import time
from typing import Any

import httpx

from itcell.core import clock
from itcell.publishing.connectors.base import Account, Medium, Metrics, Outgoing, Published
from itcell.publishing.connectors.http import HttpConnector
from itcell.publishing.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Reason,
    Rejected,
    Unavailable,
)

X_URL = "https://api.x.com"
CHUNK_BYTES = 4 * 1024 * 1024  # an APPEND takes at most 5 MB
# Seconds to wait for X to process a video before giving up (safe to retry: nothing posted).
# Kept well inside the delivery lease.
PROCESSING_WAIT = 60


def _problem(body: Any) -> str:
    """The platform's own words from a problem body: its detail plus each error's message."""
    if not isinstance(body, dict):
        return ""
    words = [str(body.get("detail") or body.get("title") or "")]
    for error in body.get("errors") or []:
        if isinstance(error, dict) and error.get("message"):
            words.append(str(error["message"]))
    return " ".join(w for w in words if w)


def _reset_after(response: httpx.Response) -> float | None:
    """Seconds until the rate-limit window resets (``x-rate-limit-reset`` is epoch seconds)."""
    try:
        reset = float(response.headers.get("x-rate-limit-reset", ""))
    except ValueError:
        return None
    return max(reset - clock.now().timestamp(), 0.0)


class XConnector(HttpConnector):
    platform = "x"
    default_api_url = X_URL
    supports_delete = True
    supports_metrics = True

    def publish(self, *, account: Account, outgoing: Outgoing) -> Published:
        payload: dict[str, Any] = {"text": outgoing.text}
        with self._session(account) as client:
            if outgoing.media:
                payload["media"] = {"media_ids": [self._upload(client, m) for m in outgoing.media]}
            body = self.call(client, "POST", "/2/tweets", publishes=True, json=payload)
        tweet_id = _data(body, publishes=True).get("id")
        if not tweet_id:
            raise OutcomeUnknown(Reason.BAD_ANSWER, f"no post id in {body!r}"[:200])
        handle = account.handle.lstrip("@")
        return Published(str(tweet_id), f"https://x.com/{handle}/status/{tweet_id}")

    def delete(self, *, account: Account, remote_id: str) -> None:
        with self._session(account) as client:
            body = self.call(client, "DELETE", f"/2/tweets/{remote_id}", publishes=False)
        if _data(body, publishes=False).get("deleted") is not True:
            raise Rejected(Reason.REJECTED, f"X did not confirm the removal: {body!r}"[:200])

    def metrics(self, *, account: Account, remote_id: str) -> Metrics:
        with self._session(account) as client:
            body = self.call(
                client,
                "GET",
                f"/2/tweets/{remote_id}",
                publishes=False,
                params={"tweet.fields": "public_metrics"},
            )
        counts = _data(body, publishes=False).get("public_metrics") or {}
        return Metrics(
            likes=counts.get("like_count"),
            shares=counts.get("retweet_count"),
            replies=counts.get("reply_count"),
            views=counts.get("impression_count"),
        )

    def verify(self, *, account: Account) -> str:
        with self._session(account) as client:
            body = self.call(client, "GET", "/2/users/me", publishes=False)
        username = _data(body, publishes=False).get("username")
        if not username:
            raise Unavailable(Reason.BAD_ANSWER, f"no username in {body!r}"[:200])
        return f"@{username}"

    def raise_for(self, response: httpx.Response, body: Any, *, publishes: bool) -> None:
        detail = _problem(body) or f"HTTP {response.status_code}: {response.text[:200]}"
        status = response.status_code
        if status == 429:
            raise RateLimited(detail, _reset_after(response))
        if status == 401:
            raise AuthExpired(detail)
        if status in (400, 403):
            # 403 covers duplicate content and a suspended or unenrolled app: this post (or
            # this channel) will not go through as it is, however often it is tried.
            media = "/2/media" in response.request.url.path
            raise Rejected(Reason.MEDIA_REJECTED if media else Reason.REJECTED, detail)

    def _session(self, account: Account) -> httpx.Client:
        token = account.credentials.get("access_token", "")
        if not token:
            raise Rejected(Reason.MISCONFIGURED, "the channel has no access_token")
        client = self.client(account.api_url)
        client.headers["Authorization"] = f"Bearer {token}"
        return client

    def _upload(self, client: httpx.Client, medium: Medium) -> str:
        """Upload one file and return its media id once X can attach it to a post."""
        if medium.is_video or medium.content_type == "image/gif":
            media = self._upload_in_chunks(client, medium)
        else:
            body = self.call(
                client,
                "POST",
                "/2/media/upload",
                publishes=False,
                data={"media_category": "tweet_image"},
                files={"media": (medium.path.name, medium.path.read_bytes(), medium.content_type)},
            )
            media = _media(body)
        media = self._processed(client, media)
        if medium.alt_text and not medium.is_video:
            self.call(
                client,
                "POST",
                "/2/media/metadata",
                publishes=False,
                json={"id": media["id"], "metadata": {"alt_text": {"text": medium.alt_text}}},
            )
        return str(media["id"])

    def _upload_in_chunks(self, client: httpx.Client, medium: Medium) -> dict[str, Any]:
        category = "tweet_video" if medium.is_video else "tweet_gif"
        started = self.call(
            client,
            "POST",
            "/2/media/upload/initialize",
            publishes=False,
            json={
                "media_type": medium.content_type,
                "total_bytes": medium.size,
                "media_category": category,
            },
        )
        media_id = _media(started)["id"]
        with medium.path.open("rb") as file:
            segment = 0
            while chunk := file.read(CHUNK_BYTES):
                self.call(
                    client,
                    "POST",
                    f"/2/media/upload/{media_id}/append",
                    publishes=False,
                    data={"segment_index": str(segment)},
                    files={"media": (medium.path.name, chunk, "application/octet-stream")},
                )
                segment += 1
        finished = self.call(
            client, "POST", f"/2/media/upload/{media_id}/finalize", publishes=False
        )
        return _media(finished)

    def _processed(self, client: httpx.Client, media: dict[str, Any]) -> dict[str, Any]:
        """Wait while X processes the media (only videos and GIFs report processing)."""
        waited = 0.0
        while True:
            info = media.get("processing_info") or {}
            state = info.get("state", "succeeded")
            if state == "succeeded":
                return media
            if state == "failed":
                error = info.get("error") or {}
                raise Rejected(Reason.MEDIA_REJECTED, str(error.get("message") or info))
            pause = float(info.get("check_after_secs") or 1)
            if waited + pause > PROCESSING_WAIT:
                raise Unavailable(Reason.TIMEOUT, f"X was still processing media {media['id']}")
            time.sleep(pause)
            waited += pause
            media = _media(
                self.call(
                    client,
                    "GET",
                    "/2/media/upload",
                    publishes=False,
                    params={"command": "STATUS", "media_id": media["id"]},
                )
            )


def _data(body: Any, *, publishes: bool) -> dict[str, Any]:
    """The ``data`` object of a 2xx answer. X answers a missing post with 200 and an
    ``errors`` list instead."""
    if not isinstance(body, dict):
        body = {}
    if isinstance(body.get("data"), dict):
        return body["data"]
    for error in body.get("errors") or []:
        if isinstance(error, dict) and str(error.get("type", "")).endswith("/resource-not-found"):
            raise Rejected(Reason.NOT_FOUND, _problem(error))
    unknown = OutcomeUnknown if publishes else Unavailable
    raise unknown(Reason.BAD_ANSWER, f"no data in {body!r}"[:200])


def _media(body: Any) -> dict[str, Any]:
    media = _data(body, publishes=False)
    if not media.get("id"):
        raise Unavailable(Reason.BAD_ANSWER, f"no media id in {body!r}"[:200])
    return media
