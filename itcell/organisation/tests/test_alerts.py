"""Roster gaps and handovers reach the right people through the notifications app."""

from datetime import UTC, datetime, timedelta

import pytest

from itcell.core import clock
from itcell.notifications.models import Notification
from itcell.organisation.alerts import raise_gap_alerts
from itcell.organisation.models import Desk
from itcell.organisation.roles import Role
from itcell.organisation.services import assign_shift, create_desks, grant_role, write_handover

NOW = datetime(2020, 10, 20, 2, 30, tzinfo=UTC)  # 08:00 IST

pytestmark = pytest.mark.django_db


@pytest.fixture
def cell(bihar, make_user):  # type: ignore[no-untyped-def]
    create_desks(election=bihar)
    hq = Desk.objects.get(election=bihar, kind=Desk.Kind.HQ)
    ac52 = Desk.objects.get(election=bihar, kind=Desk.Kind.AC, acs__number=52)
    people = {name: make_user(name) for name in ("head", "spoke", "lead", "writer", "other")}
    grant_role(user=people["head"], desk=hq, role=Role.HEAD, actor=None)
    grant_role(user=people["spoke"], desk=hq, role=Role.SPOKESPERSON, actor=None)
    grant_role(user=people["lead"], desk=ac52, role=Role.DESK_LEAD, actor=None)
    grant_role(user=people["writer"], desk=ac52, role=Role.WRITER, actor=None)
    return bihar, hq, ac52, people


def test_a_desk_gap_alerts_its_lead_and_the_head_once(cell) -> None:  # type: ignore[no-untyped-def]
    election, hq, ac52, people = cell
    with clock.frozen(NOW):
        # AC 52 staffed for the first 12 hours only, HQ approver for all three days.
        assign_shift(
            desk=ac52,
            user=people["writer"],
            starts_at=NOW,
            ends_at=NOW + timedelta(hours=12),
            actor=None,
        )
        for day in range(3):
            start = NOW + timedelta(days=day)
            assign_shift(
                desk=hq,
                user=people["spoke"],
                starts_at=start,
                ends_at=start + timedelta(hours=12),
                actor=None,
            )
            assign_shift(
                desk=hq,
                user=people["head"],
                starts_at=start + timedelta(hours=12),
                ends_at=start + timedelta(hours=24),
                actor=None,
            )
        assert raise_gap_alerts(election=election) == 1
        raise_gap_alerts(election=election)  # the same gap again: no second notification
    gap = Notification.objects.filter(kind="roster_gap")
    assert sorted(n.recipient.username for n in gap) == ["head", "lead"]
    assert "52 Bahadurganj" in gap[0].title
    assert gap[0].url == f"/org/{election.slug}/desks/{ac52.pk}/roster/"
    assert not Notification.objects.filter(recipient__username__in=["writer", "other"]).exists()


def test_no_approver_on_duty_alerts_the_head(cell) -> None:  # type: ignore[no-untyped-def]
    election, hq, _, people = cell
    with clock.frozen(NOW):
        assign_shift(
            desk=hq,
            user=people["spoke"],
            starts_at=NOW,
            ends_at=NOW + timedelta(hours=12),
            actor=None,
        )
        raise_gap_alerts(election=election)
    titles = list(
        Notification.objects.filter(recipient=people["head"]).values_list("title", flat=True)
    )
    assert any(t.startswith("No approver on duty for the state") for t in titles)


def test_a_handover_reaches_the_next_shift_only(cell) -> None:  # type: ignore[no-untyped-def]
    _, _, ac52, people = cell
    with clock.frozen(NOW):
        assign_shift(
            desk=ac52,
            user=people["lead"],
            starts_at=NOW - timedelta(hours=8),
            ends_at=NOW,
            actor=None,
        )
        assign_shift(
            desk=ac52,
            user=people["writer"],
            starts_at=NOW,
            ends_at=NOW + timedelta(hours=8),
            actor=None,
        )
        write_handover(
            desk=ac52,
            author=people["lead"],
            pending_items="Reply to the rumour",
            open_alerts="",
            notes="",
        )
    (note,) = Notification.objects.filter(kind="handover")
    assert note.recipient == people["writer"]
    assert note.body == "Reply to the rumour"
    assert note.url == f"/org/{ac52.election.slug}/desks/{ac52.pk}/"
