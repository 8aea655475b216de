"""What the monitoring sources that read an HTTP API share, so each platform's module keeps
only what is its own (its requests, its error answers, its entries).

- ``read_body``: an answer's body read in chunks, stopped at ``max_bytes`` (``TooLarge``),
  and optionally at a deadline for the whole answer (``Unreachable``).
- ``get_answer``: one GET of a JSON API read that way, a failed connection ``Unreachable``.
- ``origin``: a configured base address cut to ``scheme://host[:port]``, https only.
- ``aware_datetime``: an ISO 8601 time from a JSON answer, None unless it has an offset.
- ``count``: an engagement count from a JSON answer, None unless a whole number of 0 or more.
- ``reset_delay``: seconds until a rate limit resets, from a header naming the moment.
- ``BadEntry``: one entry of an answer that cannot be read; the rest of the answer is kept.

How a platform's errors map onto ``itcell.monitoring.errors`` stays in its own module: the
platforms say the same things in different words and status codes.
"""

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.utils.translation import gettext as _

from itcell.core import clock
from itcell.monitoring.errors import Misconfigured, TooLarge, Unreachable

ANSWER_DEADLINE = 60.0  # seconds for a whole answer: a server dripping bytes is cut off
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


class BadEntry(Exception):
    """One entry of an answer that cannot be read: ``message`` says why, for people, and
    ``field`` names the part that is wrong ("" for the entry as a whole). The source leaves
    the entry out and reports it as a ``Problem``; the rest of the answer is kept."""

    def __init__(self, message: str, field: str = "") -> None:
        self.message, self.field = message, field


def read_body(
    response: httpx.Response,
    max_bytes: int,
    *,
    announced: Callable[[str], str],
    overflowed: Callable[[], str],
    answer_deadline: float | None = None,
    too_slow: str = "",
) -> bytes:
    """The body of a streamed ``response``, read in chunks so at most about ``max_bytes`` are
    ever held.

    Raises ``TooLarge`` before reading when ``Content-Length`` announces more than
    ``max_bytes`` (its detail ``announced(the header's value)``), and as soon as more than
    ``max_bytes`` have been read (its detail ``overflowed()``): a missing or false header
    does not get past the limit. With ``answer_deadline`` (seconds, counted from the first
    chunk asked for), raises ``Unreachable(too_slow)`` once the answer takes longer, so a
    server sending a byte at a time cannot hold a poll for ever.
    """
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(announced(declared))
    deadline = None if answer_deadline is None else time.monotonic() + answer_deadline
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise TooLarge(overflowed())
        if deadline is not None and time.monotonic() > deadline:
            raise Unreachable(too_slow)
    return bytes(body)


def read_body_from(
    response: httpx.Response,
    max_bytes: int,
    where: str,
    *,
    answer_deadline: float | None = None,
) -> bytes:
    """``read_body`` with details that name ``where`` (an address that holds no secret):
    "<where>: 9000000 bytes announced, limit 5242880"."""
    return read_body(
        response,
        max_bytes,
        announced=lambda size: f"{where}: {size} bytes announced, limit {max_bytes}",
        overflowed=lambda: f"{where}: over {max_bytes} bytes read, limit {max_bytes}",
        answer_deadline=answer_deadline,
        too_slow=f"{where}: the answer took over {answer_deadline}s",
    )


def get_answer(
    client: httpx.Client,
    path: str,
    *,
    params: dict[str, Any],
    max_bytes: int,
    where: str,
    timeout: float,
) -> tuple[bytes, httpx.Response]:
    """GET ``path`` with ``client`` and read the body with ``read_body_from`` (limits
    ``max_bytes`` and ``ANSWER_DEADLINE``), whatever the status: what an error answer means is
    the platform's to say. No connection, a timeout (``timeout``, the client's, for the
    details) or a broken answer is ``Unreachable`` naming ``where``."""
    try:
        with client.stream("GET", path, params=params) as response:
            body = read_body_from(response, max_bytes, where, answer_deadline=ANSWER_DEADLINE)
    except httpx.TimeoutException as exc:
        raise Unreachable(f"{type(exc).__name__} after {timeout}s: {where}") from exc
    except httpx.HTTPError as exc:  # no connection, a dropped one, a broken answer
        raise Unreachable(f"{type(exc).__name__}: {exc}") from exc
    return body, response


def check_paging(*, limit: object, max_pages: object, most: int) -> None:
    """Refuse a page size outside 1..``most`` or fewer than one page a poll, naming the
    option (the sources that read an API page by page share these two)."""
    if not isinstance(limit, int) or not 1 <= limit <= most:
        raise Misconfigured(_("limit must be a whole number from 1 to %(max)d") % {"max": most})
    if not isinstance(max_pages, int) or max_pages < 1:
        raise Misconfigured(_("max_pages must be a whole number of at least 1"))


def origin(address: object) -> str | None:
    """``address`` cut to ``scheme://host[:port]``; None unless it is https, or http to this
    machine (a development server, the tests' local one). The caller says what to do."""
    parts = urlsplit(str(address).strip())
    local = parts.scheme == "http" and parts.hostname in LOOPBACK
    if not parts.hostname or (parts.scheme != "https" and not local):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def aware_datetime(value: object) -> datetime | None:
    """An ISO 8601 time as an answer gives it ("2025-10-01T08:30:00.000Z"), in its own
    offset; None when it is not a string, not ISO 8601, or has no offset (a naive time would
    be read in the server's zone, which nobody knows)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


#: The largest count the engagement columns hold (PostgreSQL's integer).
MAX_COUNT = 2**31 - 1


def count(value: object) -> int | None:
    """An engagement count as an answer gives it; None (not known) unless it is a whole
    number from 0 to ``MAX_COUNT`` (JSON's ``true`` is no count; a larger one would fail the
    whole batch's insert)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT:
        return value
    return None


def reset_delay(response: httpx.Response, header: str, *, epoch: bool = False) -> float | None:
    """Seconds from now until the moment ``header`` names (an ISO 8601 time with an offset,
    or with ``epoch`` seconds since 1970), 0 once it has passed; None when the header is
    missing or unreadable. ``Retry-After`` (a number of seconds) is
    ``publishing.connectors.http.retry_after``; which a platform sends, and which wins, is
    the platform's."""
    if epoch:
        try:
            reset = float(response.headers.get(header, ""))
        except ValueError:
            return None
        return max(reset - clock.now().timestamp(), 0.0)
    moment = aware_datetime(response.headers.get(header))
    if moment is None:
        return None
    return max((moment - clock.now()).total_seconds(), 0.0)
