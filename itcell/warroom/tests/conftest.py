"""The war room's scenario: publishing's cell (Bihar 2020, the Bahadurganj desk, AC 52, the
state's head and spokesperson) with our party set, the clock on Tuesday 27 October 2020 at
10:00 IST (phase 1 is silent; Bahadurganj votes in phase 3), and one of everything the war
room counts: shifts, posts, deliveries, alerts and hourly mention counts."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import Party
from itcell.elections.services import set_own_party
from itcell.monitoring.models import Alert, HourlyCount, Source, hour_of
from itcell.organisation.tests.factories import desk, shift
from itcell.publishing.models import Delivery, Post
from itcell.publishing.services.posts import submit_post
from itcell.publishing.tests.conftest import (  # noqa: F401  (fixtures, used by name)
    _fast_password_hashing,
    cell,
    connectors,
    queue,
)
from itcell.publishing.tests.factories import Cell

T0 = datetime(2020, 10, 27, 10, 0, tzinfo=IST)
SLUG = "bihar-2020"


@dataclass
class Scenario:
    cell: Cell
    waiting: Post  # in review, for AC 52
    published: Post  # published today, for AC 52
    alert: Alert  # open, about AC 52
    source: Source


def mentions(
    source: Source, ac: int | None, stance: str, count: int, *, hours_ago: int = 0, party: str = ""
) -> HourlyCount:
    return HourlyCount.objects.create(
        election=source.election,
        hour=hour_of(clock.now() - timedelta(hours=hours_ago)),
        ac_number=ac,
        party=party,
        stance=stance,
        source=source,
        count=count,
    )


def alert(
    team: Cell,
    ac: int,
    *,
    state: str = Alert.State.OPEN,
    kind: str = Alert.Kind.SPIKE,
    severity: int = Alert.Severity.MEDIUM,
    hours_ago: int = 0,
) -> Alert:
    return Alert.objects.create(
        election=team.election,
        kind=kind,
        key=f"ac:{ac}",
        hour=hour_of(clock.now() - timedelta(hours=hours_ago)),
        ac_number=ac,
        desk=desk(team.election, ac),
        figures={"current": 9, "baseline": 1.0},
        severity=severity,
        state=state,
    )


def published(team: Cell, *, at: datetime, **changes: object) -> Post:
    """A post approved and delivered (as a worker would record it) at ``at``."""
    post = team.approved(**changes)
    Post.objects.filter(pk=post.pk).update(state="published")
    Delivery.objects.create(
        post=post, channel=team.channel, state=Delivery.State.PUBLISHED, due_at=at, finished_at=at
    )
    return post


@pytest.fixture
def scenario(cell) -> Scenario:  # type: ignore[no-untyped-def]  # noqa: F811
    clock.set_now(T0)
    set_own_party(election=cell.election, party=Party.objects.get(short_name="VIP"))
    # The desk lead is on duty at Bahadurganj; the spokesperson at HQ.
    shift(cell.desk, cell.lead, T0 - timedelta(hours=2), T0 + timedelta(hours=10))
    shift(cell.hq, cell.spokesperson, T0 - timedelta(hours=2), T0 + timedelta(hours=10))
    waiting = cell.draft(title="Waiting")
    submit_post(post=waiting, author=cell.writer)
    waiting.refresh_from_db()
    today = published(cell, at=T0 - timedelta(hours=1), title="Out today")
    published(cell, at=T0 - timedelta(days=1), title="Out yesterday")
    source = Source.objects.create(election=cell.election, name="News", backend="locmem")
    mentions(source, 52, "for", 5)
    mentions(source, 52, "against", 2, hours_ago=3)
    mentions(source, 52, "", 4, hours_ago=23)
    mentions(source, 52, "against", 100, hours_ago=24)  # a day ago: not counted
    mentions(source, 52, "for", 50, party="VIP")  # a party's row: counted in "" already
    mentions(source, 0, "for", 70)  # the election's total
    open_alert = alert(cell, 52)
    alert(cell, 52, state=Alert.State.DISMISSED, hours_ago=1)
    alert(cell, 155, kind=Alert.Kind.CLAIM, severity=Alert.Severity.HIGH)
    return Scenario(cell=cell, waiting=waiting, published=today, alert=open_alert, source=source)
