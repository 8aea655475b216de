"""Errors of the publishing app.

ItcellError
 ├── InvalidInput
 │    └── PostInvalid              a post, variant, medium or calendar row that breaks a rule:
 │                                 each Problem names the field (and the row of a CSV)
 └── PublishingError
      ├── WorkflowError            the post cannot do that in its state (approve a draft)
      ├── NotTrained               the author has not passed the core training modules (modules)
      ├── ReviewRefused            not this person's step, or their own post (four eyes)
      ├── Blocked                  a blocking compliance finding (its rule's message)
      └── ConnectorError           a platform call went wrong (reason, detail)
           ├── NotLanded           certainly not published: safe to try again later
           │    ├── RateLimited    the platform asked us to slow down (retry_after)
           │    └── Unavailable    a server error or no connection (retry_after, if given)
           ├── OutcomeUnknown      may have been published: a timeout after the request was
           │                       sent, or an answer itcell cannot read
           ├── AuthExpired         the token was revoked or expired: re-authorise the channel
           └── Rejected            the platform refused this post (too long, bad media...)

Every ConnectorError carries a ``Reason``: a stable code stored on the delivery and shown in
the reader's language, plus ``detail``, the platform's own words (for whoever investigates).
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from itcell.core.errors import InvalidInput, ItcellError


class Reason(models.TextChoices):
    """Why a delivery was not (or may not have been) published. Labels complete "Not published:"."""

    RATE_LIMITED = "rate_limited", _("the platform asked us to post less often")
    SERVER_ERROR = "server_error", _("the platform had an error on its side")
    UNREACHABLE = "unreachable", _("the platform could not be reached")
    TIMEOUT = "timeout", _("the platform did not answer in time")
    BAD_ANSWER = "bad_answer", _("the platform sent an answer itcell could not read")
    AUTH_EXPIRED = "auth_expired", _("the channel's access was revoked or has expired")
    REJECTED = "rejected", _("the platform refused the post")
    MEDIA_REJECTED = "media_rejected", _("the platform refused the media")
    NOT_FOUND = "not_found", _("the account or post was not found on the platform")
    MISCONFIGURED = "misconfigured", _("the channel is not set up correctly")
    BLOCKED = "blocked", _("an election rule blocked it")
    HELD = "held", _("an election rule holds it until its window closes")
    WORKER_LOST = "worker_lost", _("the worker stopped during the platform call")
    GAVE_UP = "gave_up", _("it still failed after several tries")
    UNSUPPORTED = "unsupported", _("the platform does not allow this")


class PostInvalid(InvalidInput):
    pass


class PublishingError(ItcellError):
    pass


class WorkflowError(PublishingError):
    pass


class NotTrained(PublishingError):
    """The author may send posts for review only after passing the election's core training
    modules (``playbook.training``); ``modules`` are those still to pass."""

    def __init__(self, modules: list[Any]) -> None:  # playbook.models.Module
        self.modules = modules
        super().__init__(
            gettext(
                "Pass the core training modules before you send posts for review: %(modules)s. "
                "Open Training to take them; the draft is kept."
            )
            % {"modules": ", ".join(str(m) for m in modules)}
        )


class ReviewRefused(PublishingError):
    pass


class Blocked(PublishingError):
    def __init__(self, findings: list[Any]) -> None:  # screening.Finding
        self.findings = findings
        super().__init__("\n".join(str(f) for f in findings))


class ConnectorError(PublishingError):
    def __init__(self, reason: Reason, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        message = str(reason.label)
        super().__init__(f"{message} ({detail})" if detail else message)


class NotLanded(ConnectorError):
    def __init__(self, reason: Reason, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(reason, detail)
        self.retry_after = retry_after


class RateLimited(NotLanded):
    def __init__(self, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(Reason.RATE_LIMITED, detail, retry_after)


class Unavailable(NotLanded):
    pass


class OutcomeUnknown(ConnectorError):
    pass


class AuthExpired(ConnectorError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(Reason.AUTH_EXPIRED, detail)


class Rejected(ConnectorError):
    pass
