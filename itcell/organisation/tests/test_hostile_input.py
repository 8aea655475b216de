"""Hostile input to the members import (CSV of name, phone, desk, role): it imports every
row or refuses with a ``RosterError`` naming each bad line, and a refusal writes nothing.
The upload screen answers garbage with the form again, never a server error."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from itcell.accounts.models import User
from itcell.audit.models import AuditEvent
from itcell.core.tests.hostile import REPEATABLE
from itcell.elections.models import Election
from itcell.organisation.errors import RosterError
from itcell.organisation.models import Membership
from itcell.organisation.roles import Role
from itcell.organisation.services import import_members
from itcell.organisation.tests.factories import desk, person

DB = settings(REPEATABLE, max_examples=30)
HOSTILE = st.sampled_from(
    ["\x00", "\ufeff", "\r\n", "\r", '"', ",", "\u200f", "\u202e", "राघोपुर", "\ud800", "x" * 300]
)
CELL = st.lists(st.one_of(st.text(max_size=12), HOSTILE), max_size=6).map("".join)
PHONE = st.one_of(
    CELL,
    st.from_regex(r"\+?[0-9][0-9 -]{6,18}[0-9]", fullmatch=True),
    st.sampled_from(["+919800000011", "+91 98000 00011", "123456789012345678901"]),
)
DESK = st.one_of(CELL, st.sampled_from(["HQ", "52 Bahadurganj", "kishanganj", "  hq  "]))
ROLE = st.one_of(CELL, st.sampled_from([r.value for r in Role] + ["Desk lead", "CELL HEAD"]))
ROWS = st.lists(st.tuples(CELL, PHONE, DESK, ROLE), min_size=1, max_size=5)


def write_csv(rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([("name", "phone", "desk", "role"), *rows])
    return buffer.getvalue()


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()


def refused(error: RosterError, before: tuple[int, int, int]) -> None:
    """Checks that the refusal names each problem's line and wrote nothing."""
    assert error.problems
    assert all(p.message and (p.row is None or p.row >= 1) for p in error.problems)
    assert counts() == before


@pytest.fixture
def head(desks: Election) -> User:
    return person("head", desk(desks, "hq"), Role.HEAD)


@DB
@given(rows=ROWS)
@example(rows=[("Asha\x00", "+919800000011", "HQ", "writer")])
@example(rows=[("A" * 300, "+919800000011", "HQ", "writer")])
@example(rows=[("Asha\ud800", "+919800000011", "HQ", "writer")])
@example(rows=[("Asha", "12345678901234567890", "HQ", "writer")])
def test_a_hostile_members_file_imports_whole_or_not_at_all(
    desks: Election, head: User, rows: list[tuple[str, str, str, str]]
) -> None:
    before = counts()
    try:
        imported = import_members(election=desks, csv_text=write_csv(rows), actor=head)
    except RosterError as error:
        refused(error, before)
    else:
        assert len(imported) == len(rows)


@DB
@given(text=st.text(max_size=300))
@example(text="name,phone,desk,role\n\x00")
@example(text='name,phone,desk,role\n"unclosed,+919800000011,HQ,writer\n')
def test_any_text_as_a_members_file_imports_or_is_refused(
    desks: Election, head: User, text: str
) -> None:
    before = counts()
    try:
        import_members(election=desks, csv_text=text, actor=head)
    except RosterError as error:
        refused(error, before)


@DB
@given(
    content=st.one_of(
        st.binary(max_size=300),
        ROWS.map(lambda rows: write_csv(rows).encode("utf-8", "surrogatepass")),
    ),
    pasted=st.booleans(),
)
@example(content=b"name,phone,desk,role\nAsha\x00,+919800000011,HQ,writer\n", pasted=False)
@example(content=b"name,phone,desk,role\nAsha\x00,+919800000011,HQ,writer\n", pasted=True)
def test_the_import_screen_never_fails_on_garbage(
    desks: Election, head: User, content: bytes, pasted: bool
) -> None:
    client = Client()
    client.force_login(head)
    url = reverse("organisation:import_members", args=[desks.slug])
    if pasted:
        data = {"csv_text": content.decode("utf-8", "replace")}
    else:
        data = {"file": SimpleUploadedFile("members.csv", content, "text/csv")}
    before = counts()

    response = client.post(url, data)

    assert response.status_code < 500
    if response.templates[0].name == "organisation/import.html":  # refused: the form again
        assert counts() == before
