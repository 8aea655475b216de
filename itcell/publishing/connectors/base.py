"""What every connector is: a narrow base class with flags for what the platform allows.

A connector talks to one platform for many channels; what it needs of one channel comes in
an ``Account`` (handle, API address, decrypted credentials, options). It never touches the
database: the delivery service claims the delivery, calls ``publish`` and records the answer.

The contract of ``publish`` is the heart of "never twice, never silently lost": raise
``NotLanded`` only when the post certainly was not published (no connection, a 429 or 5xx
answer), ``OutcomeUnknown`` when it may have been (a timeout after the request went out, an
unreadable answer), so the service retries the first and never retries the second blindly.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from itcell.publishing.errors import Reason, Rejected


@dataclass(frozen=True)
class Account:
    """One channel as a connector sees it."""

    handle: str  # @name, a page id, a chat: how the platform names the account
    api_url: str = ""  # the platform's API root ("" = the connector's default)
    # Decrypted: never logged, and kept out of repr(), which error reports print.
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False)
    options: Mapping[str, str] = field(default_factory=dict)  # page_id, chat_id, ...


@dataclass(frozen=True)
class Medium:
    """A file attached to a post."""

    path: Path
    content_type: str  # image/jpeg, image/png, image/gif, image/webp, video/mp4
    size: int  # bytes
    alt_text: str = ""

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")


@dataclass(frozen=True)
class Outgoing:
    """What one delivery carries to one channel."""

    text: str
    idempotency_key: str  # the same on every try of one delivery, unique across deliveries
    media: tuple[Medium, ...] = ()
    created_at: datetime | None = None  # when the delivery was made (some keys derive from it)


@dataclass(frozen=True)
class Published:
    remote_id: str  # the platform's id of the post
    url: str = ""  # a link a person can open


@dataclass(frozen=True)
class Metrics:
    """Engagement as the platform counts it; None where it does not say."""

    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    views: int | None = None


class BaseConnector:
    #: The platform this connector speaks to (a channel's own ``platform`` picks its limits).
    platform = ""
    #: The platform drops a second post with our idempotency key, so a retry after an
    #: unknown outcome cannot double-post.
    idempotent_publish = False
    #: ``find`` can tell whether a post with our idempotency key exists.
    can_find = False
    #: ``delete`` can remove a published post (withdraw).
    supports_delete = False
    #: ``metrics`` can read a published post's engagement.
    supports_metrics = False
    #: Nothing is sent: approved posts become distribution tasks for volunteers.
    manual = False

    def publish(self, *, account: Account, outgoing: Outgoing) -> Published:
        """Publish ``outgoing`` on ``account`` and return the platform's id and link.

        Raise ``NotLanded`` (or a subclass) only when certain nothing was published;
        ``OutcomeUnknown`` when it may have been; ``AuthExpired`` when the credentials no
        longer work; ``Rejected`` when the platform refuses this post.
        """
        raise NotImplementedError

    def find(self, *, account: Account, outgoing: Outgoing) -> Published | None:
        """The post published with ``outgoing.idempotency_key``, or None when there is none
        (only when ``can_find``)."""
        raise Rejected(Reason.UNSUPPORTED, f"{type(self).__name__} cannot look posts up")

    def delete(self, *, account: Account, remote_id: str) -> None:
        """Remove a published post (only when ``supports_delete``)."""
        raise Rejected(Reason.UNSUPPORTED, f"{type(self).__name__} cannot remove posts")

    def metrics(self, *, account: Account, remote_id: str) -> Metrics:
        """Engagement of a published post (only when ``supports_metrics``)."""
        raise Rejected(Reason.UNSUPPORTED, f"{type(self).__name__} cannot read engagement")

    def verify(self, *, account: Account) -> str:
        """Check the credentials; return the account's name as the platform shows it.
        Raise ``AuthExpired`` when they no longer work."""
        return account.handle
