import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_SEEN = "itcell_last_seen"  # wall-clock seconds of the session's last request
WRITE_EVERY = 60  # seconds: saving the session on every htmx poll would be a write per poll


class SessionIdleTimeout:
    """Sign out a session left alone longer than ITCELL_SESSION_IDLE_SECONDS.

    The session's whole life stays SESSION_COOKIE_AGE from its first signed-in request; this
    only ends it early when nobody has used it. It reads the wall clock, as Django's own
    session expiry does, not the project clock that tests and the demo move. A screen left
    open that polls (the war room) counts as in use.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(LAST_SEEN)
            if seen is not None and now - seen > settings.ITCELL_SESSION_IDLE_SECONDS:
                logout(request)
            elif seen is None:
                request.session[LAST_SEEN] = now
                # Saving the session renews a relative expiry: pin its end to an instant, so
                # the idle stamps below cannot stretch the session past SESSION_COOKIE_AGE.
                request.session.set_expiry(
                    datetime.fromtimestamp(now + settings.SESSION_COOKIE_AGE, tz=UTC)
                )
            elif now - seen >= WRITE_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
