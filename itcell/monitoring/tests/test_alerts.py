"""Alerts: a spike in an AC's hourly count alerts the desk responsible for it now (AC desk,
else district, else HQ), once; an item repeating known misinformation alerts too; an alert
becomes a response in the publishing fast lane. Through the in-memory source and the real
language pipeline, on publishing's cell (Bahadurganj, AC 52)."""

from datetime import UTC, datetime, timedelta

import pytest

from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.elections.models import Party
from itcell.monitoring.alerts import (
    create_claim,
    describe,
    dismiss_alert,
    raise_spike_alerts,
    respond_to_alert,
    title_of,
)
from itcell.monitoring.errors import MonitoringError
from itcell.monitoring.models import Alert, Claim, ClaimMatch
from itcell.monitoring.services import create_source, ingest
from itcell.monitoring.sources import Batch, RawItem
from itcell.notifications.models import Notification
from itcell.organisation.roles import Role
from itcell.organisation.services import assign_shift
from itcell.organisation.tests.factories import desk as desk_at
from itcell.organisation.tests.factories import person
from itcell.publishing.models import Post
from itcell.publishing.tests.factories import Cell
from itcell.publishing.workflow import PostState

NOW = datetime(2020, 10, 20, 6, 40, tzinfo=UTC)  # 12:10 IST, before any silence window
HOUR = timedelta(hours=1)
ABOUT_52 = "Bahadurganj me pani bhar gaya, log pareshan hain ({n})"
ELSEWHERE = "पटना में आज मौसम साफ़ रहा ({n})"
RUMOUR = "बहादुरगंज की बाढ़ राहत पार्टी के कहने पर रोकी गई, सब लोग जान लें"


@pytest.fixture(autouse=True)
def now():  # type: ignore[no-untyped-def]
    clock.set_now(NOW)
    return NOW


@pytest.fixture
def source(cell: Cell):  # type: ignore[no-untyped-def]
    return create_source(election=cell.election, name="Stream", backend="locmem")


def feed(source, texts_by_hour: dict[datetime, list[str]]) -> None:  # type: ignore[no-untyped-def]
    items = [
        RawItem(external_id=f"{at:%H}-{i}", text=text, published_at=at + timedelta(minutes=i % 50))
        for at, texts in texts_by_hour.items()
        for i, text in enumerate(texts)
    ]
    ingest(source=source, batch=Batch(items=items, cursor=None))


def history(hours: int, per_hour: int = 1) -> dict[datetime, list[str]]:
    start = NOW.replace(minute=0) - hours * HOUR
    return {
        start + h * HOUR: [ABOUT_52.format(n=f"{h}.{i}") for i in range(per_hour)]
        + [ELSEWHERE.format(n=f"{h}.{i}") for i in range(3)]
        for h in range(hours)
    }


def burst(count: int) -> dict[datetime, list[str]]:
    return {NOW.replace(minute=0): [ABOUT_52.format(n=f"b{i}") for i in range(count)]}


def on_shift(cell: Cell) -> None:
    assign_shift(
        desk=cell.desk, user=cell.lead, starts_at=NOW - 2 * HOUR, ends_at=NOW + 6 * HOUR, actor=None
    )


def test_a_spike_alerts_the_acs_desk_once_with_its_statistic(
    cell: Cell, source, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    on_shift(cell)
    feed(source, history(12) | burst(20))
    with django_capture_on_commit_callbacks(execute=True):
        [alert] = raise_spike_alerts(election=cell.election, now=NOW)
    assert (alert.kind, alert.ac_number, alert.desk) == (Alert.Kind.SPIKE, 52, cell.desk)
    assert alert.severity == Alert.Severity.MEDIUM  # the party does not stand in AC 52 here
    assert alert.figures["current"] == 20
    assert alert.figures["baseline_mean"] == 1.0
    assert alert.figures["baseline_hours"] == 12
    assert alert.figures["ratio"] == 20.0
    assert str(describe(alert)).startswith("20 items this hour against 1.0 an hour")
    # The lead on duty is told, in the inbox.
    assert Notification.objects.filter(recipient=cell.lead, kind="alert").count() == 1
    assert AuditEvent.objects.filter(action="alert.raised").count() == 1
    # The next minute's check raises nothing new.
    assert raise_spike_alerts(election=cell.election, now=NOW + timedelta(minutes=1)) == []
    # Nor does the hour after, when the same burst is "last hour".
    assert raise_spike_alerts(election=cell.election, now=NOW + HOUR) == []


def test_without_anyone_on_duty_at_the_ac_the_alert_falls_back_to_hq(cell: Cell, source) -> None:  # type: ignore[no-untyped-def]
    feed(source, history(12) | burst(20))
    [alert] = raise_spike_alerts(election=cell.election, now=NOW)
    assert alert.desk == cell.hq


@pytest.mark.parametrize(
    ("hours", "count", "alerts"),
    [
        (12, 9, 0),  # below the minimum volume
        (12, 10, 1),  # at it
        (5, 20, 0),  # monitoring began too recently for a baseline
        (6, 20, 1),
    ],
)
def test_a_spike_needs_volume_and_a_baseline(cell: Cell, source, hours, count, alerts) -> None:  # type: ignore[no-untyped-def]
    feed(source, history(hours) | burst(count))
    assert len(raise_spike_alerts(election=cell.election, now=NOW)) == alerts


def test_the_usual_volume_is_no_spike(cell: Cell, source) -> None:  # type: ignore[no-untyped-def]
    feed(source, history(12, per_hour=6) | burst(12))  # twice the usual: below 3×
    assert raise_spike_alerts(election=cell.election, now=NOW) == []


def test_a_districts_spike_alerts_its_desk_and_a_partys_alerts_hq(
    cell: Cell, source, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    district_desk = desk_at(cell.election, "KISHANGANJ")
    watcher = person("watcher", district_desk, Role.DESK_LEAD)
    assign_shift(
        desk=district_desk, user=watcher, starts_at=NOW - HOUR, ends_at=NOW + HOUR, actor=None
    )
    burst_at = NOW.replace(minute=0)
    feed(
        source,
        history(12)
        | {
            burst_at: [f"Kishanganj zile me bhari barish, sadak band ({i})" for i in range(15)]
            + [f"RJD ki rally aaj shaam ko hogi ({i})" for i in range(12)]
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        alerts = raise_spike_alerts(election=cell.election, now=NOW)
    assert {(a.key, a.desk, a.ac_number) for a in alerts} == {
        ("district:Kishanganj", district_desk, None),
        ("party:RJD", cell.hq, None),
    }
    assert {a.key: a.severity for a in alerts} == {
        "district:Kishanganj": Alert.Severity.MEDIUM,
        "party:RJD": Alert.Severity.LOW,  # a state-wide topic
    }
    district_alert = next(a for a in alerts if a.key == "district:Kishanganj")
    assert str(title_of(district_alert)) == "Spike in Kishanganj district"
    assert district_alert.figures["current"] == 15
    assert [a.feed_query for a in sorted(alerts, key=lambda a: a.key)] == [
        "district=Kishanganj",  # the feed's filter, linked from the alert
        "party=RJD",
    ]
    assert Notification.objects.filter(recipient=watcher, kind="alert").count() == 1


def test_a_spike_in_a_focus_seat_is_high(cell: Cell, source) -> None:  # type: ignore[no-untyped-def]
    cell.election.own_party = Party.objects.get(candidacies__name="Lakhan Lal Pandit")
    cell.election.save()
    feed(source, history(12) | burst(20))
    [alert] = raise_spike_alerts(election=cell.election, now=NOW)
    assert (alert.key, alert.severity) == ("ac:52", Alert.Severity.HIGH)


def test_an_acs_burst_is_one_alert_not_one_for_its_district_too(cell: Cell, source) -> None:  # type: ignore[no-untyped-def]
    # Every burst item names Bahadurganj and (by implication) Kishanganj district: the
    # district spikes too, but the AC's alert accounts for it.
    feed(source, history(12) | burst(20))
    assert [a.key for a in raise_spike_alerts(election=cell.election, now=NOW)] == ["ac:52"]


def test_a_large_account_naming_a_focus_seats_candidate_alerts_the_seats_desk(
    cell: Cell, source, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.MONITORING_LARGE_ACCOUNT_FOLLOWERS = 100_000
    cell.election.own_party = Party.objects.get(candidacies__name="Lakhan Lal Pandit")
    cell.election.save()
    on_shift(cell)
    said = "Lakhan Lal Pandit ne aaj sabha ki ({n})"
    elsewhere = "Tejashwi Yadav Raghopur me bole ({n})"  # a seat the party does not contest
    ingest(
        source=source,
        batch=Batch(
            items=[
                RawItem("big", said.format(n=1), NOW, author="@bignews", author_followers=250_000),
                RawItem("small", said.format(n=2), NOW, author="@someone", author_followers=900),
                RawItem("unknown", said.format(n=3), NOW, author="@quiet"),
                RawItem("far", elsewhere.format(n=4), NOW, author="@big2", author_followers=10**6),
                RawItem("again", said.format(n=5), NOW, author="@big3", author_followers=10**6),
            ],
            cursor=None,
        ),
    )
    [alert] = Alert.objects.filter(kind=Alert.Kind.MENTION)
    assert (alert.ac_number, alert.desk, alert.item.external_id) == (52, cell.desk, "big")
    assert alert.key == "mention:52:Lakhan Lal Pandit"  # once per candidate per hour
    assert alert.severity == Alert.Severity.HIGH
    assert str(title_of(alert)) == "A large account names Lakhan Lal Pandit (AC 52)"
    assert str(describe(alert)) == (
        "@bignews, followed by 250,000, wrote about a focus seat's candidate."
    )


def rumour_claim(cell: Cell) -> Claim:
    return create_claim(
        election=cell.election,
        actor=cell.head,
        kind=Claim.Kind.MISINFORMATION,
        summary="Relief stopped on the party's orders",
        forms="बहादुरगंज की बाढ़ राहत पार्टी के कहने पर रोकी गई\n"
        "Bahadurganj ki rahat party ke kehne par roki gayi",
        answer_hi="बहादुरगंज में राहत कभी नहीं रुकी: सूची प्रखंड कार्यालय पर लगी है।",
        answer_en="Relief in Bahadurganj never stopped: the lists are at the block office.",
    )


def test_an_item_repeating_misinformation_is_matched_and_alerts_its_desk(
    cell: Cell, source
) -> None:  # type: ignore[no-untyped-def]
    on_shift(cell)
    claim = rumour_claim(cell)
    feed(source, {NOW: [RUMOUR, ELSEWHERE.format(n=1)]})
    [match] = ClaimMatch.objects.all()
    assert match.claim == claim
    assert match.item.text == RUMOUR
    assert match.decision == ClaimMatch.Decision.PENDING  # a suggestion for a person
    [alert] = Alert.objects.filter(kind=Alert.Kind.CLAIM)
    assert alert.severity == Alert.Severity.HIGH
    assert (alert.claim, alert.item, alert.ac_number, alert.desk) == (
        claim,
        match.item,
        52,
        cell.desk,
    )


def test_an_alert_becomes_a_fast_lane_response_in_review(cell: Cell, source) -> None:  # type: ignore[no-untyped-def]
    on_shift(cell)
    rumour_claim(cell)
    feed(source, {NOW: [RUMOUR]})
    alert = Alert.objects.get()
    post = respond_to_alert(alert=alert, user=cell.writer)
    assert post.state == PostState.IN_REVIEW
    assert post.fast_lane
    assert post.desk == cell.desk
    assert post.text_hi.startswith("बहादुरगंज में राहत कभी नहीं रुकी")
    assert set(post.acs.values_list("number", flat=True)) == {52}
    alert.refresh_from_db()
    assert (alert.state, alert.post, alert.closed_by) == (
        Alert.State.RESPONDED,
        post,
        cell.writer,
    )
    assert AuditEvent.objects.filter(action="alert.responded").exists()
    with pytest.raises(MonitoringError):
        respond_to_alert(alert=alert, user=cell.writer)
    assert Post.objects.count() == 1


def test_a_spike_response_uses_the_claim_its_items_repeat(cell: Cell, source) -> None:  # type: ignore[no-untyped-def]
    on_shift(cell)
    rumour_claim(cell)
    feed(source, history(8) | {NOW.replace(minute=0): [f"{RUMOUR} {i}" for i in range(12)]})
    spike = (
        Alert.objects.get(kind=Alert.Kind.SPIKE)
        if raise_spike_alerts(election=cell.election, now=NOW)
        else None
    )
    assert spike is not None
    post = respond_to_alert(alert=spike, user=cell.writer)
    assert post.state == PostState.IN_REVIEW
    assert "राहत कभी नहीं रुकी" in post.text_hi


def test_with_nothing_to_answer_from_the_response_waits_as_a_draft(cell: Cell, source) -> None:  # type: ignore[no-untyped-def]
    on_shift(cell)
    feed(source, history(8) | burst(15))
    [alert] = raise_spike_alerts(election=cell.election, now=NOW)
    post = respond_to_alert(alert=alert, user=cell.writer)
    assert post.state == PostState.DRAFT
    assert post.fast_lane


def test_a_dismissed_alert_is_closed_and_audited(cell: Cell, source) -> None:  # type: ignore[no-untyped-def]
    feed(source, history(8) | burst(15))
    [alert] = raise_spike_alerts(election=cell.election, now=NOW)
    dismiss_alert(alert=alert, user=cell.lead)
    alert.refresh_from_db()
    assert alert.state == Alert.State.DISMISSED
    assert AuditEvent.objects.filter(action="alert.dismissed").exists()
    with pytest.raises(MonitoringError):
        dismiss_alert(alert=alert, user=cell.lead)


def test_a_responder_without_the_core_training_gets_the_response_as_a_draft(
    cell: Cell, source
) -> None:  # type: ignore[no-untyped-def]
    from itcell.playbook.models import Module

    Module.objects.create(election=cell.election, title_en="The party's message", is_core=True)
    on_shift(cell)
    rumour_claim(cell)
    feed(source, {NOW: [RUMOUR]})
    post = respond_to_alert(alert=Alert.objects.get(), user=cell.writer)
    assert post.state == PostState.DRAFT  # kept for them: sent once they have trained
    assert post.text_hi.startswith("बहादुरगंज में राहत कभी नहीं रुकी")
