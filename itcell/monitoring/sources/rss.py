"""News sites' feeds, RSS 2.0 and Atom, read with feedparser over httpx.

Each poll is one conditional GET (``If-None-Match`` / ``If-Modified-Since`` from the cursor),
so an unchanged feed costs the site a 304 and us nothing. The body is read in chunks and
reading stops at ``max_bytes``: a feed that answers with 50 MB (by mistake or on purpose)
costs at most that much memory. A feed that is not well formed, or whose bytes are not in
the encoding it declares, is refused as a whole (``Malformed``): feedparser would guess at
it, and a wrong guess stores garbled text under ids that then never come again.
"""

import hashlib
import html
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import httpx
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from itcell.core import clock
from itcell.core.errors import Problem
from itcell.monitoring.errors import Malformed, Misconfigured, RateLimited, Unreachable
from itcell.monitoring.sources.base import Batch, Cursor, RawItem, SourceBackend
from itcell.monitoring.sources.http import read_body_from
from itcell.publishing.connectors.http import retry_after, tls_context

DEFAULT_TIMEOUT = 20.0  # seconds, for connecting and between two chunks of the answer
DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # the largest news feeds are well under 1 MB
USER_AGENT = "itcell-monitoring/1.0 (+feed reader; polls every few minutes)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
)
MAX_REDIRECTS = 5


class RSSSource(SourceBackend):
    platform = "web"
    supports_conditional_fetch = True
    default_interval = timedelta(minutes=10)

    def __init__(
        self,
        *,
        url: str,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        author_kind: str = "media",
        transport: Any = None,  # tests may pass an httpx transport
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise Misconfigured(_("the feed's url must start with http:// or https://"))
        self.url = url
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.author_kind = author_kind
        self.transport = transport

    def fetch(self, cursor: Cursor) -> Batch:
        cursor = dict(cursor or {})
        headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
        if cursor.get("etag"):
            headers["If-None-Match"] = cursor["etag"]
        if cursor.get("last_modified"):
            headers["If-Modified-Since"] = cursor["last_modified"]
        body, response = self._get(headers)
        if response.status_code == 304:
            return Batch(items=[], cursor=cursor)
        parsed = feedparser.parse(
            body,
            response_headers={
                "content-type": response.headers.get("Content-Type", "application/xml"),
                "content-location": str(response.url),
            },
        )
        self._refuse_if_broken(parsed)
        items, problems = self._items(parsed)
        return Batch(
            items=items,
            cursor={
                "etag": response.headers.get("ETag", ""),
                "last_modified": response.headers.get("Last-Modified", ""),
            },
            problems=problems,
        )

    def _get(self, headers: dict[str, str]) -> tuple[bytes, httpx.Response]:
        client = httpx.Client(
            timeout=self.timeout,
            transport=self.transport,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            verify=tls_context(),
        )
        try:
            with client, client.stream("GET", self.url, headers=headers) as response:
                if response.status_code == 304:
                    return b"", response
                if response.status_code == 429:
                    raise RateLimited(f"HTTP 429 from {self.url}", retry_after(response))
                if not response.is_success:
                    raise Unreachable(f"HTTP {response.status_code} from {self.url}")
                return read_body_from(response, self.max_bytes, self.url), response
        except httpx.TooManyRedirects as exc:
            raise Unreachable(f"more than {MAX_REDIRECTS} redirects from {self.url}") from exc
        except httpx.TimeoutException as exc:
            raise Unreachable(f"{type(exc).__name__} after {self.timeout}s: {self.url}") from exc
        except httpx.HTTPError as exc:  # no connection, a dropped one, a broken answer
            raise Unreachable(f"{type(exc).__name__}: {exc}") from exc

    def _refuse_if_broken(self, parsed: Any) -> None:
        if not parsed.get("bozo"):
            return
        error = parsed.get("bozo_exception")
        if isinstance(error, feedparser.NonXMLContentType) and parsed.get("version"):
            return  # a good feed served as text/html or text/plain: the bytes are fine
        if isinstance(
            error, feedparser.CharacterEncodingOverride | feedparser.CharacterEncodingUnknown
        ):
            raise Malformed(f"{self.url}: the bytes are not in the declared encoding ({error})")
        line = getattr(error, "getLineNumber", lambda: None)()
        where = f" at line {line}" if line else ""
        raise Malformed(f"{self.url}: not a well-formed feed{where} ({error})")

    def _items(self, parsed: Any) -> tuple[list[RawItem], list[Problem]]:
        feed_title = str(parsed.feed.get("title", ""))
        now = clock.now()
        items, problems = [], []
        for position, entry in enumerate(parsed.entries, start=1):
            title = _plain(entry.get("title", ""))
            summary = _plain(entry.get("summary", ""))
            text = title if not summary or summary == title else f"{title}\n{summary}".strip()
            if not text:
                problems.append(
                    Problem(_("the entry has neither title nor summary"), self.url, position)
                )
                continue
            link = str(entry.get("link", ""))
            external_id = str(entry.get("id") or link) or _digest(text)
            published = entry.get("published_parsed") or entry.get("updated_parsed")
            items.append(
                RawItem(
                    external_id=external_id,
                    text=text,
                    # A dateless entry is dated when it was first seen.
                    published_at=_utc(published) if published else now,
                    url=link if link.startswith(("http://", "https://")) else "",
                    author=str(entry.get("author") or feed_title),
                    author_kind=self.author_kind,
                )
            )
        return items, problems


def _utc(parsed: Any) -> datetime:
    """feedparser's parsed time (a struct_time in UTC) as an aware datetime."""
    year, month, day, hour, minute, second = parsed[:6]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _plain(value: object) -> str:
    return html.unescape(strip_tags(str(value))).strip()


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
