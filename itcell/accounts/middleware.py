import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_SEEN = "itcell_last_seen"  # wall-clock seconds of the session's last request
# Saving the session on every request would be a write per htmx poll, and the pinned query
# counts of the hot pages would all grow: the stamp is renewed at most this often.
WRITE_EVERY = 300


def stamp_session(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[LAST_SEEN] = now
    # Saving the session renews a relative expiry: pin its end to an instant, so the idle
    # stamps cannot stretch the session past SESSION_COOKIE_AGE.
    request.session.set_expiry(datetime.fromtimestamp(now + settings.SESSION_COOKIE_AGE, tz=UTC))


def stamp_session_at_sign_in(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """On ``user_logged_in`` (the login form and ``force_login`` alike), so the first request
    after signing in does not have to save the session."""
    if request is not None and hasattr(request, "session"):
        stamp_session(request)


class SessionIdleTimeout:
    """Sign out a session left alone longer than ITCELL_SESSION_IDLE_SECONDS.

    The session's whole life stays SESSION_COOKIE_AGE from sign-in; this only ends it early
    when nobody has used it. It reads the wall clock, as Django's own session expiry does,
    not the project clock that tests and the demo move. A screen left open that polls (the
    war room) counts as in use.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            seen = request.session.get(LAST_SEEN)
            idle = int(time.time()) - seen if seen is not None else None
            if idle is not None and idle > settings.ITCELL_SESSION_IDLE_SECONDS:
                logout(request)
            elif idle is None:  # a session from before the stamp
                stamp_session(request)
            elif idle >= WRITE_EVERY:
                request.session[LAST_SEEN] = int(time.time())
        return self.get_response(request)
