"""Hostile input to compliance's parsers: a post described in JSON is read or refused with
``InvalidInput`` naming each bad field; the lexicon's text normalisation is stable and maps
back to the text as written; the JSON check over HTTP never answers with a server error."""

import json
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from itcell.compliance.described import parse
from itcell.compliance.engine import Content
from itcell.compliance.lexicon import normalise, scan
from itcell.core import clock
from itcell.core.clock import IST
from itcell.core.errors import InvalidInput
from itcell.core.tests.hostile import REPEATABLE
from itcell.publishing.tests.factories import Cell

QUICK = settings(REPEATABLE, max_examples=150)
DB = settings(QUICK, max_examples=30)
HOSTILE = st.sampled_from(
    [
        "\x00",
        "\ufeff",
        "\r\n",
        "\u200f",
        "\u202e",
        "\u200d",
        "\u093c",
        "\u0901",
        "हिन्दू",
        "vooote",
        "𝐯𝐨𝐭𝐞",
        "ﷺ",
        "\ud800",
        "Apni jaati ke naam par vote do",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=15), HOSTILE), max_size=20).map("".join)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=15,
)
FIELDS = [
    "text",
    "channel",
    "handle",
    "candidate",
    "is_paid",
    "spend_inr",
    "scheduled_at",
    "account_kind",
    "target_acs",
    "tags",
    "declared_handles",
    "media",
    "statewide",
]
MEDIUM = st.dictionaries(
    st.sampled_from(["kind", "synthetic", "label", "people_without_consent", "duration", "x"]),
    JSON,
)
DESCRIBED = st.dictionaries(
    st.sampled_from(FIELDS),
    st.one_of(
        JSON,
        st.lists(MEDIUM, max_size=2),
        st.sampled_from(["2020-11-06T10:00", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00"]),
    ),
)


def parse_or_refuse(data: Any) -> Content | None:
    try:
        return parse(data, "body")
    except InvalidInput as invalid:
        problems = invalid.problems
    assert problems
    assert all(p.message and p.source == "body" for p in problems)
    return None


@QUICK
@given(data=st.one_of(JSON, DESCRIBED))
@example(data={"text": "x", "media": [{"kind": "video", "people_without_consent": "abc"}]})
@example(data={"text": "x", "scheduled_at": "0001-01-01T00:00"})
def test_a_post_described_in_any_json_is_read_or_refused_by_field(data: Any) -> None:
    parse_or_refuse(data)


@QUICK
@given(text=TEXT)
@example(text="हिन्दू vooote 𝐯𝐨𝐭𝐞 ज़\u200dिला")
@example(text="a\u0301\u093c\u0901")
def test_the_lexicons_normal_form_is_stable_and_maps_back(text: str) -> None:
    once = normalise(text)
    assert normalise(once.text).text == once.text
    assert len(once.starts) == len(once.ends) == len(once.text)
    assert all(0 <= s < e <= len(text) for s, e in zip(once.starts, once.ends, strict=True))
    for hit in scan(text):
        assert hit is not None


@pytest.fixture
def signed_in(cell: Cell) -> Client:
    client = Client()
    client.force_login(cell.writer)
    return client


@DB
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.one_of(JSON, DESCRIBED).map(lambda d: json.dumps(d).encode("utf-8", "surrogatepass")),
    )
)
@example(body=b"\xff\xfe\x00")
@example(body=b'"\xff"')
@example(body=json.dumps({"text": "x", "scheduled_at": "9999-12-31T23:59:59-23:59"}).encode())
@example(body=json.dumps({"text": "x", "scheduled_at": "0001-01-01T00:00"}).encode())
def test_the_json_check_never_fails_on_garbage(signed_in: Client, body: bytes) -> None:
    url = reverse("compliance:check_json", args=["bihar-2020"])
    with clock.frozen(datetime(2020, 10, 27, 10, 0, tzinfo=IST)):
        response = signed_in.post(url, data=body, content_type="application/json")
    assert response.status_code in (200, 400)
    assert response.json()
