"""Ingest and polling, through the in-memory source and the real language pipeline: items,
tags, engagement and hourly counts written together; dedupe; cursor and backoff."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.core.errors import InvalidInput
from itcell.monitoring import services
from itcell.monitoring.errors import Malformed, RateLimited, Unreachable
from itcell.monitoring.gazetteers import get_gazetteer
from itcell.monitoring.models import (
    ALL_ACS,
    ALL_PARTIES,
    EngagementSnapshot,
    HourlyCount,
    Item,
    ItemTag,
    Source,
    TopicCount,
)
from itcell.monitoring.nlp import tag
from itcell.monitoring.selectors import Health, count_by_hour, list_sources_health
from itcell.monitoring.services import (
    MAX_BACKOFF,
    add_to_hourly_counts,
    claim_due_sources,
    create_source,
    ingest,
    poll_source,
    set_source_enabled,
)
from itcell.monitoring.sources import Batch, RawItem, locmem

NOW = datetime(2020, 11, 3, 6, 30, tzinfo=UTC)
RAGHOPUR_HI = "तेजस्वी यादव राघोपुर में आज सभा करेंगे, RJD कार्यकर्ता तैयार"
RAGHOPUR_EN = "Satish Kumar of BJP campaigns in Raghopur"
BAHADURGANJ = "Bahadurganj me VIP ki rally, Lakhan Lal Pandit ne kaha vikas hoga"
NOWHERE = "आज मौसम अच्छा है"


@pytest.fixture(autouse=True)
def stream():  # type: ignore[no-untyped-def]
    locmem.reset()
    clock.set_now(NOW)
    yield locmem.streams.setdefault("default", [])
    locmem.reset()


@pytest.fixture
def source(bihar) -> Source:  # type: ignore[no-untyped-def]
    return create_source(election=bihar, name="Test stream", backend="locmem", interval_seconds=60)


def raw(external_id: str, text: str, at: datetime = NOW, **more: object) -> RawItem:
    return RawItem(external_id=external_id, text=text, published_at=at, **more)  # type: ignore[arg-type]


def counts(source: Source) -> dict[tuple[datetime, int | None, str], int]:
    return {
        (c.hour, c.ac_number, c.party): c.count for c in HourlyCount.objects.filter(source=source)
    }


def recount(source: Source) -> dict[tuple[datetime, int | None, str], int]:
    """The hourly counts computed again from the stored items and tags, by a plain loop."""
    expected: Counter[tuple[datetime, int | None, str]] = Counter()
    for item in Item.objects.filter(source=source).prefetch_related("tags"):
        hour = item.published_at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        acs = [int(t.key) for t in item.tags.all() if t.kind == "ac"] or [None]
        parties = [t.key for t in item.tags.all() if t.kind == "party"]
        for ac in [ALL_ACS, *acs]:
            for party in [ALL_PARTIES, *parties]:
                expected[(hour, ac, party)] += 1
    return dict(expected)


def test_an_item_is_stored_with_its_tags_language_and_counts(source: Source) -> None:
    report = ingest(source=source, batch=Batch([raw("1", RAGHOPUR_HI)], cursor=1))

    item = Item.objects.get()
    assert report.new == 1
    assert (item.platform, item.external_id, item.election_id) == (
        "locmem",
        "1",
        source.election_id,
    )
    said = tag(RAGHOPUR_HI, get_gazetteer(source.election))
    assert item.language == "hi"
    assert (item.language, item.script) == (said.language, said.script)
    tags = {(t.kind, t.key) for t in ItemTag.objects.filter(item=item)}
    assert ("ac", "128") in tags
    assert ("party", "RJD") in tags
    hour = NOW.replace(minute=0)
    assert counts(source)[(hour, 128, "")] == 1
    assert counts(source)[(hour, 128, "RJD")] == 1
    assert counts(source)[(hour, ALL_ACS, "")] == 1


def test_an_item_naming_no_ac_counts_under_no_ac_and_in_the_total(source: Source) -> None:
    ingest(source=source, batch=Batch([raw("1", NOWHERE), raw("2", NOWHERE)], cursor=2))

    hour = NOW.replace(minute=0)
    assert counts(source) == {(hour, None, ""): 2, (hour, ALL_ACS, ""): 2}


def test_the_same_item_is_stored_once_within_and_across_batches(source: Source) -> None:
    first = ingest(
        source=source,
        batch=Batch([raw("1", RAGHOPUR_HI), raw("1", RAGHOPUR_HI), raw("2", NOWHERE)], cursor=3),
    )
    second = ingest(
        source=source, batch=Batch([raw("2", NOWHERE), raw("3", RAGHOPUR_EN)], cursor=5)
    )

    assert (first.new, first.duplicates) == (2, 1)
    assert (second.new, second.duplicates) == (1, 1)
    assert Item.objects.count() == 3
    assert counts(source)[(NOW.replace(minute=0), ALL_ACS, "")] == 3
    assert counts(source) == recount(source)


def test_a_repeated_item_adds_an_engagement_snapshot(source: Source) -> None:
    ingest(source=source, batch=Batch([raw("1", RAGHOPUR_EN, likes=5, shares=1)], cursor=1))
    clock.advance(timedelta(minutes=10))
    ingest(source=source, batch=Batch([raw("1", RAGHOPUR_EN, likes=50, shares=9)], cursor=2))

    snapshots = list(EngagementSnapshot.objects.order_by("at").values_list("likes", "shares"))
    assert snapshots == [(5, 1), (50, 9)]
    assert Item.objects.count() == 1


def test_hourly_counts_equal_a_recount_after_many_random_batches(source: Source) -> None:
    texts = [RAGHOPUR_HI, RAGHOPUR_EN, BAHADURGANJ, NOWHERE, f"{RAGHOPUR_EN}; {BAHADURGANJ}"]
    for seed in range(5):
        rnd = random.Random(seed)
        for _ in range(4):
            batch = [
                raw(
                    str(rnd.randrange(60)),  # ids repeat across batches and within one
                    rnd.choice(texts),
                    NOW - timedelta(minutes=rnd.randrange(300)),
                )
                for _ in range(rnd.randrange(1, 25))
            ]
            ingest(source=source, batch=Batch(batch, cursor=None))
        assert counts(source) == recount(source), f"seed {seed}"
        assert topic_counts() == topic_recount(), f"seed {seed}"
    assert Item.objects.count() <= 60


def topic_counts() -> dict[tuple[datetime, str, str], int]:
    return {(c.hour, c.kind, c.key): c.count for c in TopicCount.objects.all()}


def topic_recount() -> dict[tuple[datetime, str, str], int]:
    """Items per hour per district, party, candidate and leader, from the stored tags."""
    expected: Counter[tuple[datetime, str, str]] = Counter()
    for found in ItemTag.objects.exclude(kind="ac").select_related("item"):
        hour = found.item.published_at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        expected[(hour, found.kind, found.key)] += 1
    return dict(expected)


def test_concurrent_upserts_add_up_instead_of_overwriting(source: Source) -> None:
    hour = NOW.replace(minute=0)
    cells = Counter({(hour, 128, "", ""): 2, (hour, None, "", ""): 1})
    add_to_hourly_counts(election_id=source.election_id, source_id=source.pk, cells=cells)
    add_to_hourly_counts(election_id=source.election_id, source_id=source.pk, cells=cells)

    assert counts(source) == {(hour, 128, ""): 4, (hour, None, ""): 2}
    assert HourlyCount.objects.count() == 2


def test_a_failure_midway_stores_nothing_of_the_batch(
    source: Source, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "add_to_hourly_counts", broken)
    with pytest.raises(RuntimeError):
        ingest(source=source, batch=Batch([raw("1", RAGHOPUR_HI)], cursor=1))

    assert not Item.objects.exists()
    assert not ItemTag.objects.exists()


def test_a_poll_stores_the_new_items_and_moves_the_cursor(source: Source, stream) -> None:  # type: ignore[no-untyped-def]
    stream += [raw("1", RAGHOPUR_HI), raw("2", BAHADURGANJ)]

    polled = poll_source(source=source, now=NOW)
    stream.append(raw("3", RAGHOPUR_EN))
    again = poll_source(source=source, now=NOW + timedelta(minutes=1))

    source.refresh_from_db()
    assert polled.ingested is not None
    assert polled.ingested.new == 2
    assert again.ingested is not None
    assert again.ingested.new == 1
    assert locmem.fetches == [None, 2]
    assert source.cursor == 3
    assert source.last_ok_at == NOW + timedelta(minutes=1)
    assert source.next_poll_at == NOW + timedelta(minutes=2)
    assert source.last_error == ""


def test_a_failed_poll_keeps_the_cursor_records_the_error_and_backs_off(
    source: Source,
    stream,  # type: ignore[no-untyped-def]
) -> None:
    stream.append(raw("1", RAGHOPUR_HI))
    poll_source(source=source, now=NOW)
    locmem.script += [Unreachable("HTTP 500"), Malformed("broken XML")]

    poll_source(source=source, now=NOW + timedelta(minutes=1))
    source.refresh_from_db()
    first_wait = source.next_poll_at - (NOW + timedelta(minutes=1))  # type: ignore[operator]
    poll_source(source=source, now=NOW + timedelta(minutes=5))
    source.refresh_from_db()

    assert source.cursor == 1
    assert Item.objects.count() == 1  # what was stored before stays
    assert source.consecutive_failures == 2
    assert "broken XML" in source.last_error
    assert first_wait == timedelta(minutes=2)
    assert source.next_poll_at == NOW + timedelta(minutes=5) + timedelta(minutes=4)
    assert source.last_ok_at == NOW

    stream.append(raw("2", RAGHOPUR_EN))
    poll_source(source=source, now=NOW + timedelta(minutes=10))
    source.refresh_from_db()
    assert (source.cursor, source.consecutive_failures, source.last_error) == (2, 0, "")
    assert locmem.fetches == [None, 1, 1, 1]


def test_backoff_is_capped_and_respects_retry_after(source: Source) -> None:
    source.consecutive_failures = 30
    locmem.script.append(Unreachable())
    poll_source(source=source, now=NOW)
    source.refresh_from_db()
    assert source.next_poll_at == NOW + MAX_BACKOFF

    source.consecutive_failures = 0
    locmem.script.append(RateLimited("429", retry_after=900))
    poll_source(source=source, now=NOW)
    source.refresh_from_db()
    assert source.next_poll_at == NOW + timedelta(seconds=900)


def test_due_sources_are_claimed_once(source: Source, bihar) -> None:  # type: ignore[no-untyped-def]
    later = create_source(election=bihar, name="Later", backend="locmem")
    Source.objects.filter(pk=later.pk).update(next_poll_at=NOW + timedelta(hours=1))

    assert claim_due_sources(now=NOW) == [source.pk]
    assert claim_due_sources(now=NOW) == []
    set_source_enabled(source=source, enabled=False)
    assert claim_due_sources(now=NOW + timedelta(hours=2)) == [later.pk]


def test_source_writes_are_audited(bihar, make_user) -> None:  # type: ignore[no-untyped-def]
    head = make_user("head")
    source = create_source(election=bihar, name="Feed", backend="locmem", actor=head)
    set_source_enabled(source=source, enabled=False, actor=head)
    set_source_enabled(source=source, enabled=False, actor=head)  # no change, no event
    set_source_enabled(source=source, enabled=True, actor=head)

    actions = list(
        AuditEvent.objects.filter(object_type="monitoring.source").values_list(
            "action", "actor_label"
        )
    )
    assert actions == [
        ("monitoring.source_created", "head"),
        ("monitoring.source_disabled", "head"),
        ("monitoring.source_enabled", "head"),
    ]


def test_a_source_with_a_wrong_backend_or_option_is_refused(bihar) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match="no source backend 'nope'"):
        create_source(election=bihar, name="X", backend="nope")
    with pytest.raises(InvalidInput, match="options do not fit"):
        create_source(election=bihar, name="X", backend="locmem", options={"colour": "red"})
    assert not Source.objects.exists()


def test_counts_by_hour_read_the_rollup_with_empty_hours_as_zero(source: Source) -> None:
    ingest(
        source=source,
        batch=Batch(
            [
                raw("1", RAGHOPUR_HI, NOW - timedelta(hours=2)),
                raw("2", RAGHOPUR_EN, NOW),
                raw("3", BAHADURGANJ, NOW),
            ],
            cursor=3,
        ),
    )
    since = NOW - timedelta(hours=2)
    hour = NOW.replace(minute=0)

    assert count_by_hour(election=source.election, since=since) == [
        (hour - timedelta(hours=2), 1),
        (hour - timedelta(hours=1), 0),
        (hour, 2),
    ]
    assert count_by_hour(election=source.election, ac=52, since=since)[-1] == (hour, 1)
    assert [n for _, n in count_by_hour(election=source.election, ac=128, since=since)] == [1, 0, 1]


def test_source_health_lists_failing_sources_first(source: Source, bihar) -> None:  # type: ignore[no-untyped-def]
    quiet = create_source(election=bihar, name="A quiet one", backend="locmem")
    locmem.streams["default"].append(raw("1", RAGHOPUR_HI))
    poll_source(source=quiet, now=NOW)
    locmem.script.append(Unreachable())
    poll_source(source=source, now=NOW)

    rows = list_sources_health(election=bihar, now=NOW)
    assert [(r.source.name, r.health, r.items_24h) for r in rows] == [
        ("Test stream", Health.FAILING, 0),
        ("A quiet one", Health.OK, 1),
    ]


def test_a_batch_the_database_refuses_is_recorded_and_read_again(
    source: Source,
    stream,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Another source already stored one of the items under the same id: the batch's insert
    # meets the unique constraint (as a concurrent poll would) and nothing of it is stored.
    stream += [raw("1", RAGHOPUR_HI), raw("2", BAHADURGANJ)]
    other = create_source(election=source.election, name="Other", backend="locmem")
    ingest(source=other, batch=Batch([raw("2", BAHADURGANJ)], cursor=1))
    with monkeypatch.context() as patched:
        patched.setattr(services, "_existing_ids", lambda keys: {})
        polled = poll_source(source=source, now=NOW)

    source.refresh_from_db()
    assert not polled.ok
    assert "Storing what the source sent failed" in source.last_error
    assert (source.cursor, source.consecutive_failures) == (None, 1)
    assert source.next_poll_at == NOW + timedelta(minutes=2)
    assert Item.objects.filter(source=source).count() == 0

    again = poll_source(source=source, now=NOW + timedelta(minutes=2))
    assert again.ingested is not None
    assert (again.ingested.new, again.ingested.duplicates) == (1, 1)
