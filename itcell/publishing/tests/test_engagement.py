"""Engagement: published posts are sampled as a time series while they are followed; the
sandbox platform makes up counts that grow with the hours and keeps one post per key."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from itcell.core import clock
from itcell.publishing.connectors import get_connector
from itcell.publishing.connectors.base import Outgoing
from itcell.publishing.models import Channel, Delivery, EngagementSample, SandboxPost
from itcell.publishing.services import engagement
from itcell.publishing.services.delivery import account_for, deliver, outgoing_for
from itcell.publishing.tests.factories import Cell, channel

pytestmark = pytest.mark.django_db
D = Delivery.State
NOW = datetime(2020, 10, 20, 6, 30, tzinfo=UTC)  # 12:00 IST


@pytest.fixture(autouse=True)
def now() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


@pytest.fixture
def sandbox(cell: Cell) -> Channel:
    return channel(cell.election, handle="@VIPBihar", connector="sandbox")


@pytest.fixture
def whatsapp(cell: Cell) -> Channel:
    return channel(cell.election, handle="WhatsApp groups", connector="manual", platform="whatsapp")


def published(cell: Cell, on: Channel, title: str = "Flood relief camps") -> Delivery:
    """A post delivered to ``on`` at its time; the clock is left just after it."""
    post = cell.scheduled(title=title, variants={on.pk: ""})
    delivery = post.deliveries.get()
    clock.set_now(delivery.due_at + timedelta(seconds=1))
    assert deliver(delivery_id=delivery.pk) == D.PUBLISHED
    delivery.refresh_from_db()
    return delivery


def test_collect_enqueues_one_sample_per_followed_delivery(
    cell, sandbox, whatsapp, queue, django_capture_on_commit_callbacks
):
    old = published(cell, sandbox, "Last week")
    clock.advance(engagement.FOLLOW_FOR + timedelta(minutes=1))
    first = published(cell, sandbox, "Morning")
    second = published(cell, sandbox, "Noon")
    published(cell, whatsapp, "Shared by hand")  # the manual connector reads no counts
    queue.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert engagement.collect() == 2

    assert [r.task.name for r in queue.results] == ["sample_engagement"] * 2
    assert sorted(r.kwargs["delivery_id"] for r in queue.results) == [first.pk, second.pk]
    assert old.pk not in {r.kwargs["delivery_id"] for r in queue.results}


def test_collect_follows_nothing_that_is_not_published(
    cell, sandbox, queue, django_capture_on_commit_callbacks
):
    cell.scheduled(variants={sandbox.pk: ""})  # pending: not yet due
    queue.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert engagement.collect() == 0

    assert queue.results == []


def test_samples_grow_as_the_hours_pass(cell, sandbox):
    delivery = published(cell, sandbox)
    published_at = clock.now()

    samples = []
    for hours in (1, 6, 24):
        clock.set_now(published_at + timedelta(hours=hours))
        samples.append(engagement.sample(delivery_id=delivery.pk))

    assert all(isinstance(s, EngagementSample) for s in samples)
    stored = list(EngagementSample.objects.filter(delivery=delivery))
    assert stored == samples
    assert [s.at for s in stored] == [published_at + timedelta(hours=h) for h in (1, 6, 24)]
    likes = [s.likes for s in stored]
    assert likes[0] > 0
    assert likes == sorted(likes)
    assert len(set(likes)) == 3  # strictly growing
    for counts in ("shares", "replies", "views"):
        series = [getattr(s, counts) for s in stored]
        assert series == sorted(series)
    assert all(s.views > s.likes for s in stored)


def test_the_same_time_reads_the_same_counts(cell, sandbox):
    delivery = published(cell, sandbox)
    clock.advance(timedelta(hours=3))

    first = engagement.sample(delivery_id=delivery.pk)
    second = engagement.sample(delivery_id=delivery.pk)

    assert first is not None
    assert second is not None
    assert (first.likes, first.shares, first.replies, first.views) == (
        second.likes,
        second.shares,
        second.replies,
        second.views,
    )


def test_nothing_is_sampled_where_the_connector_reads_no_counts(cell, whatsapp):
    delivery = published(cell, whatsapp)
    clock.advance(timedelta(hours=2))

    assert engagement.sample(delivery_id=delivery.pk) is None
    assert not EngagementSample.objects.exists()


def test_nothing_is_sampled_for_a_delivery_not_published(cell, sandbox):
    post = cell.scheduled(variants={sandbox.pk: ""})

    assert engagement.sample(delivery_id=post.deliveries.get().pk) is None
    assert not EngagementSample.objects.exists()


def test_sandbox_keeps_one_post_per_idempotency_key(cell, sandbox):
    connector = get_connector("sandbox")
    account = account_for(sandbox)
    outgoing = Outgoing(text="राहत शिविर खुले हैं।", idempotency_key="a" * 32)

    first = connector.publish(account=account, outgoing=outgoing)
    again = connector.publish(account=account, outgoing=outgoing)
    other = connector.publish(
        account=account, outgoing=Outgoing(text="राहत शिविर खुले हैं।", idempotency_key="b" * 32)
    )

    assert again == first
    assert other.remote_id != first.remote_id
    assert SandboxPost.objects.filter(idempotency_key="a" * 32).count() == 1
    assert SandboxPost.objects.count() == 2
    assert first.url.endswith(f"/pub/{cell.election.slug}/sandbox/#sandbox-{first.remote_id}")


def test_a_delivery_published_again_on_the_sandbox_finds_its_post(cell, sandbox):
    delivery = published(cell, sandbox)

    again = get_connector("sandbox").publish(
        account=account_for(sandbox), outgoing=outgoing_for(delivery)
    )

    assert again.remote_id == delivery.remote_id
    assert SandboxPost.objects.count() == 1
    assert SandboxPost.objects.get().text.startswith("बहादुरगंज")
