"""Public statuses from a Mastodon instance: a hashtag's timeline or one account's statuses.

Docs:
- ``GET /api/v1/timelines/tag/:hashtag``: https://docs.joinmastodon.org/methods/timelines/#tag
- ``GET /api/v1/accounts/:id/statuses``: https://docs.joinmastodon.org/methods/accounts/#statuses
- The Status entity: https://docs.joinmastodon.org/entities/Status/
- Paging (``max_id``, ``since_id``, ``min_id``, the ``Link`` header):
  https://docs.joinmastodon.org/api/guidelines/#pagination
- Errors ``{"error": "..."}``: https://docs.joinmastodon.org/entities/Error/
- Rate limits (``X-RateLimit-Reset``, an ISO 8601 time): https://docs.joinmastodon.org/api/rate-limits/

Both endpoints answer newest first, at most 40 statuses a page. The cursor is the newest
status id read; the next poll asks for ``min_id=<cursor>``, which returns the statuses
*immediately* after it (still newest first), then follows the ``Link`` header's ``prev``
page (``min_id`` of the newest on the page) until a page comes back short, or ``max_pages``
is reached. Walking forward like this means a burst larger than ``max_pages`` pages is read
over several polls, oldest first, and nothing is skipped; paging back with ``max_id`` from
the newest would leave a gap when it stopped at the bound. The first poll (no cursor) reads
only the newest page: a live timeline is watched from now on, not backfilled.

Status ids belong to one instance (two instances both have a status 1234), so an item's
external id is the status's ``uri``, the ActivityPub id that is the same everywhere; a boost
is stored as the status it boosts, so the original and its boosts are one item.
"""

import html
import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
from django.utils.html import strip_tags
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

DEFAULT_TIMEOUT = 20.0  # seconds, for connecting and between two chunks of the answer
DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # a page of 40 statuses is well under 1 MB
MAX_LIMIT = 40  # the API's own ceiling per page
DEFAULT_MAX_PAGES = 5
USER_AGENT = "itcell-monitoring/1.0 (+Mastodon reader; polls every few minutes)"
_BREAKS = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)


class MastodonSource(SourceBackend):
    platform = "mastodon"
    supports_engagement = True
    default_interval = timedelta(minutes=5)

    def __init__(
        self,
        *,
        instance: str,
        hashtag: str = "",
        account_id: str = "",
        access_token: str = "",
        limit: int = MAX_LIMIT,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        author_kind: str = "public",
        transport: Any = None,  # tests may pass an httpx transport
    ) -> None:
        self.instance = _base_url(instance)
        hashtag = hashtag.strip().lstrip("#")
        account_id = str(account_id).strip()
        if bool(hashtag) == bool(account_id):
            raise Misconfigured(_("give either a hashtag or an account_id, not both or neither"))
        check_paging(limit=limit, max_pages=max_pages, most=MAX_LIMIT)
        if hashtag:
            self.path = f"/api/v1/timelines/tag/{quote(hashtag, safe='')}"
        else:
            self.path = f"/api/v1/accounts/{quote(account_id, safe='')}/statuses"
        self.access_token = access_token
        self.limit = limit
        self.max_pages = max_pages
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.author_kind = author_kind
        self.transport = transport

    def fetch(self, cursor: Cursor) -> Batch:
        # Anything else (a cursor kept from another backend) starts from the newest page.
        newest = str(cursor.get("min_id") or "") if isinstance(cursor, dict) else ""
        items: list[RawItem] = []
        problems: list[Problem] = []
        with self._client() as client:
            for _page in range(1 if not newest else self.max_pages):
                params: dict[str, Any] = {"limit": self.limit}
                if newest:
                    params["min_id"] = newest
                statuses, response = self._get(client, params)
                if not statuses:
                    break
                page_items, page_problems = self._items(statuses, start=len(items) + 1)
                items += page_items
                problems += page_problems
                newest = _prev_min_id(response) or _newest_id(statuses) or newest
                if len(statuses) < self.limit:
                    break
        return Batch(items=items, cursor={"min_id": newest} if newest else None, problems=problems)

    def _client(self) -> httpx.Client:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        return httpx.Client(
            base_url=self.instance,
            headers=headers,
            timeout=self.timeout,
            transport=self.transport,
            # An API answer does not redirect; following one would send the token elsewhere.
            follow_redirects=False,
            verify=tls_context(),
        )

    def _get(self, client: httpx.Client, params: dict[str, Any]) -> tuple[Any, httpx.Response]:
        where = f"{self.instance}{self.path}"
        body, response = get_answer(
            client,
            self.path,
            params=params,
            max_bytes=self.max_bytes,
            where=where,
            timeout=self.timeout,
        )
        if not response.is_success:
            self._raise_for(response, body, where)
        try:
            statuses = _json(body)
        except ValueError as exc:
            raise Malformed(f"{where}: not JSON ({exc})") from exc
        if not isinstance(statuses, list):
            raise Malformed(f"{where}: expected a list of statuses, got {type(statuses).__name__}")
        return statuses, response

    def _raise_for(self, response: httpx.Response, body: bytes, where: str) -> None:
        status = response.status_code
        try:
            error = _json(body).get("error")
        except (ValueError, AttributeError):
            error = None
        detail = f"HTTP {status} from {where}: {error or body[:200].decode(errors='replace')}"
        if status == 429:
            raise RateLimited(detail, _reset_after(response))
        if status in (401, 403):
            raise Misconfigured(
                _(
                    "the instance refused the request (%(detail)s): check the access_token, "
                    "or leave it empty if the instance shows this timeline to everyone"
                )
                % {"detail": detail}
            )
        if status in (404, 410):
            raise Misconfigured(
                _("the instance has no such hashtag or account (%(detail)s): check the option")
                % {"detail": detail}
            )
        if 300 <= status < 400:
            raise Misconfigured(
                _("the instance redirected to %(where)s: use that address as the instance")
                % {"where": response.headers.get("Location", "?")}
            )
        if status == 422:
            raise Misconfigured(
                _("the instance refused the options (%(detail)s)") % {"detail": detail}
            )
        raise Unreachable(detail)

    def _items(self, statuses: list[Any], *, start: int) -> tuple[list[RawItem], list[Problem]]:
        items, problems = [], []
        where = f"{self.instance}{self.path}"
        for position, status in enumerate(statuses, start=start):
            try:
                items.append(self._item(status))
            except BadEntry as bad:
                problems.append(Problem(bad.message, where, position, bad.field))
        return items, problems

    def _item(self, status: Any) -> RawItem:
        if not isinstance(status, dict):
            raise BadEntry(_("the status is not a JSON object"))
        # A boost carries no text of its own: the boosted status is what was said.
        shown = status.get("reblog") or status
        if not isinstance(shown, dict):
            raise BadEntry(_("the boosted status is not a JSON object"), "reblog")
        uri = shown.get("uri") or shown.get("url")
        if not isinstance(uri, str) or not uri:
            raise BadEntry(_("the status has no uri"), "uri")
        published = aware_datetime(shown.get("created_at"))
        if published is None:
            raise BadEntry(_("the status has no valid created_at time"), "created_at")
        content, spoiler = shown.get("content") or "", shown.get("spoiler_text") or ""
        if not isinstance(content, str) or not isinstance(spoiler, str):
            raise BadEntry(_("the status's content is not text"), "content")
        text = "\n".join(part for part in (spoiler.strip(), _plain(content)) if part)
        if not text:
            text = "\n".join(_alt_texts(shown.get("media_attachments")))
        if not text:
            raise BadEntry(_("the status has no text (media without a description)"), "content")
        url = shown.get("url") or ""
        return RawItem(
            external_id=uri,
            text=text,
            published_at=published,
            url=url if isinstance(url, str) and url.startswith(("http://", "https://")) else "",
            author=_author(shown.get("account"), self.instance),
            author_kind=self.author_kind,
            author_followers=_followers(shown.get("account")),
            likes=count(shown.get("favourites_count")),
            shares=count(shown.get("reblogs_count")),
            replies=count(shown.get("replies_count")),
        )


def _followers(account: object) -> int | None:
    return count(account.get("followers_count")) if isinstance(account, dict) else None


def _base_url(instance: str) -> str:
    base = origin(instance)  # http only for a dev instance on this machine, the tests
    if base is None:
        raise Misconfigured(
            _("the instance must be an https:// address, such as https://mastodon.social")
        )
    return base


def _json(body: bytes) -> Any:
    return json.loads(body.decode("utf-8"))  # UnicodeDecodeError is a ValueError


def _reset_after(response: httpx.Response) -> float | None:
    """Seconds until the rate limit resets: ``X-RateLimit-Reset`` is an ISO 8601 time."""
    seconds = reset_delay(response, "X-RateLimit-Reset")
    return retry_after(response) if seconds is None else seconds


def _prev_min_id(response: httpx.Response) -> str:
    """The ``min_id`` of the Link header's ``prev`` page: the newest status on this one."""
    url = response.links.get("prev", {}).get("url", "")
    return (parse_qs(urlsplit(url).query).get("min_id") or [""])[0]


def _newest_id(statuses: list[Any]) -> str:
    first = statuses[0]
    return str(first.get("id") or "") if isinstance(first, dict) else ""


def _plain(content: str) -> str:
    # Paragraphs and line breaks are the only structure a status has; keep them as lines.
    return html.unescape(strip_tags(_BREAKS.sub("\n", content))).strip()


def _alt_texts(media: object) -> list[str]:
    if not isinstance(media, list):
        return []
    return [
        m["description"].strip()
        for m in media
        if isinstance(m, dict) and isinstance(m.get("description"), str) and m["description"]
    ]


def _author(account: object, instance: str) -> str:
    if not isinstance(account, dict):
        return ""
    acct = str(account.get("acct") or account.get("username") or "")
    if acct and "@" not in acct:  # a local account: name its instance too
        acct = f"{acct}@{urlsplit(instance).hostname}"
    name = str(account.get("display_name") or "").strip()
    handle = f"@{acct}" if acct else ""
    return f"{name} ({handle})" if name and handle else name or handle
