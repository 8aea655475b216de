import itertools
from datetime import UTC, datetime

import pytest
from django.db import connection

from itcell.audit.chain import GENESIS
from itcell.audit.models import AppendOnly, AuditEvent
from itcell.audit.selectors import find_first_break
from itcell.audit.services import record
from itcell.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_events(make_user) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    user = make_user("lead")
    with clock.frozen(datetime(2020, 10, 26, 12, 0, 0, 123456, tzinfo=UTC)):
        return [
            record(
                actor=user,
                action="post.approved",
                object_type="post",
                object_id=str(n),
                object_repr=f"post {n}",
                before={"state": "in_review"},
                after={"state": "approved", "note": "ठीक है"},
                source_address="127.0.0.1",
            )
            for n in range(3)
        ]


def test_each_event_carries_the_hash_of_the_one_before(three_events: list[AuditEvent]) -> None:
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    # The user's creation is the first event of the chain.
    assert first.prev_hash == GENESIS
    events = list(AuditEvent.objects.order_by("id"))
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert find_first_break() is None


def test_actor_and_system_are_named(three_events: list[AuditEvent]) -> None:
    assert three_events[0].actor_label == "lead"
    assert record(actor=None, action="election.loaded").actor_label == "system"


def test_events_cannot_be_changed_or_deleted_through_the_orm(
    three_events: list[AuditEvent],
) -> None:
    event = three_events[1]
    event.action = "post.rejected"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()


def _sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_edited_row_is_found(three_events: list[AuditEvent]) -> None:
    target = three_events[1]
    _sql("UPDATE audit_auditevent SET action = %s WHERE id = %s", "post.rejected", target.id)
    assert find_first_break() == (target.id, "its contents were changed after it was written")


def test_an_edited_before_value_is_found(three_events: list[AuditEvent]) -> None:
    target = three_events[2]
    _sql("UPDATE audit_auditevent SET after = %s WHERE id = %s", '{"state": "draft"}', target.id)
    found = find_first_break()
    assert found is not None
    assert found[0] == target.id


def test_a_deleted_row_is_found_at_the_next_one(three_events: list[AuditEvent]) -> None:
    _sql("DELETE FROM audit_auditevent WHERE id = %s", three_events[1].id)
    found = find_first_break()
    assert found is not None
    assert found[0] == three_events[2].id
    assert "deleted or inserted" in found[1]


def test_a_rehashed_forgery_still_breaks_the_next_link(three_events: list[AuditEvent]) -> None:
    """Someone who edits a row and recomputes its hash breaks the link to the row after it."""
    from itcell.audit.chain import event_hash
    from itcell.audit.services import hash_fields

    target = AuditEvent.objects.get(id=three_events[1].id)
    _sql("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", "forged", target.id)
    target.object_repr = "forged"
    forged_hash = event_hash(hash_fields(target), target.prev_hash)
    _sql("UPDATE audit_auditevent SET hash = %s WHERE id = %s", forged_hash, target.id)
    assert find_first_break() == (
        three_events[2].id,
        "does not follow the event before it (one was deleted or inserted)",
    )
