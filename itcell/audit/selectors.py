from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet

from itcell.audit.chain import GENESIS, Head, Verdict, verify
from itcell.audit.models import AuditEvent, ChainHead
from itcell.audit.services import hash_fields
from itcell.core.clock import IST

CHUNK = 2000  # rows per fetch while streaming: memory stays flat on millions of events


def _head() -> Head:
    head = ChainHead.objects.filter(pk=1).values_list("last_event_id", "last_hash").first()
    return Head(*head) if head else Head(0, GENESIS)


def chain_rows(events: QuerySet[AuditEvent]) -> Iterator[dict[str, Any]]:
    """Each event as the hash sees it, with ``prev_hash`` and ``hash``: what ``chain`` checks
    and what an export writes."""
    for event in events.iterator(chunk_size=CHUNK):
        yield {**hash_fields(event), "prev_hash": event.prev_hash, "hash": event.hash}


def verify_chain() -> Verdict:
    """Walk the whole chain in id order, streaming, and check it against its head."""
    head_before = _head()
    return verify(
        chain_rows(AuditEvent.objects.order_by("id")), head_before=head_before, head_after=_head
    )


def find_first_break() -> tuple[int | None, str] | None:
    """(id of the first event that does not fit the chain, why), or None; see ``verify_chain``."""
    verdict = verify_chain()
    return None if verdict.intact else (verdict.broken_id, verdict.why)


def get_event(*, event_id: int) -> AuditEvent | None:
    return AuditEvent.objects.filter(pk=event_id).first()


@dataclass(frozen=True)
class EventFilter:
    """What the viewer and the export narrow the trail by; empty means "any"."""

    actor: str = ""  # username, exactly
    action: str = ""  # prefix: "post." for every post event
    object_type: str = ""
    object_id: str = ""
    since: date | None = None  # IST day, inclusive
    until: date | None = None  # IST day, inclusive
    text: str = ""  # anywhere in the object's description


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=IST)


def list_events(*, where: EventFilter | None = None) -> QuerySet[AuditEvent]:
    """Events matching ``where``, in id order (the chain's order)."""
    events = AuditEvent.objects.order_by("id")
    if where is None:
        return events
    if where.actor:
        events = events.filter(actor_label=where.actor)
    if where.action:
        events = events.filter(action__startswith=where.action)
    if where.object_type:
        events = events.filter(object_type=where.object_type)
    if where.object_id:
        events = events.filter(object_id=where.object_id)
    if where.since:
        events = events.filter(at__gte=_start_of(where.since))
    if where.until:
        events = events.filter(at__lt=_start_of(where.until + timedelta(days=1)))
    if where.text:
        events = events.filter(object_repr__icontains=where.text)
    return events


def page_of_events(
    *, where: EventFilter, before: int | None = None, after: int | None = None, size: int = 50
) -> tuple[list[AuditEvent], bool, bool]:
    """One page of events, newest first, by keyset on the id (no COUNT over millions of rows):
    those older than ``before`` or newer than ``after``. Returns the page, whether there are
    newer events and whether there are older ones."""
    events = list_events(where=where)
    if after is not None:
        rows = list(events.filter(id__gt=after).order_by("id")[: size + 1])
        has_newer, rows = len(rows) > size, rows[:size]
        return rows[::-1], has_newer, events.filter(id__lte=after).exists()
    if before is not None:
        events = events.filter(id__lt=before)
    rows = list(events.order_by("-id")[: size + 1])
    return rows[:size], before is not None, len(rows) > size
