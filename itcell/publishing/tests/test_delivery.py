"""The delivery contract: never twice, never silently lost."""

from datetime import timedelta

import pytest

from itcell.core import clock
from itcell.publishing.errors import (
    AuthExpired,
    OutcomeUnknown,
    PublishingError,
    RateLimited,
    Reason,
    Rejected,
    Unavailable,
)
from itcell.publishing.models import Channel, Delivery, Post
from itcell.publishing.screening import Finding, screeners
from itcell.publishing.services import delivery as service
from itcell.publishing.services.delivery import deliver, lease, sweep
from itcell.publishing.tests.factories import channel
from itcell.publishing.workflow import PostState

pytestmark = pytest.mark.django_db
D = Delivery.State


def due(post: Post) -> Delivery:
    """Move the clock to the post's time and return its (only) delivery."""
    clock.set_now(post.publish_at + timedelta(seconds=1))
    return post.deliveries.get()


def test_scheduled_post_is_published_once_at_its_time(
    cell, connectors, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = cell.scheduled()
    delivery = post.deliveries.get()
    assert post.state == PostState.SCHEDULED
    assert delivery.state == D.PENDING
    assert [r.task.name for r in queue.results] == ["deliver"]  # deferred to its time
    assert queue.results[0].task.run_after == post.publish_at

    clock.set_now(post.publish_at - timedelta(seconds=1))
    assert deliver(delivery_id=delivery.pk) == "skipped"  # early: not yet
    due(post)
    assert deliver(delivery_id=delivery.pk) == D.PUBLISHED
    assert deliver(delivery_id=delivery.pk) == "skipped"  # a redelivered task: no second post

    delivery.refresh_from_db()
    post.refresh_from_db()
    assert len(connectors.posts) == 1
    assert connectors.posts[0].text.startswith("बहादुरगंज")
    assert connectors.posts[0].idempotency_key == delivery.idempotency_key
    assert delivery.remote_id == connectors.posts[0].remote_id
    assert delivery.remote_url.endswith(delivery.remote_id)
    assert post.state == PostState.PUBLISHED
    assert Channel.objects.get(pk=cell.channel.pk).last_published_at is not None


def test_rate_limit_is_retried_after_the_platforms_wait(cell, connectors):
    post = cell.scheduled()
    delivery = due(post)
    connectors.script.append(RateLimited("slow down", retry_after=90))
    assert deliver(delivery_id=delivery.pk) == D.RETRYING
    delivery.refresh_from_db()
    assert delivery.reason == Reason.RATE_LIMITED
    assert delivery.next_attempt_at == clock.now() + timedelta(seconds=90)
    assert deliver(delivery_id=delivery.pk) == "skipped"  # not before the wait
    clock.advance(timedelta(seconds=91))
    assert deliver(delivery_id=delivery.pk) == D.PUBLISHED
    assert len(connectors.posts) == 1


def test_server_errors_are_retried_then_fail_with_the_reason(cell, connectors):
    post = cell.scheduled()
    delivery = due(post)
    connectors.script.extend([Unavailable(Reason.SERVER_ERROR, "HTTP 500")] * 5)
    states = []
    for _ in range(5):
        states.append(deliver(delivery_id=delivery.pk))
        clock.advance(timedelta(minutes=10))
    assert states == [D.RETRYING] * 4 + [D.FAILED]
    delivery.refresh_from_db()
    post.refresh_from_db()
    assert (delivery.reason, delivery.detail, delivery.attempts) == (
        Reason.SERVER_ERROR,
        "HTTP 500",
        5,
    )
    assert post.state == PostState.FAILED
    assert connectors.posts == []


def test_timeout_after_sending_is_unconfirmed_never_retried(cell, connectors):
    post = cell.scheduled()
    delivery = due(post)
    connectors.script.append(("land", OutcomeUnknown(Reason.TIMEOUT, "ReadTimeout")))
    assert deliver(delivery_id=delivery.pk) == D.UNCONFIRMED
    clock.advance(timedelta(hours=1))
    assert sweep().enqueued == 0  # the sweep leaves it to a person
    assert deliver(delivery_id=delivery.pk) == "skipped"
    assert len(connectors.posts) == 1
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHING  # not done until a person settles it


def test_unknown_outcome_is_retried_where_the_platform_dedupes(cell, connectors):
    cell.channel.connector = "locmem_idem"
    cell.channel.save()
    post = cell.scheduled()
    delivery = due(post)
    connectors.script.append(("land", OutcomeUnknown(Reason.TIMEOUT, "ReadTimeout")))
    assert deliver(delivery_id=delivery.pk) == D.RETRYING
    clock.advance(timedelta(minutes=1))
    assert deliver(delivery_id=delivery.pk) == D.PUBLISHED
    assert len(connectors.posts) == 1  # the platform dropped the second by our key


def test_unknown_outcome_is_looked_up_after_the_lease_where_the_connector_can(cell, connectors):
    cell.channel.connector = "locmem_find"
    cell.channel.save()
    post = cell.scheduled()
    delivery = due(post)
    connectors.script.append(("land", OutcomeUnknown(Reason.TIMEOUT, "ReadTimeout")))
    assert deliver(delivery_id=delivery.pk) == D.PUBLISHING
    assert sweep().recovered == 0  # within the lease the call may still be in flight
    clock.advance(lease())
    assert sweep().recovered == 1
    delivery.refresh_from_db()
    assert delivery.state == D.PUBLISHED
    assert delivery.remote_id == connectors.posts[0].remote_id
    assert len(connectors.posts) == 1


def test_revoked_token_fails_and_marks_the_channel_for_reauthorisation(cell, connectors):
    other = cell.scheduled(title="Second")
    post = cell.scheduled(title="First")
    delivery = due(post)
    connectors.script.append(AuthExpired("token revoked"))
    assert deliver(delivery_id=delivery.pk) == D.FAILED
    cell.channel.refresh_from_db()
    assert cell.channel.status == Channel.Status.NEEDS_REAUTH
    # The channel's other deliveries are held, not failed one by one.
    second = other.deliveries.get()
    assert deliver(delivery_id=second.pk) == "skipped"
    second.refresh_from_db()
    assert second.state == D.PENDING
    assert service.hold_reason(second)


def test_rejected_post_fails_with_the_platforms_words(cell, connectors):
    delivery = due(cell.scheduled())
    connectors.script.append(Rejected(Reason.REJECTED, "duplicate content"))
    assert deliver(delivery_id=delivery.pk) == D.FAILED
    delivery.refresh_from_db()
    assert delivery.detail == "duplicate content"


def test_worker_lost_mid_call_is_unconfirmed_by_the_sweep(cell, connectors):
    delivery = due(cell.scheduled())
    claim = service._claim(delivery.pk)  # the worker claims, then dies before recording
    assert claim is not None
    clock.advance(lease() - timedelta(seconds=1))
    assert sweep().recovered == 0
    clock.advance(timedelta(seconds=1))
    assert sweep().recovered == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.reason) == (D.UNCONFIRMED, Reason.WORKER_LOST)


def test_pause_holds_every_pending_delivery_and_resume_sends_them(
    cell, connectors, queue, django_capture_on_commit_callbacks
):
    post = cell.scheduled()
    pause = service.pause_publishing(
        election=cell.election, actor=cell.spokesperson, reason="Rally incident"
    )
    delivery = due(post)
    assert deliver(delivery_id=delivery.pk) == "skipped"
    assert sweep().enqueued == 0
    delivery.refresh_from_db()
    assert delivery.state == D.PENDING
    queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert service.resume_publishing(pause=pause, actor=cell.spokesperson) == 1
    assert [r.kwargs for r in queue.results] == [{"delivery_id": delivery.pk}]
    assert deliver(delivery_id=delivery.pk) == D.PUBLISHED


def test_desk_pause_holds_only_that_desks_posts(cell, connectors):
    post = cell.scheduled()
    service.pause_publishing(
        election=cell.election, actor=cell.lead, reason="Check facts", desk=cell.hq
    )
    assert deliver(delivery_id=due(post).pk) == D.PUBLISHED


def test_sweep_enqueues_due_deliveries_that_never_started(
    cell, queue, django_capture_on_commit_callbacks
):
    post = cell.scheduled()
    queue.clear()  # the task was lost (a broker restart)
    delivery = due(post)
    assert sweep().enqueued == 0  # it may still be on its way
    clock.advance(service.STALE)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep().enqueued == 1
    assert [r.kwargs for r in queue.results] == [{"delivery_id": delivery.pk}]


def test_blocking_finding_stops_the_delivery_with_the_rules_message(cell, connectors):
    delivery = due(cell.scheduled())

    def silence(**kwargs):  # type: ignore[no-untyped-def]
        return [Finding("R-SIL-2", "Campaign silence in AC 52 until 18:00 IST.")]

    screeners.register("test-silence")(silence)
    try:
        assert deliver(delivery_id=delivery.pk) == D.FAILED
    finally:
        screeners._items.pop("test-silence")
    delivery.refresh_from_db()
    assert delivery.reason == Reason.BLOCKED
    assert "Campaign silence" in delivery.detail
    assert connectors.posts == []


def test_edit_after_scheduling_cancels_the_delivery_and_returns_to_review(cell, connectors):
    from itcell.publishing.services.posts import edit_post
    from itcell.publishing.tests.factories import post_input

    post = cell.scheduled()
    delivery = post.deliveries.get()
    edit_post(post=post, editor=cell.writer, data=post_input(cell.channel, title="Changed"))
    post.refresh_from_db()
    delivery.refresh_from_db()
    assert post.state == PostState.IN_REVIEW
    assert delivery.state == D.CANCELLED
    due_at = delivery.due_at
    clock.set_now(due_at + timedelta(minutes=5))
    assert deliver(delivery_id=delivery.pk) == "skipped"
    assert connectors.posts == []


def test_confirming_an_unconfirmed_delivery_settles_the_post(cell, connectors):
    delivery = due(cell.scheduled())
    connectors.script.append(("land", OutcomeUnknown(Reason.TIMEOUT, "ReadTimeout")))
    deliver(delivery_id=delivery.pk)
    service.confirm_delivery(
        delivery=delivery, actor=cell.spokesperson, published=True, url="https://x.com/p/1"
    )
    delivery.refresh_from_db()
    assert (delivery.state, delivery.remote_url) == (D.PUBLISHED, "https://x.com/p/1")
    assert Post.objects.get(pk=delivery.post_id).state == PostState.PUBLISHED


def test_withdraw_removes_published_posts_where_the_platform_allows(
    cell, connectors, queue, django_capture_on_commit_callbacks
):
    post = cell.scheduled()
    delivery = due(post)
    deliver(delivery_id=delivery.pk)
    queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.withdraw_post(post=post, actor=cell.spokesperson, reason="Wrong figures")
    assert [r.task.name for r in queue.results] == ["remove_delivery"]
    assert service.remove_delivery(delivery_id=delivery.pk) == D.WITHDRAWN
    delivery.refresh_from_db()
    assert connectors.deleted == [delivery.remote_id]
    assert delivery.state == D.WITHDRAWN


def test_manual_channel_turns_the_post_into_tasks_for_the_desks_volunteers(cell):
    whatsapp = channel(
        cell.election, handle="WhatsApp groups", connector="manual", platform="whatsapp"
    )
    post = cell.scheduled(variants={whatsapp.pk: ""})
    delivery = due(post)
    assert deliver(delivery_id=delivery.pk) == D.PUBLISHED
    volunteers = set(delivery.tasks.values_list("volunteer__username", flat=True))
    assert {"writer", "lead"} <= volunteers
    assert "spokesperson" not in volunteers  # HQ shares nothing by hand


def test_volunteers_are_told_and_shares_are_counted_per_constituency(cell):
    from itcell.notifications.models import Notification
    from itcell.publishing.selectors import count_shared_by_ac

    whatsapp = channel(
        cell.election, handle="WhatsApp groups", connector="manual", platform="whatsapp"
    )
    delivery = due(cell.scheduled(variants={whatsapp.pk: ""}))
    deliver(delivery_id=delivery.pk)
    assert Notification.objects.filter(recipient=cell.writer, url__contains="/sharing/").exists()
    task = delivery.tasks.get(volunteer=cell.writer)
    with pytest.raises(PublishingError, match="link"):
        service.mark_shared(task=task, volunteer=cell.writer)
    service.mark_shared(task=task, volunteer=cell.writer, link="https://wa.me/p/1")
    assert count_shared_by_ac(delivery=delivery) == [(52, 2, 1)]
