"""Errors of the monitoring app.

ItcellError
 └── MonitoringError
      └── SourceError              fetching from a source went wrong (detail: the source's words)
           ├── Unreachable         no connection, a timeout, or an error answer (4xx, 5xx)
           ├── Malformed           an answer itcell cannot read: broken XML or JSON, a wrong
           │                       encoding, a file without the columns it needs (detail)
           ├── RateLimited         the platform asked us to slow down (retry_after, seconds)
           ├── TooLarge            an answer or file over the size limit; reading stopped there
           └── Misconfigured       the source's backend or options are wrong: fix the source

A ``SourceError`` never loses what was already stored: the poll keeps the source's cursor,
records ``str(error)`` on the source for its health screen and backs off. ``str(error)`` is
translated, says what happened and what to do; ``detail`` keeps the raw words (an HTTP
status, a parser's message) for whoever investigates.
"""

from django.utils.translation import gettext_lazy as _

from itcell.core.errors import ItcellError


class MonitoringError(ItcellError):
    pass


class SourceError(MonitoringError):
    message = _("The source could not be read.")

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        message = str(self.message)
        super().__init__(f"{message} ({detail})" if detail else message)


class Unreachable(SourceError):
    message = _(
        "The source could not be reached or answered with an error; itcell will try again "
        "later. If it lasts, check the source's address."
    )


class Malformed(SourceError):
    message = _(
        "The source sent something itcell cannot read (broken XML or JSON, a wrong "
        "encoding or missing columns); nothing stored was lost. Check the source's address "
        "or file, or tell its publisher."
    )


class RateLimited(SourceError):
    message = _("The platform asked itcell to poll less often; it will wait before the next try.")

    def __init__(self, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class TooLarge(SourceError):
    message = _(
        "The source's answer or file is larger than the limit, so reading stopped: raise the "
        "source's max_bytes option if it is genuine, or split the file."
    )


class Misconfigured(SourceError):
    message = _("The source is not set up correctly: fix its backend or options.")
