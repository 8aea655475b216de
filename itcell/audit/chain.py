"""How an event is hashed, and how a chain is checked. Pure: no database here."""

import hashlib
import json
from collections.abc import Iterable, Mapping
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
            return event["id"], "does not follow the event before it (one was deleted or inserted)"
        if event_hash(event, prev) != event["hash"]:
            return event["id"], "its contents were changed after it was written"
        prev = event["hash"]
    return None
