"""What every monitoring source backend is: a narrow base class with flags for what it can do.

A backend reads one kind of place (a news site's feed, an export file, the demo's corpus) for
many sources; what it needs of one source (a feed's address, a file's column mapping) comes as
keyword options when it is built (``sources.open_source``). It never touches the database:
``services.poll_source`` hands it the source's cursor, ingests what it returns and stores the
new cursor only when the batch is stored.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from itcell.core.errors import Problem

#: A cursor is the backend's own JSON value (a dict, a string, None for "from the start").
Cursor = Any


@dataclass(frozen=True, slots=True)
class RawItem:
    """One item as a source read it, before the language pipeline."""

    external_id: str  # the platform's id (a feed entry's guid, a post id): the dedupe key
    text: str
    published_at: datetime  # aware
    url: str = ""
    author: str = ""
    author_kind: str = "public"  # models.AuthorKind: party, candidate, media, public
    author_followers: int | None = None  # followers/subscribers when the platform says
    platform: str = ""  # "" = the backend's ``platform``
    likes: int | None = None  # engagement when the source says it, else None
    shares: int | None = None
    replies: int | None = None
    views: int | None = None

    def __post_init__(self) -> None:
        # A NUL character is text no PostgreSQL column stores: one in a post would fail the
        # whole batch, and every later poll of the same page with it.
        for name in ("external_id", "text", "url", "author", "platform"):
            value = getattr(self, name)
            if "\x00" in value:
                object.__setattr__(self, name, value.replace("\x00", ""))

    @property
    def has_engagement(self) -> bool:
        return any(v is not None for v in (self.likes, self.shares, self.replies, self.views))


@dataclass(frozen=True)
class Batch:
    """What one fetch read: the items, the cursor to resume from, and the rows or entries it
    had to leave out (each a ``Problem`` naming the row and field), the rest kept."""

    items: Sequence[RawItem]
    cursor: Cursor
    problems: Sequence[Problem] = field(default=())


class SourceBackend:
    #: The platform items come from, unless an item says otherwise ("web", "facebook"...).
    platform = ""
    #: How long to wait between polls when the source's own interval is not set.
    default_interval = timedelta(minutes=5)
    #: Items carry engagement counts (likes, shares, replies, views).
    supports_engagement = False
    #: A fetch can cheaply answer "nothing new" (HTTP ETag / Last-Modified).
    supports_conditional_fetch = False
    #: The source ends (a file, a finite corpus): once read, later fetches return nothing new.
    finite = False
    #: The dotted path of the service that stores a fetched batch, when its items are not
    #: plain items for ``services.ingest`` (the tipline's messages, which become tips only from
    #: members). It runs in ``poll_source``'s transaction, like ``ingest``.
    stored_by = ""

    def fetch(self, cursor: Cursor) -> Batch:
        """Read what is new since ``cursor`` (None: from the start) and return it with the
        cursor to resume from next time.

        The cursor returned must resume *after* the items returned, and must be JSON. A fetch
        may return items seen before (the ingest dedupes them) but must not skip one. It
        raises a ``SourceError`` subclass when the source cannot be read: ``Unreachable``,
        ``Malformed``, ``RateLimited``, ``TooLarge`` or ``Misconfigured``; then nothing of this
        fetch is stored and the old cursor is kept. A bad entry among good ones is left out
        and reported in ``Batch.problems`` instead.
        """
        raise NotImplementedError
