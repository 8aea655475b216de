from django.conf import settings
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as views see it behind django-htmx's middleware."""

    htmx: HtmxDetails


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from, for the audit trail and the sign-in lockout.

    Behind ITCELL_PROXY_HOPS reverse proxies (each appending to X-Forwarded-For), it is the
    address the nearest of them was given; without them (0), or when the header is short,
    REMOTE_ADDR. Never further left: a client can write anything in the header's start."""
    hops = settings.ITCELL_PROXY_HOPS
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= hops and forwarded[-hops]:
            return forwarded[-hops][:45]  # the longest textual IPv6 address
    return request.META.get("REMOTE_ADDR") or None


BIGGEST_ID = 2**63 - 1  # a database's largest integer key (SQLite and PostgreSQL bigint)


def query_id(value: str | None) -> int | None:
    """An id or number from a query string or form, or None: plain ASCII digits within the
    database's integer range only (a Unicode digit such as "²" or a 30-digit id would otherwise
    raise inside the database driver: a server error instead of "not found")."""
    if value and value.isascii() and value.isdecimal() and int(value) <= BIGGEST_ID:
        return int(value)
    return None
