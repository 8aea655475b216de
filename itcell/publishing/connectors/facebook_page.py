"""Facebook Page connector over the Graph API.

Docs:
- Posting to a Page: https://developers.facebook.com/docs/pages-api/getting-started
- Page feed: https://developers.facebook.com/docs/graph-api/reference/page/feed
- Photos, single and multi-photo posts: https://developers.facebook.com/docs/graph-api/photo-uploads
  and https://developers.facebook.com/docs/graph-api/reference/page/photos
- Videos: https://developers.facebook.com/docs/video-api/guides/publishing
- Errors: https://developers.facebook.com/docs/graph-api/guides/error-handling
- Rate limits: https://developers.facebook.com/docs/graph-api/overview/rate-limiting

Text goes to ``/{page}/feed``; one image to ``/{page}/photos`` (the photo and its story in one
call); several images are uploaded unpublished and then attached to one ``/{page}/feed`` post;
one video goes to ``/{page}/videos``. The Graph API has no idempotency key and no way to look a
post up by one, so a timeout on the publishing call is an unknown outcome.

The page access token travels in the ``Authorization: Bearer`` header, never in a URL or form.
"""

import json
from typing import Any

import httpx

from itcell.publishing.connectors.base import Account, Medium, Metrics, Outgoing, Published
from itcell.publishing.connectors.http import HttpConnector, retry_after
from itcell.publishing.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Reason,
    Rejected,
    Unavailable,
)

GRAPH_URL = "https://graph.facebook.com/v21.0"
METRIC_FIELDS = (
    "shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
)

# Graph API error codes (error-handling guide).
TOKEN_CODES = {102, 190}  # the session or token expired, was revoked or is invalid
THROTTLE_CODES = {4, 17, 32, 613, 80001}  # app, user, page and business-use-case limits
TRANSIENT_CODES = {1, 2}  # "unknown" and "service": temporary, "is_transient": true
REFUSED_CODES = {100, 368}  # invalid parameter; blocked for policy (incl. "already posted")
NONEXISTENT_SUBCODE = 33  # with code 100: the object does not exist (or is not ours)


def _is_permission_code(code: object) -> bool:
    # 10 and 200-299: a permission was never granted or has been removed; the cure is the
    # same as for an expired token, so the channel is asked to re-authorise.
    return code == 10 or (isinstance(code, int) and 200 <= code <= 299)


def _regain_access_after(response: httpx.Response) -> float | None:
    """Seconds until a throttled Page token may call again, from the business-use-case
    header (minutes, per business object), else ``Retry-After``."""
    try:
        usage = json.loads(response.headers.get("X-Business-Use-Case-Usage", ""))
        minutes = [
            entry.get("estimated_time_to_regain_access", 0)
            for entries in usage.values()
            for entry in entries
        ]
    except (ValueError, AttributeError, TypeError):
        return retry_after(response)
    longest = max((m for m in minutes if isinstance(m, int | float)), default=0)
    return float(longest * 60) if longest > 0 else retry_after(response)


class FacebookPageConnector(HttpConnector):
    platform = "facebook"
    default_api_url = GRAPH_URL
    supports_delete = True
    supports_metrics = True

    def publish(self, *, account: Account, outgoing: Outgoing) -> Published:
        page_id = account.options.get("page_id") or account.handle
        videos = [m for m in outgoing.media if m.is_video]
        images = [m for m in outgoing.media if not m.is_video]
        if videos and (images or len(videos) > 1):
            raise Rejected(
                Reason.UNSUPPORTED, "a Facebook Page post carries one video and nothing else"
            )
        with self._session(account) as client:
            if videos:
                body = self._call_for_id(
                    client,
                    f"/{page_id}/videos",
                    publishes=True,
                    data={"description": outgoing.text},
                    files=self._source(videos[0]),
                )
            elif len(images) == 1:
                body = self._call_for_id(
                    client,
                    f"/{page_id}/photos",
                    publishes=True,
                    data=self._photo_fields(images[0], message=outgoing.text),
                    files=self._source(images[0]),
                )
            else:
                fields = {"message": outgoing.text}
                for index, image in enumerate(images):
                    # Unpublished photos make no story of their own: a failure here is safe.
                    photo = self._call_for_id(
                        client,
                        f"/{page_id}/photos",
                        publishes=False,
                        data=self._photo_fields(image, published="false"),
                        files=self._source(image),
                    )
                    fields[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo["id"]})
                body = self._call_for_id(client, f"/{page_id}/feed", publishes=True, data=fields)
        # A photo answers with its own id and the id of the story that shows it; the story is
        # the post (what metrics count and delete removes).
        remote_id = str(body.get("post_id") or body["id"])
        return Published(remote_id, f"https://www.facebook.com/{remote_id}")

    def delete(self, *, account: Account, remote_id: str) -> None:
        with self._session(account) as client:
            body = self.call(client, "DELETE", f"/{remote_id}", publishes=False)
        if not (isinstance(body, dict) and body.get("success") is True):
            raise Rejected(Reason.REJECTED, f"Facebook did not confirm the removal: {body!r}")

    def metrics(self, *, account: Account, remote_id: str) -> Metrics:
        with self._session(account) as client:
            body = self.call(
                client, "GET", f"/{remote_id}", publishes=False, params={"fields": METRIC_FIELDS}
            )
        if not isinstance(body, dict):
            raise Unavailable(Reason.BAD_ANSWER, f"no engagement in {body!r}")
        return Metrics(
            likes=_summary_total(body, "reactions"),
            # Facebook leaves "shares" out until a post has been shared at least once.
            shares=int((body.get("shares") or {}).get("count", 0)),
            replies=_summary_total(body, "comments"),
        )

    def verify(self, *, account: Account) -> str:
        with self._session(account) as client:
            body = self.call(client, "GET", "/me", publishes=False, params={"fields": "id,name"})
        if not (isinstance(body, dict) and body.get("name")):
            raise Unavailable(Reason.BAD_ANSWER, f"no Page name in {body!r}")
        return str(body["name"])

    def raise_for(self, response: httpx.Response, body: Any, *, publishes: bool) -> None:
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return  # not a Graph error body: the status decides
        code = error.get("code")
        message = str(error.get("message") or "")
        if code in TOKEN_CODES or _is_permission_code(code):
            raise AuthExpired(message)
        if code in THROTTLE_CODES:
            raise RateLimited(message, _regain_access_after(response))
        if code in TRANSIENT_CODES:
            if publishes:
                # Facebook has been seen to publish a post and still answer code 1 or 2
                # (koala#699: seven copies of one photo; php-graph-sdk#1141); retrying
                # blindly would post it twice.
                raise OutcomeUnknown(Reason.SERVER_ERROR, message)
            raise Unavailable(Reason.SERVER_ERROR, message, retry_after(response))
        if code == 100 and error.get("error_subcode") == NONEXISTENT_SUBCODE:
            raise Rejected(Reason.NOT_FOUND, message)
        if code in REFUSED_CODES:
            raise Rejected(Reason.REJECTED, message)

    def _session(self, account: Account) -> httpx.Client:
        token = account.credentials.get("page_access_token", "")
        if not token:
            raise Rejected(Reason.MISCONFIGURED, "the channel has no page_access_token")
        client = self.client(account.api_url)
        client.headers["Authorization"] = f"Bearer {token}"
        return client

    def _call_for_id(
        self, client: httpx.Client, url: str, *, publishes: bool, **kwargs: Any
    ) -> dict[str, Any]:
        body = self.call(client, "POST", url, publishes=publishes, **kwargs)
        if not (isinstance(body, dict) and body.get("id")):
            unknown = OutcomeUnknown if publishes else Unavailable
            raise unknown(Reason.BAD_ANSWER, f"no id in {body!r}"[:200])
        return body

    @staticmethod
    def _photo_fields(image: Medium, **fields: str) -> dict[str, str]:
        if image.alt_text:
            fields["alt_text_custom"] = image.alt_text
        return fields

    @staticmethod
    def _source(medium: Medium) -> dict[str, tuple[str, bytes, str]]:
        return {"source": (medium.path.name, medium.path.read_bytes(), medium.content_type)}


def _summary_total(body: dict[str, Any], edge: str) -> int | None:
    total = ((body.get(edge) or {}).get("summary") or {}).get("total_count")
    return int(total) if total is not None else None
