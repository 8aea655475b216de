"""How an event is hashed, and how a chain is checked. Pure: no database here."""

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "source_address",
)
NOT_FOLLOWING = "does not follow the event before it (one was deleted or inserted)"
CHANGED = "its contents were changed after it was written"
REPLACED = "it is not the event the chain's head recorded (replaced)"


def event_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    body = {name: fields[name] for name in HASHED_FIELDS}
    canonical = json.dumps(
        [prev_hash, body], sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def first_break(events: Iterable[Mapping[str, Any]]) -> tuple[int | None, str] | None:
    """Return (id of the first event that does not fit the chain, why), or None when all fit.

    Events come in id order. An edited row fails its own hash; a deleted row leaves the next
    row's ``prev_hash`` pointing at nothing; an inserted row fails one of the two.
    """
    prev = GENESIS
    for event in events:
        if event["prev_hash"] != prev:
            return event["id"], NOT_FOLLOWING
        if event_hash(event, prev) != event["hash"]:
            return event["id"], CHANGED
        prev = event["hash"]
    return None


@dataclass(frozen=True)
class Head:
    """What the chain's head row said: the last event written and its hash."""

    last_event_id: int
    last_hash: str


@dataclass(frozen=True)
class Verdict:
    """The outcome of a walk over the whole chain."""

    count: int  # events read
    last_id: int  # 0 for an empty chain
    last_hash: str
    broken_id: int | None = None  # the first event that does not fit (it may be missing)
    why: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify(
    events: Iterable[Mapping[str, Any]], *, head_before: Head, head_after: Callable[[], Head]
) -> Verdict:
    """Walk every event in id order and check it against the one before and the chain's head.

    ``record`` numbers events 1, 2, 3… under the head's lock, so a gap in the ids is a deleted
    event; the links and hashes catch edits; the head (read before the walk, ``head_before``,
    and once more after it, ``head_after``) catches what the links cannot: events deleted from
    the end, the last event replaced, and events appended without going through the head.
    Events written while the walk runs are legitimate: the head read after the walk covers them.
    """
    prev_id, prev_hash, count = 0, GENESIS, 0
    later: dict[int, str] = {}  # hashes of events past head_before (written during the walk?)

    def broken(event_id: int, why: str) -> Verdict:
        return Verdict(count, prev_id, prev_hash, event_id, why)

    for event in events:
        event_id = event["id"]
        if event_id != prev_id + 1:
            missing = f"#{prev_id + 1}" + (
                f" to #{event_id - 1}" if event_id - 1 > prev_id + 1 else ""
            )
            return broken(
                event_id,
                f"{NOT_FOLLOWING}: {missing} missing",
            )
        if event["prev_hash"] != prev_hash:
            return broken(event_id, NOT_FOLLOWING)
        if event_hash(event, prev_hash) != event["hash"]:
            return broken(event_id, CHANGED)
        if event_id == head_before.last_event_id and event["hash"] != head_before.last_hash:
            return broken(event_id, REPLACED)
        if event_id > head_before.last_event_id:
            later[event_id] = event["hash"]
        prev_id, prev_hash, count = event_id, event["hash"], count + 1
    if prev_id < head_before.last_event_id:
        return broken(
            prev_id + 1,
            f"missing: the chain ends at #{prev_id} but #{head_before.last_event_id} was written "
            "(events at the end were deleted)",
        )
    if later:
        head = head_after()
        if prev_id > head.last_event_id:
            return broken(
                head.last_event_id + 1, "it was not written through the chain's head (inserted)"
            )
        if later.get(head.last_event_id, head.last_hash) != head.last_hash:
            return broken(head.last_event_id, REPLACED)
    return Verdict(count, prev_id, prev_hash)


def first_forged_row(events: Iterable[Mapping[str, Any]]) -> tuple[int, str] | None:
    """For a filtered export, whose rows are not the whole chain: each row's hash is checked
    against its own ``prev_hash``, and the link wherever two rows are consecutive by id."""
    prev: Mapping[str, Any] | None = None
    for event in events:
        if (
            prev is not None
            and event["id"] == prev["id"] + 1
            and event["prev_hash"] != prev["hash"]
        ):
            return event["id"], NOT_FOLLOWING
        if event_hash(event, event["prev_hash"]) != event["hash"]:
            return event["id"], CHANGED
        prev = event
    return None
