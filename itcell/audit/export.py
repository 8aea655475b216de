"""The trail as files an outside party can re-verify: every hashed field, ``prev_hash`` and
``hash``, one event a line (JSONL) or a row (CSV). ``docs/audit.md`` gives the recipe."""

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from itcell.audit.chain import HASHED_FIELDS

FIELDS = (*HASHED_FIELDS, "prev_hash", "hash")
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


def as_jsonl(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """Each line is an object that ``chain.first_break`` and ``event_hash`` read as they are."""
    for row in rows:
        yield json.dumps({name: row[name] for name in FIELDS}, ensure_ascii=False) + "\n"


def _cell(name: str, value: Any) -> str:
    # ``before`` and ``after`` stay JSON (``null`` when absent), so they parse back exactly;
    # an absent actor or address is an empty cell.
    if name in ("before", "after"):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def as_csv(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[str]) -> str:
        writer.writerow(values)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(FIELDS)
    for row in rows:
        yield line(_cell(name, row[name]) for name in FIELDS)


def from_csv_row(row: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row read back (``csv.DictReader``) as the hash sees it: the inverse of ``as_csv``."""
    event: dict[str, Any] = dict(row)
    event["id"] = int(row["id"])
    event["actor_id"] = int(row["actor_id"]) if row["actor_id"] else None
    event["source_address"] = row["source_address"] or None
    event["before"] = json.loads(row["before"])
    event["after"] = json.loads(row["after"])
    return event


WRITERS = {"csv": as_csv, "jsonl": as_jsonl}
