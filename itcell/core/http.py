from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as views see it behind django-htmx's middleware."""

    htmx: HtmxDetails


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from, for the audit trail."""
    return request.META.get("REMOTE_ADDR") or None
