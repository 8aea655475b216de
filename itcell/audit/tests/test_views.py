"""The audit trail's screen through Django's test client: who may open it (a refusal is a
404, like a missing object), the filters, the chain checked on request, and the exports, which
re-verify outside itcell."""

import csv
import hashlib
import io
import json
import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from itcell.accounts.models import User
from itcell.audit.chain import first_break, first_forged_row
from itcell.audit.export import FIELDS, from_csv_row
from itcell.audit.models import AuditEvent
from itcell.audit.services import record
from itcell.core import clock
from itcell.elections.models import Election
from itcell.organisation.roles import Role
from itcell.organisation.services import create_desks
from itcell.organisation.tests.factories import desk, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Cell:
    def __init__(self, election: Election) -> None:
        create_desks(election=election)
        hq = desk(election, "hq")
        self.election = election
        self.head = person("head", hq, Role.HEAD)
        self.writer = person("writer", hq, Role.WRITER)
        self.observer = person("observer", hq, Role.OBSERVER)
        with clock.frozen(datetime(2020, 10, 1, 20, 0, tzinfo=UTC)):  # 2 Oct, 01:30 IST
            record(
                actor=self.head,
                action="post.approved",
                object_type="publishing.post",
                object_id="7",
                object_repr="Flood relief reached every block",
                before={"state": "in_review"},
                after={"state": "approved"},
                source_address="203.0.113.9",
            )
        with clock.frozen(datetime(2020, 10, 3, 6, 0, tzinfo=UTC)):
            record(
                actor=self.writer,
                action="post.submitted",
                object_type="publishing.post",
                object_id="8",
                object_repr="Roads in Kishanganj",
            )


@pytest.fixture
def cell(bihar: Election) -> Cell:
    return Cell(bihar)


def url(cell: Cell, name: str = "events", *args: object) -> str:
    return reverse(f"audit:{name}", args=[cell.election.slug, *args])


def as_(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _rows(page: str) -> list[str]:
    return [line for line in page.splitlines() if '<tr id="event-' in line]


def test_the_head_sees_events_newest_first_with_their_details(cell: Cell, client: Client) -> None:
    page = as_(client, cell.head).get(url(cell)).content.decode()
    assert page.index("Roads in Kishanganj") < page.index("Flood relief reached every block")
    assert "2 Oct 2020, 01:30:00 IST" in page
    assert "203.0.113.9" in page
    assert "&quot;state&quot;: &quot;in_review&quot;" in page
    assert "<details>" in page
    assert "Verify the chain" in page
    assert reverse("audit:events", args=[cell.election.slug]) in page  # the menu's link


def test_an_observer_may_read_the_trail(cell: Cell, client: Client) -> None:
    assert as_(client, cell.observer).get(url(cell)).status_code == 200


def test_a_writer_and_a_stranger_get_not_found(cell: Cell, client: Client, make_user) -> None:  # type: ignore[no-untyped-def]
    for user in (cell.writer, make_user("stranger")):
        as_(client, user)
        assert client.get(url(cell)).status_code == 404
        assert client.post(url(cell, "verify")).status_code == 404
        assert client.get(url(cell, "export", "csv")).status_code == 404
    as_(client, cell.writer)
    page = client.get(reverse("elections:election", args=[cell.election.slug])).content.decode()
    assert "Audit trail" not in page


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"actor": "writer"}, ["Roads in Kishanganj"]),
        ({"action": "post."}, ["Roads in Kishanganj", "Flood relief reached every block"]),
        ({"action": "post.appr"}, ["Flood relief reached every block"]),
        ({"object_type": "publishing.post", "object_id": "8"}, ["Roads in Kishanganj"]),
        ({"text": "FLOOD"}, ["Flood relief reached every block"]),
        # 2 Oct IST starts at 1 Oct 18:30 UTC: the 20:00 UTC event falls on 2 Oct.
        ({"since": "2020-10-02", "until": "2020-10-02"}, ["Flood relief reached every block"]),
        ({"since": "2020-10-03"}, ["Roads in Kishanganj"]),
    ],
)
def test_filters_narrow_the_events(
    cell: Cell, client: Client, query: dict[str, str], shown: list[str]
) -> None:
    page = as_(client, cell.head).get(url(cell), query).content.decode()
    rows = _rows(page)
    assert len(rows) >= len(shown)
    for text in ("Roads in Kishanganj", "Flood relief reached every block"):
        assert (text in page) == (text in shown), text
    if "actor" in query or "object_id" in query or "text" in query:
        assert len(rows) == len(shown)


def test_a_bad_date_is_shown_and_the_other_filters_still_apply(cell: Cell, client: Client) -> None:
    page = as_(client, cell.head).get(url(cell), {"since": "soon", "actor": "writer"})
    text = page.content.decode()
    assert "Enter a valid date." in text
    assert len(_rows(text)) == 1


def test_pages_hold_fifty_events_and_link_older_and_newer(cell: Cell, client: Client) -> None:
    for n in range(60):
        record(actor=None, action="test.filler", object_repr=f"filler {n}")
    as_(client, cell.head)
    first = client.get(url(cell), {"action": "test."}).content.decode()
    assert len(_rows(first)) == 50
    assert "filler 59" in first
    assert not re.search(r"filler 9\b", first)
    older = client.get(url(cell), {"action": "test.", "before": _last_id(first)}).content.decode()
    assert len(_rows(older)) == 10
    assert re.search(r"filler 9\b", older)
    assert "Newer events" in older
    assert "Older events" not in older


def _last_id(page: str) -> str:
    return _rows(page)[-1].split('"event-')[1].split('"')[0]


def test_the_page_takes_a_fixed_number_of_queries(
    cell: Cell, client: Client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for n in range(60):
        record(actor=cell.head, action="test.filler", object_repr=f"filler {n}")
    as_(client, cell.head)
    with django_assert_max_num_queries(7):
        response = client.get(url(cell), {"action": "test."})
    assert response.status_code == 200


def test_the_chain_is_verified_on_request(cell: Cell, client: Client) -> None:
    as_(client, cell.head)
    response = client.post(url(cell, "verify"), headers={"HX-Request": "true"})
    count = AuditEvent.objects.count()
    assert f"{count} events, chain intact, last #{count} hash" in response.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_repr = 'x' WHERE id = %s", [3])
    response = client.post(url(cell, "verify"), headers={"HX-Request": "true"})
    assert "The chain is broken at event #3" in response.content.decode()
    response = client.post(url(cell, "verify"), follow=True)  # without htmx: a message
    assert "The chain is broken at event #3" in response.content.decode()


def _download(client: Client, address: str, query: dict[str, str] | None = None) -> str:
    response = client.get(address, query or {})
    assert response.status_code == 200
    assert response.streaming
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content).decode()  # type: ignore[arg-type]


def test_a_full_jsonl_export_re_verifies_outside_itcell(cell: Cell, client: Client) -> None:
    body = _download(as_(client, cell.head), url(cell, "export", "jsonl"))
    rows = [json.loads(line) for line in body.splitlines()]
    assert len(rows) == AuditEvent.objects.count()
    assert list(rows[0]) == list(FIELDS)
    assert first_break(rows) is None
    assert rows[-1]["hash"] == AuditEvent.objects.order_by("id").last().hash  # type: ignore[union-attr]
    assert _by_hand(body) == rows[-1]["hash"]
    rows[1]["object_repr"] = "edited after export"
    assert first_break(rows) == (rows[1]["id"], "its contents were changed after it was written")


def _by_hand(jsonl: str) -> str:
    """The recipe of docs/audit.md, with nothing of itcell."""
    names = ["id", "at", "actor_id", "actor_label", "action", "object_type", "object_id"]
    names += ["object_repr", "before", "after", "source_address"]
    prev = "0" * 64
    for line in jsonl.splitlines():
        event = json.loads(line)
        body = {name: event[name] for name in names}
        text = json.dumps([prev, body], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert event["prev_hash"] == prev
        assert hashlib.sha256(text.encode()).hexdigest() == event["hash"]
        prev = event["hash"]
    return prev


def test_a_full_csv_export_re_verifies_outside_itcell(cell: Cell, client: Client) -> None:
    body = _download(as_(client, cell.head), url(cell, "export", "csv"))
    rows = [from_csv_row(row) for row in csv.DictReader(io.StringIO(body))]
    assert len(rows) == AuditEvent.objects.count()
    assert first_break(rows) is None
    approved = next(r for r in rows if r["action"] == "post.approved")
    assert approved["before"] == {"state": "in_review"}
    assert approved["source_address"] == "203.0.113.9"


def test_a_filtered_export_carries_the_filters_and_checks_row_by_row(
    cell: Cell, client: Client
) -> None:
    as_(client, cell.head)
    page = client.get(url(cell), {"action": "post."}).content.decode()
    assert "export.csv?action=post." in page
    body = _download(client, url(cell, "export", "jsonl"), {"action": "post."})
    rows = [json.loads(line) for line in body.splitlines()]
    assert [r["action"] for r in rows] == ["post.approved", "post.submitted"]
    assert first_forged_row(rows) is None
    rows[0]["after"] = {"state": "rejected"}
    assert first_forged_row(rows) == (
        rows[0]["id"],
        "its contents were changed after it was written",
    )


def test_an_unknown_export_format_is_not_found(cell: Cell, client: Client) -> None:
    assert as_(client, cell.head).get(url(cell, "export", "xml")).status_code == 404


@pytest.mark.parametrize("cursor", ["9" * 30, "²", "-5"])
def test_a_hostile_page_cursor_is_ignored(cell: Cell, client: Client, cursor: str) -> None:
    as_(client, cell.head)
    assert client.get(url(cell), {"before": cursor}).status_code == 200
    assert client.get(url(cell), {"after": cursor}).status_code == 200
