from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The address the request came from, for the audit trail."""
    return request.META.get("REMOTE_ADDR") or None
