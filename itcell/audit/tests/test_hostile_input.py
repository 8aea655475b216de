"""Hostile input to the audit trail's CSV export: any event, with any text in its fields and
any JSON before and after, reads back (``from_csv_row``) exactly as it was written, so an
outside party re-verifying the hashes sees what the chain hashed."""

import csv
import io
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from itcell.audit.export import FIELDS, as_csv, from_csv_row
from itcell.core.tests.hostile import REPEATABLE

QUICK = settings(REPEATABLE, max_examples=200)
HOSTILE = st.sampled_from(["\x00", "\ufeff", "\r\n", "\r", '"', ",", "\u200f", "बिहार", "null"])
TEXT = st.lists(st.one_of(st.text(max_size=10), HOSTILE), max_size=6).map("".join)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=10,
)
EVENT = st.fixed_dictionaries(
    {
        "id": st.integers(1, 2**63 - 1),
        "at": TEXT,
        "actor_id": st.none() | st.integers(1, 2**63 - 1),
        "actor_label": TEXT,
        "action": TEXT,
        "object_type": TEXT,
        "object_id": TEXT,
        "object_repr": TEXT,
        "before": JSON,
        "after": JSON,
        "source_address": st.none() | TEXT.filter(bool),
        "prev_hash": TEXT,
        "hash": TEXT,
    }
)


@QUICK
@given(events=st.lists(EVENT, max_size=3))
@example(
    events=[
        dict.fromkeys(FIELDS, '\r\n\x00"') | {"id": 1, "actor_id": None, "source_address": None}
    ]
)
def test_an_exported_event_reads_back_as_it_was(events: list[dict[str, Any]]) -> None:
    text = "".join(as_csv(events))
    read = [from_csv_row(row) for row in csv.DictReader(io.StringIO(text, newline=""))]
    assert read == events
