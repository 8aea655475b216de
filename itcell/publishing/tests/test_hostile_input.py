"""Hostile input to the content-calendar import (CSV, one draft per row): it imports every
row or refuses with ``PostInvalid`` naming each bad line and column, and a refusal writes
nothing. The upload screen answers garbage with the form again, never a server error."""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.core.tests.hostile import REPEATABLE
from itcell.publishing.errors import PostInvalid
from itcell.publishing.models import Post
from itcell.publishing.services.calendar_import import COLUMNS, import_calendar
from itcell.publishing.tests.factories import Cell

NOW = datetime(2020, 10, 20, 6, 30, tzinfo=UTC)
DB = settings(REPEATABLE, max_examples=30)
HOSTILE = st.sampled_from(
    ["\x00", "\ufeff", "\r\n", "\r", '"', ",", ";", "\u200f", "\u202e", "राहत", "\ud800", "x" * 300]
)
CELL = st.lists(st.one_of(st.text(max_size=10), HOSTILE), max_size=5).map("".join)
VALUES = {
    "date": st.one_of(
        CELL,
        st.sampled_from(["2020-10-27", "0001-01-01", "9999-12-31", "2020-02-30", "0000-01-01"]),
    ),
    "time": st.one_of(CELL, st.sampled_from(["18:30", "00:00", "23:59", "24:00", "9:7"])),
    "title": st.one_of(CELL, st.just("Relief camps")),
    "text_hi": CELL,
    "text_en": CELL,
    "channels": st.one_of(CELL, st.sampled_from(["@vip_bihar", "memory:@vip_bihar", "x:"])),
    "acs": st.one_of(CELL, st.sampled_from(["52", "52;53", "9" * 30, "०५२"])),
    "talking_point": CELL,
    "paid_promotion": st.one_of(CELL, st.sampled_from(["yes", "no", ""])),
    "mcmc_certificate": CELL,
    "fast_lane": st.one_of(CELL, st.sampled_from(["yes", "no", ""])),
}
ROWS = st.lists(st.fixed_dictionaries(VALUES), min_size=1, max_size=4)
GOOD = {
    "date": "2020-10-27",
    "time": "18:30",
    "title": "Relief camps",
    "text_hi": "राहत शिविर खुले हैं।",
    "text_en": "Camps are open.",
    "channels": "@vip_bihar",
    "acs": "52",
    "talking_point": "",
    "paid_promotion": "no",
    "mcmc_certificate": "",
    "fast_lane": "no",
}


@pytest.fixture(autouse=True)
def now() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


def write_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def counts() -> tuple[int, int]:
    return Post.objects.count(), AuditEvent.objects.count()


def refused(error: PostInvalid, before: tuple[int, int]) -> None:
    """Checks that the refusal says what is wrong and wrote nothing."""
    assert error.problems
    assert all(p.message for p in error.problems)
    assert counts() == before


def import_or_refuse(cell: Cell, csv_text: str) -> None:
    before = counts()
    try:
        posts = import_calendar(desk=cell.desk, author=cell.writer, csv_text=csv_text)
    except PostInvalid as error:
        refused(error, before)
    else:
        assert posts
        # Imported twice, the same file is refused as a whole: nothing is scheduled twice.
        with pytest.raises(PostInvalid):
            import_calendar(desk=cell.desk, author=cell.writer, csv_text=csv_text)
        Post.objects.filter(pk__in=[p.pk for p in posts]).delete()


@DB
@given(rows=ROWS)
@example(rows=[GOOD | {"title": "NUL\x00"}])
@example(rows=[GOOD | {"text_hi": "राहत\x00"}])
@example(rows=[GOOD | {"title": "Relief\ud800"}])
@example(rows=[GOOD | {"date": "0001-01-01", "time": "00:00"}])
@example(rows=[GOOD | {"date": "9999-12-31", "time": "23:59"}])
@example(rows=[GOOD | {"acs": "9" * 30}])
@example(rows=[GOOD | {"mcmc_certificate": "\x00"}])
def test_a_hostile_calendar_imports_whole_or_not_at_all(
    cell: Cell, rows: list[dict[str, str]]
) -> None:
    import_or_refuse(cell, write_csv(rows))


@DB
@given(text=st.text(max_size=300))
@example(text="date,time,title,text_hi,text_en,channels\r2020-10-27,18:30,t,x,,@vip_bihar\r")
@example(text='date,time,title,text_hi,text_en,channels\n"unclosed,\n')
def test_any_text_as_a_calendar_imports_or_is_refused(cell: Cell, text: str) -> None:
    import_or_refuse(cell, text)


@DB
@given(
    content=st.one_of(
        st.binary(max_size=300),
        ROWS.map(lambda rows: write_csv(rows).encode("utf-8", "surrogatepass")),
    )
)
@example(content=write_csv([GOOD | {"title": "NUL\x00"}]).encode())
@example(content=write_csv([GOOD | {"date": "0001-01-01", "time": "00:00"}]).encode())
def test_the_calendar_import_screen_never_fails_on_garbage(cell: Cell, content: bytes) -> None:
    client = Client()
    client.force_login(cell.writer)
    url = reverse("publishing:import_calendar", args=[cell.election.slug])
    before = counts()

    response = client.post(url, {"file": SimpleUploadedFile("calendar.csv", content)})

    assert response.status_code < 500
    if response.status_code == 200:  # refused: the form again
        assert counts() == before
    Post.objects.all().delete()
