"""Bluesky connector over the atproto XRPC API of the account's PDS, signed in with an app
password.

Docs:
- Posts, images, links, languages: https://docs.bsky.app/docs/advanced-guides/posts
- Rich text facets (UTF-8 byte offsets): https://docs.bsky.app/docs/advanced-guides/post-richtext
- Video by ``uploadBlob`` (the simple method): https://docs.bsky.app/docs/tutorials/video
- Record keys and TIDs: https://atproto.com/specs/record-key, https://atproto.com/specs/tid
- Endpoints: https://docs.bsky.app/docs/api/com-atproto-server-create-session,
  https://docs.bsky.app/docs/api/com-atproto-repo-upload-blob,
  https://docs.bsky.app/docs/api/com-atproto-repo-create-record,
  https://docs.bsky.app/docs/api/com-atproto-repo-get-record,
  https://docs.bsky.app/docs/api/com-atproto-repo-delete-record,
  https://docs.bsky.app/docs/api/app-bsky-feed-get-posts
- Errors and status codes: https://atproto.com/specs/xrpc
- Rate limits: https://docs.bsky.app/docs/advanced-guides/rate-limits

Idempotency rests on the record key. We pass our own ``rkey``, derived from the delivery (see
``record_key``), and a repository holds one record per key: the PDS refuses a second create at
that key (today with a bare ``500 InternalServerError``, bluesky-social/atproto#3718; an
explicit XRPC error is proposed in atproto#4728). Because that refusal reads like any server
error, ``publish`` first looks the key up with ``getRecord`` and returns the post that is
already there, so a retry after an unknown outcome returns the earlier post instead of failing
or posting twice.

Sessions: ``createSession`` is limited to 30 per 5 minutes and 100-300 a day per account, so
the access token is kept per account in the connector and made again only when the PDS says
it expired. XRPC errors are ``{"error": "Name", "message": "..."}``.
"""

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
from itcell.publishing.limits import graphemes

BSKY_URL = "https://bsky.social"
POST = "app.bsky.feed.post"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# The PDS's ways of saying the session or the account no longer works. A taken-down or
# deactivated account stops the channel too: a person has to sort it out on Bluesky.
AUTH_ERRORS = {
    "ExpiredToken",
    "InvalidToken",
    "AuthenticationRequired",
    "AuthFactorTokenRequired",
    "AccountTakedown",
    "AccountDeactivated",
}

LINK = re.compile(r"(?:^|(?<=[\s(]))https?://\S+")
HASHTAG = re.compile(r"(?:^|(?<=\s))[#＃](\S+)")
MAX_TAG_GRAPHEMES = 64  # app.bsky.richtext.facet#tag


def record_key(outgoing: Outgoing) -> str:
    """The post's record key: a TID (13 base32-sortable characters of a 64-bit integer whose
    top bit is 0, then 53 bits of microseconds since the epoch, then a 10-bit clock id).

    We fill it deterministically so every try of one delivery names the same record: the
    microseconds are the delivery's ``created_at`` and the clock id is taken from a hash of
    its idempotency key, so two deliveries made in the same microsecond still differ (but
    for 1 in 1,024) and keys stay ordered by when the deliveries were made.
    """
    if outgoing.created_at is None:
        raise Rejected(
            Reason.MISCONFIGURED, "a Bluesky post needs the delivery's created_at for its key"
        )
    micros = (outgoing.created_at - EPOCH) // timedelta(microseconds=1)
    digest = hashlib.sha256(outgoing.idempotency_key.encode()).digest()
    clock_id = int.from_bytes(digest[:2], "big") & 0x3FF
    value = (micros << 10) | clock_id
    return "".join(TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def facets(text: str) -> list[dict[str, Any]]:
    """Links and hashtags in ``text`` as rich-text facets. Their offsets count UTF-8 bytes, not
    characters: in Hindi one character is three bytes."""
    found = []
    for match in LINK.finditer(text):
        url = _trim_link(match.group())
        feature = {"$type": "app.bsky.richtext.facet#link", "uri": url}
        found.append(_facet(text, match.start(), match.start() + len(url), feature))
    for match in HASHTAG.finditer(text):
        tag = match.group(1)
        while tag and unicodedata.category(tag[-1]).startswith("P"):  # "।", ".", "!"
            tag = tag[:-1]
        if tag and not tag.isdigit() and graphemes(tag) <= MAX_TAG_GRAPHEMES:
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": tag}
            found.append(_facet(text, match.start(), match.start(1) + len(tag), feature))
    return found


def _trim_link(url: str) -> str:
    # Punctuation that ends a sentence is not part of the link; a ")" only when unopened.
    while url and (
        url[-1] in ".,;:!?'\""
        or (url[-1] == ")" and "(" not in url)
        or (not url[-1].isascii() and unicodedata.category(url[-1]).startswith("P"))
    ):
        url = url[:-1]
    return url


def _facet(text: str, start: int, end: int, feature: dict[str, str]) -> dict[str, Any]:
    return {
        "index": {
            "byteStart": len(text[:start].encode()),
            "byteEnd": len(text[:end].encode()),
        },
        "features": [feature],
    }


def _reset_after(response: httpx.Response) -> float | None:
    """Seconds until the rate limit resets: ``Retry-After`` if sent, else ``ratelimit-reset``
    (epoch seconds)."""
    seconds = retry_after(response)
    if seconds is not None:
        return seconds
    try:
        reset = float(response.headers.get("ratelimit-reset", ""))
    except ValueError:
        return None
    return max(reset - clock.now().timestamp(), 0.0)


@dataclass(frozen=True)
class Session:
    access_jwt: str
    did: str
    handle: str


class BlueskyConnector(HttpConnector):
    """``Account.credentials`` holds ``identifier`` (the handle) and ``app_password``;
    ``Account.options`` may hold ``langs``, comma-separated language tags for every post."""

    platform = "bluesky"
    default_api_url = BSKY_URL
    idempotent_publish = True
    can_find = True
    supports_delete = True
    supports_metrics = True

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, transport: Any = None) -> None:
        super().__init__(timeout=timeout, transport=transport)
        self._sessions: dict[tuple[str, str, str], Session] = {}

    def publish(self, *, account: Account, outgoing: Outgoing) -> Published:
        rkey = record_key(outgoing)
        embed_kind = _embed_kind(outgoing.media)

        def create(client: httpx.Client, session: Session) -> Published:
            existing = self._get_post(client, session, rkey)
            if existing is not None:
                return existing
            record: dict[str, Any] = {
                "$type": POST,
                "text": outgoing.text,
                "createdAt": _timestamp(clock.now()),
            }
            if langs := _langs(account):
                record["langs"] = langs
            if found := facets(outgoing.text):
                record["facets"] = found
            if embed_kind:
                blobs = [self._upload(client, medium) for medium in outgoing.media]
                record["embed"] = _embed(embed_kind, outgoing.media, blobs)
            body = self.call(
                client,
                "POST",
                "/xrpc/com.atproto.repo.createRecord",
                publishes=True,
                json={"repo": session.did, "collection": POST, "rkey": rkey, "record": record},
            )
            if not isinstance(body, dict) or not body.get("uri"):
                raise OutcomeUnknown(Reason.BAD_ANSWER, f"no record uri in {body!r}"[:200])
            return Published(str(body["uri"]), _post_url(session, rkey))

        return self._signed_in(account, create)

    def find(self, *, account: Account, outgoing: Outgoing) -> Published | None:
        rkey = record_key(outgoing)
        return self._signed_in(
            account, lambda client, session: self._get_post(client, session, rkey)
        )

    def delete(self, *, account: Account, remote_id: str) -> None:
        did, collection, rkey = _parse_uri(remote_id)

        def remove(client: httpx.Client, session: Session) -> None:
            if did != session.did:
                raise Rejected(Reason.NOT_FOUND, f"{remote_id} is not this account's post")
            self.call(
                client,
                "POST",
                "/xrpc/com.atproto.repo.deleteRecord",
                publishes=False,
                json={"repo": did, "collection": collection, "rkey": rkey},
            )

        self._signed_in(account, remove)

    def metrics(self, *, account: Account, remote_id: str) -> Metrics:
        def read(client: httpx.Client, session: Session) -> Any:
            return self.call(
                client,
                "GET",
                "/xrpc/app.bsky.feed.getPosts",
                publishes=False,
                params={"uris": remote_id},
            )

        body = self._signed_in(account, read)
        posts = body.get("posts") if isinstance(body, dict) else None
        if not isinstance(posts, list):
            raise Unavailable(Reason.BAD_ANSWER, f"no posts in {body!r}"[:200])
        if not posts or not isinstance(posts[0], dict):
            raise Rejected(Reason.NOT_FOUND, f"Bluesky has no post {remote_id}")
        post = posts[0]
        reposts, quotes = post.get("repostCount"), post.get("quoteCount")
        # A quote is a share with a comment: both spread the post to other timelines.
        shares = None if reposts is None and quotes is None else (reposts or 0) + (quotes or 0)
        return Metrics(likes=post.get("likeCount"), shares=shares, replies=post.get("replyCount"))

    def verify(self, *, account: Account) -> str:
        # A fresh session, so the app password itself is checked, not a token kept from before.
        with self._client(account) as client:
            session = self._create_session(client, account)
        return f"@{session.handle}"

    def raise_for(self, response: httpx.Response, body: Any, *, publishes: bool) -> None:
        name = str(body.get("error") or "") if isinstance(body, dict) else ""
        message = str(body.get("message") or "") if isinstance(body, dict) else ""
        detail = ": ".join(w for w in (name, message) if w) or (
            f"HTTP {response.status_code}: {response.text[:200]}"
        )
        status = response.status_code
        if status == 429:
            raise RateLimited(detail, _reset_after(response))
        if name in AUTH_ERRORS or status == 401:
            raise AuthExpired(detail)
        if name == "RecordNotFound" or status == 404:
            raise Rejected(Reason.NOT_FOUND, detail)
        if 400 <= status < 500:
            upload = response.request.url.path.endswith("uploadBlob")
            raise Rejected(Reason.MEDIA_REJECTED if upload else Reason.REJECTED, detail)
        # 5xx: the shared mapping applies (a 504 on createRecord may have published).

    def _signed_in[T](self, account: Account, work: Callable[[httpx.Client, Session], T]) -> T:
        """Run ``work`` with a session, making a new one once if the kept one has expired."""
        with self._client(account) as client:
            session = self._sessions.get(self._session_key(account))
            if session is None:
                session = self._create_session(client, account)
                return work(client, session)
            client.headers["Authorization"] = f"Bearer {session.access_jwt}"
            try:
                return work(client, session)
            except AuthExpired:
                # The PDS refused the token before acting, so nothing was written: safe to redo.
                session = self._create_session(client, account)
                return work(client, session)

    def _client(self, account: Account) -> httpx.Client:
        if not account.credentials.get("identifier") or not account.credentials.get("app_password"):
            raise Rejected(Reason.MISCONFIGURED, "the channel has no identifier or app_password")
        return self.client(account.api_url)

    def _session_key(self, account: Account) -> tuple[str, str, str]:
        # The password's hash is part of the key, so a re-authorised channel gets a new session.
        password = hashlib.sha256(account.credentials["app_password"].encode()).hexdigest()
        api_url = account.api_url or self.default_api_url
        return (api_url, account.credentials["identifier"], password)

    def _create_session(self, client: httpx.Client, account: Account) -> Session:
        key = self._session_key(account)
        self._sessions.pop(key, None)
        client.headers.pop("Authorization", None)
        body = self.call(
            client,
            "POST",
            "/xrpc/com.atproto.server.createSession",
            publishes=False,
            json={
                "identifier": account.credentials["identifier"],
                "password": account.credentials["app_password"],
            },
        )
        if not isinstance(body, dict) or not all(body.get(k) for k in ("accessJwt", "did")):
            raise Unavailable(Reason.BAD_ANSWER, "no session in the createSession answer")
        status = body.get("status", "active")
        if status != "active":
            raise AuthExpired(f"the Bluesky account is {status}")
        session = Session(
            access_jwt=str(body["accessJwt"]),
            did=str(body["did"]),
            handle=str(body.get("handle") or account.credentials["identifier"]),
        )
        self._sessions[key] = session
        client.headers["Authorization"] = f"Bearer {session.access_jwt}"
        return session

    def _get_post(self, client: httpx.Client, session: Session, rkey: str) -> Published | None:
        try:
            body = self.call(
                client,
                "GET",
                "/xrpc/com.atproto.repo.getRecord",
                publishes=False,
                params={"repo": session.did, "collection": POST, "rkey": rkey},
            )
        except Rejected as exc:
            if exc.reason == Reason.NOT_FOUND:
                return None
            raise
        if not isinstance(body, dict) or not body.get("uri"):
            raise Unavailable(Reason.BAD_ANSWER, f"no record uri in {body!r}"[:200])
        return Published(str(body["uri"]), _post_url(session, rkey))

    def _upload(self, client: httpx.Client, medium: Medium) -> dict[str, Any]:
        body = self.call(
            client,
            "POST",
            "/xrpc/com.atproto.repo.uploadBlob",
            publishes=False,
            content=medium.path.read_bytes(),
            headers={"Content-Type": medium.content_type},
        )
        if not isinstance(body, dict) or not isinstance(body.get("blob"), dict):
            raise Unavailable(Reason.BAD_ANSWER, f"no blob in {body!r}"[:200])
        return body["blob"]


def _embed_kind(media: tuple[Medium, ...]) -> str:
    """Which embed carries ``media``: a post holds images or one video, never both."""
    videos = sum(1 for m in media if m.is_video)
    if not videos:
        return "images" if media else ""
    if len(media) > 1:
        raise Rejected(Reason.MEDIA_REJECTED, "a Bluesky post takes images or one video")
    return "video"


def _embed(kind: str, media: tuple[Medium, ...], blobs: list[dict[str, Any]]) -> dict[str, Any]:
    if kind == "video":
        embed: dict[str, Any] = {"$type": "app.bsky.embed.video", "video": blobs[0]}
        if media[0].alt_text:
            embed["alt"] = media[0].alt_text
        return embed
    return {
        "$type": "app.bsky.embed.images",
        "images": [
            {"alt": medium.alt_text, "image": blob}
            for medium, blob in zip(media, blobs, strict=True)
        ],
    }


def _timestamp(at: datetime) -> str:
    # atproto datetimes are RFC 3339; the docs prefer "Z" to "+00:00".
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _langs(account: Account) -> list[str]:
    return [lang.strip() for lang in account.options.get("langs", "").split(",") if lang.strip()]


def _post_url(session: Session, rkey: str) -> str:
    return f"https://bsky.app/profile/{session.handle}/post/{rkey}"


def _parse_uri(uri: str) -> tuple[str, str, str]:
    """``at://<did>/<collection>/<rkey>`` as its three parts."""
    parts = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(parts) != 3 or not all(parts):
        raise Rejected(Reason.NOT_FOUND, f"{uri!r} is not a Bluesky post address")
    return parts[0], parts[1], parts[2]
