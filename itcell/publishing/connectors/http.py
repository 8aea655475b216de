"""A connector over a platform's HTTP API, with the mapping of failures every such API
shares. Subclasses read their platform's own error bodies in ``raise_for``.

Whether a failure *may* have published depends on when it happened: before the request
went out (no connection, a full pool) nothing landed; after (a read timeout, a dropped
connection, an unreadable answer) the platform may have acted on it.
"""

import json
import ssl
from functools import cache
from typing import Any

import certifi
import httpx

from itcell.publishing.connectors.base import BaseConnector
from itcell.publishing.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Reason,
    Rejected,
    Unavailable,
)

DEFAULT_TIMEOUT = 20.0  # seconds; the delivery lease in services.delivery is longer


@cache
def tls_context() -> ssl.SSLContext:
    """One context for every client: building one loads the certificate bundle (~70 ms a
    delivery in the dispatch benchmark)."""
    return ssl.create_default_context(cafile=certifi.where())


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


class HttpConnector(BaseConnector):
    default_api_url = ""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, transport: Any = None) -> None:
        self.timeout = timeout
        self.transport = transport  # tests may pass an httpx transport

    def client(self, api_url: str) -> httpx.Client:
        return httpx.Client(
            base_url=(api_url or self.default_api_url).rstrip("/"),
            timeout=self.timeout,
            transport=self.transport,
            follow_redirects=False,
            verify=tls_context(),
        )

    def call(
        self, client: httpx.Client, method: str, url: str, *, publishes: bool, **kwargs: Any
    ) -> Any:
        """Send one request and return its JSON body (None for an empty one).

        ``publishes`` says whether this request itself may publish: its timeouts and
        unreadable answers are then ``OutcomeUnknown``; for any other request (reads,
        uploads) they are ``Unavailable``, safe to try again.
        """
        unknown = OutcomeUnknown if publishes else Unavailable
        try:
            response = client.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise Unavailable(Reason.UNREACHABLE, type(exc).__name__) from exc
        except httpx.TimeoutException as exc:
            raise unknown(Reason.TIMEOUT, type(exc).__name__) from exc
        except httpx.TransportError as exc:  # the connection dropped mid-exchange
            raise unknown(Reason.UNREACHABLE, type(exc).__name__) from exc
        try:
            body = response.json() if response.content else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
            if response.is_success:
                raise unknown(Reason.BAD_ANSWER, response.text[:200]) from None
        if not response.is_success:
            self.raise_for(response, body, publishes=publishes)
            self.raise_for_status(response, body, publishes=publishes)
        return body

    def raise_for(self, response: httpx.Response, body: Any, *, publishes: bool) -> None:
        """Raise the right error for a platform's own error body, if it has one."""

    def raise_for_status(self, response: httpx.Response, body: Any, *, publishes: bool) -> None:
        detail = f"HTTP {response.status_code}: {response.text[:200]}"
        status = response.status_code
        if status == 429:
            raise RateLimited(detail, retry_after(response))
        if status == 504 and publishes:
            # A gateway gave up waiting on the platform, which may still have posted.
            raise OutcomeUnknown(Reason.TIMEOUT, detail)
        if status >= 500:
            raise Unavailable(Reason.SERVER_ERROR, detail, retry_after(response))
        if status == 401:
            raise AuthExpired(detail)
        if status == 404:
            raise Rejected(Reason.NOT_FOUND, detail)
        raise Rejected(Reason.REJECTED, detail)
