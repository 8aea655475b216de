"""``itcell audit verify``: rows edited, inserted or deleted directly in the database (the
model refuses saves) are found, and the first broken event is named. A broken chain raises
``CommandError``, which the command line turns into exit status 1."""

from datetime import UTC, datetime

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connection

from itcell.audit.chain import GENESIS, Head, event_hash, verify
from itcell.audit.models import AuditEvent
from itcell.audit.services import hash_fields, record
from itcell.core import clock

pytestmark = pytest.mark.django_db
WHEN = datetime(2020, 10, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def five() -> list[AuditEvent]:
    with clock.frozen(WHEN):
        return [
            record(
                actor=None,
                action="post.approved",
                object_type="publishing.post",
                object_id=str(n),
                object_repr=f"post {n}",
                after={"state": "approved"},
                source_address="10.0.0.1",
            )
            for n in range(1, 6)
        ]


def _sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify() -> str:
    out: list[str] = []

    class Sink:
        def write(self, text: str) -> None:
            out.append(text)

        def flush(self) -> None:
            pass

    call_command("audit", "verify", stdout=Sink())
    return "".join(out)


def _broken_at(event_id: int) -> pytest.RaisesExc[CommandError]:
    return pytest.raises(CommandError, match=rf"^chain broken at #{event_id} \(")


def _forge(event_id: int, prev_hash: str, **changes: object) -> None:
    """Insert an event with a valid hash, as someone who knows the recipe would."""
    fields = {
        "id": event_id,
        "at": WHEN.isoformat(),
        "actor_id": None,
        "actor_label": "system",
        "action": "post.approved",
        "object_type": "publishing.post",
        "object_id": "99",
        "object_repr": "forged",
        "before": None,
        "after": None,
        "source_address": None,
        **changes,
    }
    _sql(
        "INSERT INTO audit_auditevent (id, at, actor_id, actor_label, action, object_type,"
        " object_id, object_repr, before, after, source_address, prev_hash, hash)"
        " VALUES (%s, %s, NULL, %s, %s, %s, %s, %s, NULL, NULL, NULL, %s, %s)",
        event_id,
        WHEN,
        fields["actor_label"],
        fields["action"],
        fields["object_type"],
        fields["object_id"],
        fields["object_repr"],
        prev_hash,
        event_hash(fields, prev_hash),
    )


def test_an_intact_chain_is_counted_and_its_last_hash_shown(five: list[AuditEvent]) -> None:
    assert _verify() == f"5 events, chain intact, last #5 hash {five[-1].hash[:12]}…\n"


def test_an_empty_trail_is_intact() -> None:
    assert _verify().startswith("0 events, chain intact, last #0")


def test_a_row_edited_in_the_database_is_named(five: list[AuditEvent]) -> None:
    _sql("UPDATE audit_auditevent SET action = %s WHERE id = %s", "post.rejected", 3)
    with _broken_at(3) as broken:
        _verify()
    assert "post.rejected" in str(broken.value)
    assert "its contents were changed after it was written" in str(broken.value)
    assert "2020-10-26 17:30:00 IST" in str(broken.value)
    assert "Intact before it: 2 events." in str(broken.value)


def test_an_edited_time_is_named(five: list[AuditEvent]) -> None:
    _sql("UPDATE audit_auditevent SET at = %s WHERE id = %s", datetime(2020, 1, 1, tzinfo=UTC), 2)
    with _broken_at(2):
        _verify()


def test_only_the_first_of_two_edits_is_named(five: list[AuditEvent]) -> None:
    _sql("UPDATE audit_auditevent SET object_repr = 'x' WHERE id IN (2, 4)")
    with _broken_at(2):
        _verify()


def test_a_deleted_middle_row_is_named_at_the_next_one(five: list[AuditEvent]) -> None:
    _sql("DELETE FROM audit_auditevent WHERE id = %s", 3)
    with _broken_at(
        4,
    ) as broken:
        _verify()
    assert "#3 missing" in str(broken.value)


def test_a_deleted_first_row_is_found(five: list[AuditEvent]) -> None:
    _sql("DELETE FROM audit_auditevent WHERE id = %s", 1)
    with _broken_at(2) as broken:
        _verify()
    assert "#1 missing" in str(broken.value)


def test_a_deleted_last_row_is_found_through_the_chain_head(five: list[AuditEvent]) -> None:
    _sql("DELETE FROM audit_auditevent WHERE id = %s", 5)
    with _broken_at(5) as broken:
        _verify()
    assert "no such event" in str(broken.value)
    assert "the chain ends at #4 but #5 was written" in str(broken.value)


def test_several_rows_deleted_from_the_end_are_found(five: list[AuditEvent]) -> None:
    _sql("DELETE FROM audit_auditevent WHERE id >= %s", 3)
    with _broken_at(
        3,
    ) as broken:
        _verify()
    assert "the chain ends at #2 but #5 was written" in str(broken.value)


def test_a_row_inserted_with_a_valid_hash_is_found_through_the_chain_head(
    five: list[AuditEvent],
) -> None:
    _forge(6, five[-1].hash)
    with _broken_at(6) as broken:
        _verify()
    assert "not written through the chain's head (inserted)" in str(broken.value)


def test_a_last_row_replaced_with_a_valid_hash_is_found(five: list[AuditEvent]) -> None:
    _sql("DELETE FROM audit_auditevent WHERE id = %s", 5)
    _forge(5, five[3].hash, object_repr="a different post")
    with _broken_at(5) as broken:
        _verify()
    assert "recorded (replaced)" in str(broken.value)


def test_a_rehashed_edit_breaks_the_next_link(five: list[AuditEvent]) -> None:
    target = AuditEvent.objects.get(id=2)
    target.object_repr = "forged"
    _sql(
        "UPDATE audit_auditevent SET object_repr = %s, hash = %s WHERE id = %s",
        "forged",
        event_hash(hash_fields(target), target.prev_hash),
        2,
    )
    with _broken_at(3):
        _verify()


def test_the_command_line_exits_with_status_1_when_broken(
    five: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    _sql("UPDATE audit_auditevent SET action = %s WHERE id = %s", "post.rejected", 3)
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "audit", "verify"]).execute()
    assert exited.value.code == 1
    assert "chain broken at #3" in capsys.readouterr().err


def test_events_written_while_the_walk_runs_are_not_a_break() -> None:
    """The head read before the walk says #2; two more events land during it; the head read
    after says #4, so the walk's extra events are accounted for."""
    events = []
    prev = GENESIS
    for n in range(1, 5):
        fields = dict.fromkeys(("at", "actor_id", "before", "after", "source_address"))
        fields |= {"id": n, "actor_label": "system", "action": "a", "object_type": "t"}
        fields |= {"object_id": str(n), "object_repr": ""}
        event = {**fields, "prev_hash": prev, "hash": event_hash(fields, prev)}
        events.append(event)
        prev = event["hash"]
    before = Head(2, events[1]["hash"])
    after = Head(4, events[3]["hash"])
    assert verify(events, head_before=before, head_after=lambda: after).intact
    stale = Head(3, events[2]["hash"])  # the 4th was not written through the head
    verdict = verify(events, head_before=before, head_after=lambda: stale)
    assert verdict.broken_id == 4
