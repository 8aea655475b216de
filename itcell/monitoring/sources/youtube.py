"""Public comments on YouTube, read through the YouTube Data API v3 with an API key.

Docs (https://developers.google.com/youtube/v3): docs/commentThreads/list (``videoId`` or
``allThreadsRelatedToChannelId``, ``order=time``, ``maxResults`` up to 100, ``pageToken`` /
``nextPageToken``), docs/commentThreads#resource, docs/errors (``{"error": {"code": 403,
"errors": [{"reason": "quotaExceeded"}], "message": ...}}``), getting-started#quota (the
daily quota resets at midnight Pacific Time; a ``commentThreads.list`` costs 1 unit).

Comment threads come newest first. A poll reads pages until it reaches a comment older than
the cursor's ``since`` (the newest ``publishedAt`` seen), or ``max_pages``. When it stops at
``max_pages`` short of ``since`` (a viral video), the cursor keeps the next page's token and
the next poll carries on down the same listing until it reaches ``since``, so no comment is
skipped; the first poll of a source starts from the newest ``max_pages`` pages. A comment
seen again is deduplicated by the ingest, which stores its new like and reply counts.

The key goes in the ``X-Goog-Api-Key`` header, which Google's APIs read like the ``key``
parameter, so it is in no URL (and no log line of one); the platform's words are searched
for it before they are kept.
"""

import html
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from itcell.core import clock
from itcell.core.errors import Problem
from itcell.monitoring.errors import Malformed, Misconfigured, RateLimited, Unreachable
from itcell.monitoring.sources.base import Batch, Cursor, RawItem, SourceBackend
from itcell.monitoring.sources.http import count, read_body
from itcell.publishing.connectors.http import retry_after, tls_context

YOUTUBE_URL = "https://www.googleapis.com/youtube/v3"
DEFAULT_TIMEOUT = 20.0  # seconds, for connecting and between two chunks of the answer
DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # a page of 100 comment threads is about 100 KB
DEFAULT_MAX_PAGES = 5  # 500 comments a poll, 5 quota units of the default 10,000 a day
PAGE_SIZE = 100  # the API's largest maxResults
PACIFIC = ZoneInfo("America/Los_Angeles")  # the daily quota resets at midnight here
RATE_LIMIT_WAIT = 5 * 60.0  # seconds, when a per-minute limit is hit and no Retry-After says
WHERE = "commentThreads"  # names the answer in a Problem
LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


class YouTubeSource(SourceBackend):
    platform = "youtube"
    supports_engagement = True
    default_interval = timedelta(minutes=15)  # 96 polls a day: quota for several sources

    def __init__(
        self,
        *,
        api_key: str,
        video_id: str = "",
        channel_id: str = "",
        api_url: str = YOUTUBE_URL,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        author_kind: str = "public",
        transport: Any = None,  # tests may pass an httpx transport
    ) -> None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise Misconfigured(_("the api_key is missing: create one in the Google Cloud console"))
        if bool(video_id) == bool(channel_id):
            raise Misconfigured(_("give either a video_id or a channel_id, not both or neither"))
        if not api_url.startswith(("http://", "https://")):
            raise Misconfigured(_("the api_url must start with http:// or https://"))
        if not isinstance(max_pages, int) or max_pages < 1:
            raise Misconfigured(_("max_pages must be a whole number of at least 1"))
        self.api_key = api_key.strip()
        self.video_id = video_id
        self.channel_id = channel_id
        self.api_url = api_url.rstrip("/")
        self.max_pages = max_pages
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.author_kind = author_kind
        self.transport = transport

    def fetch(self, cursor: Cursor) -> Batch:
        cursor = dict(cursor) if isinstance(cursor, dict) else {}
        since = _time(cursor.get("since"))
        # Carrying on down a listing a poll left unfinished: ``newest`` is where it began.
        page_token = str(cursor.get("page_token") or "")
        newest = _time(cursor.get("newest")) if page_token else None
        items: list[RawItem] = []
        problems: list[Problem] = []
        position = 0  # the thread's place in what this poll read, for problems
        reached_since = False
        with self._client() as client:
            for page_number in range(self.max_pages):
                try:
                    threads, page_token = self._page(client, page_token)
                except _PageTokenRefused:
                    if page_number:
                        raise Malformed(_("YouTube refused its own nextPageToken")) from None
                    # The saved token expired: read from the newest comment down to ``since``
                    # again (what is read twice is deduplicated).
                    threads, page_token = self._page(client, "")
                for thread in threads:
                    position += 1
                    try:
                        item = self._item(thread)
                    except ValueError as exc:
                        problems.append(Problem(str(exc), WHERE, position))
                        continue
                    newest = max(newest or item.published_at, item.published_at)
                    if since is not None and item.published_at < since:
                        reached_since = True
                        continue
                    items.append(item)
                if reached_since or not page_token:
                    break
        if since is not None and not reached_since and page_token:
            # Stopped at max_pages above ``since``: resume down the same listing next time.
            resume = {"since": _iso(since), "page_token": page_token, "newest": _iso(newest)}
            return Batch(items=items, cursor=resume, problems=problems)
        latest = max(t for t in (newest, since) if t is not None) if newest or since else None
        return Batch(
            items=items, cursor={"since": _iso(latest)} if latest else {}, problems=problems
        )

    def _client(self) -> httpx.Client:
        return httpx.Client(
            timeout=self.timeout,
            transport=self.transport,
            follow_redirects=False,
            verify=tls_context(),
            headers={"X-Goog-Api-Key": self.api_key, "Accept": "application/json"},
        )

    def _page(self, client: httpx.Client, page_token: str) -> tuple[list[Any], str]:
        """One page of comment threads, and the next page's token ("" on the last page)."""
        params = {"part": "snippet", "order": "time", "maxResults": PAGE_SIZE}
        if self.video_id:
            params["videoId"] = self.video_id
        else:
            params["allThreadsRelatedToChannelId"] = self.channel_id
        if page_token:
            params["pageToken"] = page_token
        url = f"{self.api_url}/commentThreads?{urlencode(params)}"
        try:
            with client.stream("GET", url) as response:
                body = self._read(response)
        except httpx.TimeoutException as exc:
            raise Unreachable(
                _("YouTube did not answer within %(seconds)ss (%(error)s)")
                % {"seconds": self.timeout, "error": type(exc).__name__}
            ) from None
        except httpx.HTTPError as exc:  # no connection, a dropped one, a broken answer
            raise Unreachable(
                _("YouTube could not be reached (%(error)s)") % {"error": type(exc).__name__}
            ) from None
        try:
            answer = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            answer = None
        if not response.is_success:
            self._raise_for(response, answer)
        if not isinstance(answer, dict) or not isinstance(answer.get("items"), list):
            raise Malformed(_("YouTube's answer has no list of comment threads"))
        next_token = answer.get("nextPageToken")
        return answer["items"], next_token if isinstance(next_token, str) else ""

    def _read(self, response: httpx.Response) -> bytes:
        return read_body(
            response,
            self.max_bytes,
            announced=lambda size: (
                _("YouTube announced %(size)s bytes, limit %(limit)s")
                % {"size": size, "limit": self.max_bytes}
            ),
            overflowed=lambda: (
                _("over %(limit)s bytes read from YouTube") % {"limit": self.max_bytes}
            ),
        )

    def _raise_for(self, response: httpx.Response, answer: Any) -> None:
        """Raise what the API's error answer (or a proxy's page in its place) means."""
        status = response.status_code
        error = answer.get("error") if isinstance(answer, dict) else None
        if not isinstance(error, dict):
            if status == 429:
                raise RateLimited(f"HTTP {status}", retry_after(response) or RATE_LIMIT_WAIT)
            if status >= 500:
                raise Unreachable(_("YouTube answered HTTP %(status)s") % {"status": status})
            raise Malformed(
                _("YouTube's answer (HTTP %(status)s) is not an API error") % {"status": status}
            )
        reasons = _reasons(error)
        if "invalidPageToken" in reasons:
            raise _PageTokenRefused
        said = self._hide_key(str(error.get("message") or f"HTTP {status}"))
        if "quotaExceeded" in reasons or "dailyLimitExceeded" in reasons:
            raise RateLimited(
                _(
                    "the API key's daily quota is used up (%(said)s); it resets at midnight "
                    "Pacific Time: poll less often or ask Google for more quota"
                )
                % {"said": said},
                _until_pacific_midnight(clock.now()),
            )
        if status == 429 or reasons & {"rateLimitExceeded", "userRateLimitExceeded"}:
            raise RateLimited(said, retry_after(response) or RATE_LIMIT_WAIT)
        if status >= 500:
            raise Unreachable(said)
        if reasons & {"keyInvalid", "API_KEY_INVALID", "keyExpired", "API_KEY_EXPIRED"}:
            raise Misconfigured(
                _("YouTube refused the API key (%(said)s): set a valid key on the source")
                % {"said": said}
            )
        if "commentsDisabled" in reasons:
            raise Misconfigured(
                _(
                    "comments are turned off on this video (%(said)s): nothing to read here; "
                    "disable the source or point it at another video"
                )
                % {"said": said}
            )
        if reasons & {"videoNotFound", "channelNotFound"} or status == 404:
            raise Misconfigured(
                _(
                    "YouTube knows no such video or channel (%(said)s): check the source's "
                    "video_id or channel_id"
                )
                % {"said": said}
            )
        if status == 403:
            raise Misconfigured(
                _(
                    "YouTube refused access (%(said)s): check that the API key may use the "
                    "YouTube Data API v3 and that the video or channel is public"
                )
                % {"said": said}
            )
        raise Misconfigured(
            _("YouTube refused the request (%(said)s): check the source's options") % {"said": said}
        )

    def _item(self, thread: Any) -> RawItem:
        """The item for one comment thread; ValueError (its message for people) for one that
        cannot be read."""
        if not isinstance(thread, dict) or not isinstance(thread.get("id"), str):
            raise ValueError(_("the comment thread has no id"))
        snippet = thread.get("snippet")
        top = snippet.get("topLevelComment") if isinstance(snippet, dict) else None
        comment = top.get("snippet") if isinstance(top, dict) else None
        if not isinstance(snippet, dict) or not isinstance(comment, dict):
            raise ValueError(
                _("the comment thread %(id)s has no top-level comment") % {"id": thread["id"]}
            )
        published = _time(comment.get("publishedAt"))
        if published is None:
            raise ValueError(
                _("the comment thread %(id)s has no valid publishedAt") % {"id": thread["id"]}
            )
        text = comment.get("textOriginal")
        if not isinstance(text, str) or not text.strip():
            # textOriginal is only given to the comment's author and the video's owner.
            text = _plain(str(comment.get("textDisplay") or ""))
        if not text.strip():
            raise ValueError(_("the comment thread %(id)s has no text") % {"id": thread["id"]})
        video_id = comment.get("videoId") or snippet.get("videoId") or self.video_id
        comment_id = top.get("id") if isinstance(top, dict) else ""
        url = ""
        if isinstance(video_id, str) and video_id:
            url = "https://www.youtube.com/watch?" + urlencode(
                {"v": video_id, **({"lc": comment_id} if comment_id else {})}
            )
        return RawItem(
            external_id=thread["id"],
            text=text.strip(),
            published_at=published,
            url=url,
            author=str(comment.get("authorDisplayName") or ""),
            author_kind=self.author_kind,
            likes=count(comment.get("likeCount")),
            replies=count(snippet.get("totalReplyCount")),
        )

    def _hide_key(self, text: str) -> str:
        # Google's messages carry HTML ("exceeded your <a href=...>quota</a>").
        return html.unescape(strip_tags(text.replace(self.api_key, "[hidden]")))[:300]


class _PageTokenRefused(Exception):
    """A pageToken YouTube no longer accepts (400 invalidPageToken)."""


def _reasons(error: dict[str, Any]) -> set[str]:
    """Every reason an API error gives: the legacy ``errors[].reason`` and the newer
    ``details[].reason`` (``API_KEY_INVALID``) and ``status``."""
    reasons = set()
    for key in ("errors", "details"):
        for entry in error.get(key) or []:
            if isinstance(entry, dict) and isinstance(entry.get("reason"), str):
                reasons.add(entry["reason"])
    if isinstance(error.get("status"), str):
        reasons.add(error["status"])
    return reasons


def _until_pacific_midnight(now: datetime) -> float:
    local = now.astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), PACIFIC)
    return (midnight - local).total_seconds()


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)


def _iso(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else ""


def _plain(display: str) -> str:
    """A comment's textDisplay (HTML, its line breaks as ``<br>``) as plain text."""
    return html.unescape(strip_tags(LINE_BREAK.sub("\n", display)))
