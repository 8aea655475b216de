from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from itcell.notifications.selectors import count_unread


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """``unread_count`` for the header badge. Lazy: one query on a page that shows it, none
    on the htmx fragments that do not."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": SimpleLazyObject(lambda: count_unread(user))}
