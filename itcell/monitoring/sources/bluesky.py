"""Public Bluesky posts through the AppView's XRPC HTTP API: a search, or one account's feed.

Docs:
- ``app.bsky.feed.searchPosts``: https://docs.bsky.app/docs/api/app-bsky-feed-search-posts
- ``app.bsky.feed.getAuthorFeed``: https://docs.bsky.app/docs/api/app-bsky-feed-get-author-feed
- PostView and FeedViewPost (``lexicons/app/bsky/feed/defs.json``), the post record
  (``app.bsky.feed.post``): https://docs.bsky.app/docs/advanced-guides/posts
- Errors ``{"error": "Name", "message": "..."}`` and status codes: https://atproto.com/specs/xrpc
- Rate limits (``RateLimit-Reset``, epoch seconds): https://docs.bsky.app/docs/advanced-guides/rate-limits

Why polling over HTTP and not Jetstream: Jetstream is a websocket firehose of every post on
the network (thousands a second) with no search; filtering it for a query needs a process
that stays connected and sees everything, which ``poll_source`` (one short fetch per interval
through ``django.tasks``) is not. The search and feed endpoints answer the question a source
asks ("what is new for this query or account") in one bounded request, so this is what ships;
a Jetstream consumer can come later as its own long-running worker feeding ``ingest``.

Bluesky's public AppView has refused unauthenticated ``searchPosts`` at times, and its
``cursor`` parameter there (bluesky-social/atproto#3423, #2838, bsky-docs#296): that 403 is
reported as ``Misconfigured`` saying so. ``actor`` feeds are served without an account.

Both endpoints answer newest first, paged by an opaque ``cursor``. The source's cursor keeps
the sort time of the newest post stored (``sortAt``: the earlier of ``createdAt`` and
``indexedAt``, as the AppView orders them; a repost in an author feed sorts by when it was
reposted) and the posts at that exact time, so the next poll pages down until it passes
that time and stops. When ``max_pages`` runs out first, the API cursor is kept and the next
poll carries on from there down to the old time before starting again from the top, so a
burst is read over several polls and nothing in it is skipped. The first poll reads only
the newest page: a query is watched from now on, not backfilled. A post whose author's clock
dates it before the newest one stored sorts below it and is not seen: the API offers no way
to ask for posts indexed after a moment.
"""

import json
from datetime import UTC, timedelta
from typing import Any

import httpx
from django.utils.translation import gettext as _

from itcell.core.errors import Problem
from itcell.monitoring.errors import Malformed, Misconfigured, RateLimited, Unreachable
from itcell.monitoring.sources.base import Batch, Cursor, RawItem, SourceBackend
from itcell.monitoring.sources.http import (
    BadEntry,
    aware_datetime,
    check_paging,
    count,
    get_answer,
    origin,
    reset_delay,
)
from itcell.publishing.connectors.http import retry_after, tls_context

PUBLIC_APPVIEW = "https://public.api.bsky.app"
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
AUTHOR_FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
DEFAULT_TIMEOUT = 20.0  # seconds, for connecting and between two chunks of the answer
DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # a page of 100 posts is well under 1 MB
MAX_LIMIT = 100  # the API's own ceiling per page
DEFAULT_MAX_PAGES = 5
REPOST = "app.bsky.feed.defs#reasonRepost"
USER_AGENT = "itcell-monitoring/1.0 (+Bluesky reader; polls every few minutes)"


class BlueskySource(SourceBackend):
    platform = "bluesky"
    supports_engagement = True
    default_interval = timedelta(minutes=5)

    def __init__(
        self,
        *,
        service: str = PUBLIC_APPVIEW,
        query: str = "",
        actor: str = "",
        limit: int = MAX_LIMIT,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        author_kind: str = "public",
        transport: Any = None,  # tests may pass an httpx transport
    ) -> None:
        self.service = _base_url(service)
        query, actor = query.strip(), actor.strip().lstrip("@")
        if bool(query) == bool(actor):
            raise Misconfigured(_("give either a query or an actor, not both or neither"))
        check_paging(limit=limit, max_pages=max_pages, most=MAX_LIMIT)
        if query:
            self.path = SEARCH
            self.params: dict[str, Any] = {"q": query, "sort": "latest", "limit": limit}
        else:
            self.path = AUTHOR_FEED
            self.params = {"actor": actor, "limit": limit}
        self.max_pages = max_pages
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.author_kind = author_kind
        self.transport = transport
        self.where = f"{self.service}{self.path}"

    def fetch(self, cursor: Cursor) -> Batch:
        # Anything else (a cursor kept from another backend) starts from the newest page.
        state = dict(cursor) if isinstance(cursor, dict) else {}
        floor, floor_seen = str(state.get("newest") or ""), set(state.get("seen") or ())
        resume = str(state.get("resume") or "")
        # While catching up, the top of the pass was fixed when it began.
        top, top_seen = str(state.get("top") or ""), set(state.get("top_seen") or ())
        api_cursor = resume
        items: list[RawItem] = []
        problems: list[Problem] = []
        reached = False
        position = 0
        with self._client() as client:
            for _page in range(self.max_pages if floor else 1):
                params = {**self.params, **({"cursor": api_cursor} if api_cursor else {})}
                entries, api_cursor = self._get(client, params)
                for entry in entries:
                    position += 1
                    try:
                        item, sort_at = self._item(entry)
                    except BadEntry as bad:
                        problems.append(Problem(bad.message, self.where, position, bad.field))
                        continue
                    if floor and (
                        sort_at < floor or (sort_at == floor and item.external_id in floor_seen)
                    ):
                        reached = True
                        continue  # stored by an earlier poll
                    if not resume:  # the pass began at the top: track its newest posts
                        if sort_at > top:
                            top, top_seen = sort_at, set()
                        if sort_at == top:
                            top_seen.add(item.external_id)
                    items.append(item)
                if reached or not entries or not api_cursor:
                    reached = True
                    break
        if not top or top < floor:
            top, top_seen = floor, floor_seen
        elif top == floor:
            top_seen |= floor_seen
        if reached or not floor:
            new_cursor: dict[str, Any] = {"newest": top, "seen": sorted(top_seen)}
        else:
            # The bound ran out above the old floor: carry on from here next time.
            new_cursor = {
                "newest": floor,
                "seen": sorted(floor_seen),
                "resume": api_cursor,
                "top": top,
                "top_seen": sorted(top_seen),
            }
        return Batch(items=items, cursor=new_cursor if top else None, problems=problems)

    def _client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.service,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=self.timeout,
            transport=self.transport,
            follow_redirects=False,
            verify=tls_context(),
        )

    def _get(self, client: httpx.Client, params: dict[str, Any]) -> tuple[list[Any], str]:
        body, response = get_answer(
            client,
            self.path,
            params=params,
            max_bytes=self.max_bytes,
            where=self.where,
            timeout=self.timeout,
        )
        if not response.is_success:
            self._raise_for(response, body)
        try:
            answer = json.loads(body.decode("utf-8"))
        except ValueError as exc:  # UnicodeDecodeError is a ValueError too
            raise Malformed(f"{self.where}: not JSON ({exc})") from exc
        key = "posts" if self.path == SEARCH else "feed"
        entries = answer.get(key) if isinstance(answer, dict) else None
        if not isinstance(entries, list):
            raise Malformed(f"{self.where}: expected an object with a {key!r} list")
        next_cursor = answer.get("cursor")
        return entries, next_cursor if isinstance(next_cursor, str) else ""

    def _raise_for(self, response: httpx.Response, body: bytes) -> None:
        status = response.status_code
        try:
            answer = json.loads(body.decode("utf-8"))
        except ValueError:
            answer = None
        name = str(answer.get("error") or "") if isinstance(answer, dict) else ""
        message = str(answer.get("message") or "") if isinstance(answer, dict) else ""
        said = ": ".join(w for w in (name, message) if w) or body[:200].decode(errors="replace")
        detail = f"HTTP {status} from {self.where}: {said}"
        if status == 429:
            raise RateLimited(detail, _reset_after(response))
        if status in (401, 403) and self.path == SEARCH:
            raise Misconfigured(
                _(
                    "the Bluesky service refused the search (%(detail)s). Bluesky's public "
                    "service sometimes turns off search for visitors without an account: "
                    "follow an actor instead, or set service to one that allows search"
                )
                % {"detail": detail}
            )
        if status in (401, 403):
            raise Misconfigured(
                _("the Bluesky service refused the request (%(detail)s): check the service")
                % {"detail": detail}
            )
        if 400 <= status < 500 and status != 408:
            # 400 InvalidRequest covers an unknown actor ("Profile not found") and a bad query.
            raise Misconfigured(
                _("the Bluesky service refused the options (%(detail)s): check the query or actor")
                % {"detail": detail}
            )
        if 300 <= status < 400:
            raise Misconfigured(
                _("the service redirected to %(where)s: use that address as the service")
                % {"where": response.headers.get("Location", "?")}
            )
        raise Unreachable(detail)

    def _item(self, entry: Any) -> tuple[RawItem, str]:
        """One entry as an item, with the time it sorts by (UTC, ISO 8601, comparable)."""
        reason = None
        if self.path == AUTHOR_FEED:  # a FeedViewPost wraps the PostView
            if not isinstance(entry, dict):
                raise BadEntry(_("the feed entry is not a JSON object"))
            reason, entry = entry.get("reason"), entry.get("post")
        if not isinstance(entry, dict):
            raise BadEntry(_("the post is not a JSON object"))
        uri, record = entry.get("uri"), entry.get("record")
        if not isinstance(uri, str) or not uri.startswith("at://"):
            raise BadEntry(_("the post has no at:// uri"), "uri")
        if not isinstance(record, dict):
            raise BadEntry(_("the post has no record"), "record")
        text = record.get("text")
        if not isinstance(text, str):
            raise BadEntry(_("the post's text is not text"), "record.text")
        created, indexed = (
            aware_datetime(record.get("createdAt")),
            aware_datetime(entry.get("indexedAt")),
        )
        published = created or indexed
        if published is None:
            raise BadEntry(_("the post has no valid createdAt time"), "record.createdAt")
        text = text.strip() or "\n".join(_alt_texts(record.get("embed")))
        if not text:
            raise BadEntry(_("the post has no text (images without a description)"), "record.text")
        sort_at = min(t for t in (created, indexed) if t is not None)
        if isinstance(reason, dict) and reason.get("$type") == REPOST:
            sort_at = aware_datetime(reason.get("indexedAt")) or sort_at
        author = entry.get("author")
        if not isinstance(author, dict):
            author = {}
        handle = str(author.get("handle") or "")
        did = uri.removeprefix("at://").split("/")[0]
        rkey = uri.rsplit("/", 1)[-1]
        name = str(author.get("displayName") or "").strip()
        shown = f"@{handle}" if handle else did
        item = RawItem(
            external_id=uri,
            text=text,
            published_at=published,
            # A broken handle shows as "handle.invalid": the DID still finds the profile.
            url=f"https://bsky.app/profile/{handle if _valid(handle) else did}/post/{rkey}",
            author=f"{name} ({shown})" if name else shown,
            author_kind=self.author_kind,
            likes=count(entry.get("likeCount")),
            shares=count(entry.get("repostCount")),
            replies=count(entry.get("replyCount")),
        )
        return item, sort_at.astimezone(UTC).isoformat(timespec="microseconds")


def _base_url(service: str) -> str:
    base = origin(service)  # http only for a dev AppView on this machine, the tests
    if base is None:
        raise Misconfigured(
            _("the service must be an https:// address, such as %(url)s") % {"url": PUBLIC_APPVIEW}
        )
    return base


def _reset_after(response: httpx.Response) -> float | None:
    """Seconds until the rate limit resets: ``Retry-After`` if sent, else ``RateLimit-Reset``
    (epoch seconds)."""
    seconds = retry_after(response)
    if seconds is not None:
        return seconds
    return reset_delay(response, "RateLimit-Reset", epoch=True)


def _alt_texts(embed: object) -> list[str]:
    images = embed.get("images") if isinstance(embed, dict) else None
    if not isinstance(images, list):
        return []
    return [
        i["alt"].strip()
        for i in images
        if isinstance(i, dict) and isinstance(i.get("alt"), str) and i["alt"].strip()
    ]


def _valid(handle: str) -> bool:
    return bool(handle) and handle != "handle.invalid" and "/" not in handle
