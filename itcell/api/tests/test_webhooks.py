"""Webhooks: what the audit trail records reaches the subscribed systems, signed, once per
subscription, and again after a backoff until it lands or the last try fails. A local HTTP
server stands in for the receiving system; it checks every signature as a receiver would."""

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from itcell.api import webhooks
from itcell.api.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from itcell.api.webhooks import BACKOFF, MAX_ATTEMPTS, send_delivery, send_due, verify_signature
from itcell.audit.models import AuditEvent
from itcell.compliance.models import Takedown
from itcell.compliance.services import hold_silenced, open_takedown
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.selectors import get_calendar
from itcell.elections.services import create_or_shift_exercise
from itcell.publishing.models import Delivery
from itcell.publishing.services.delivery import deliver
from itcell.publishing.tests.factories import Cell

pytestmark = pytest.mark.django_db

NOW = datetime(2020, 10, 20, 6, 40, tzinfo=UTC)  # 12:10 IST, weeks before Bihar's silence
PATH = "/hooks/itcell"
E = WebhookEvent
D = WebhookDelivery.State


@pytest.fixture(autouse=True)
def now(settings) -> datetime:  # type: ignore[no-untyped-def]
    settings.ITCELL_WEBHOOK_ALLOW_LOCAL = True  # the receiver is on 127.0.0.1, over HTTP
    settings.ITCELL_WEBHOOK_TIMEOUT = 0.5
    clock.set_now(NOW)
    return NOW


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks) -> Callable[[], Any]:  # type: ignore[no-untyped-def]
    """Run what waits for the commit (the fan-out to subscriptions) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


class Receiver:
    """The other system: answers with the scripted statuses (then 200), keeps what it got."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.script: list[int | Callable[[], Response]] = []
        self.got: list[Request] = []
        server.expect_request(PATH, method="POST").respond_with_handler(self.answer)

    def answer(self, request: Request) -> Response:
        self.got.append(request)
        step = self.script.pop(0) if self.script else 200
        return step() if callable(step) else Response("{}", status=step)

    @property
    def url(self) -> str:
        return self.server.url_for(PATH)

    def verified(self, secret: str) -> list[dict[str, Any]]:
        """Each body received, after checking its signature as a receiver must."""
        bodies = []
        for request in self.got:
            body = request.get_data()
            assert verify_signature(
                secret,
                request.headers["X-Itcell-Timestamp"],
                body,
                request.headers["X-Itcell-Signature"],
                now=clock.now().timestamp(),
            )
            payload = json.loads(body)
            assert request.headers["Content-Type"] == "application/json"
            assert request.headers["X-Itcell-Event"] == payload["event"]
            assert request.headers["X-Itcell-Delivery"] == payload["id"]
            bodies.append(payload)
        return bodies


@pytest.fixture
def receiver(httpserver: HTTPServer) -> Iterator[Receiver]:
    yield Receiver(httpserver)
    httpserver.clear()


def subscribe(
    cell: Cell, receiver: Receiver, *events: str, election: Any = None
) -> tuple[WebhookSubscription, str]:
    created = webhooks.subscribe(
        election=election or cell.election,
        name="Data team",
        url=receiver.url,
        events=list(events),
        actor=cell.head,
    )
    return created.subscription, created.secret


def published(cell: Cell, on_commit: Callable[[], Any]) -> Delivery:
    post = cell.scheduled()
    delivery = post.deliveries.get()
    clock.set_now(post.publish_at + timedelta(seconds=1))
    with on_commit():
        assert deliver(delivery_id=delivery.pk) == Delivery.State.PUBLISHED
    delivery.refresh_from_db()
    return delivery


# ---- each event reaches its subscriber, signed ------------------------------------------------


def test_an_approved_post_is_sent_once_signed_to_its_subscriber(cell, receiver, on_commit):
    subscription, secret = subscribe(cell, receiver, E.POST_APPROVED)
    with on_commit():
        post = cell.approved()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.subscription, delivery.event, delivery.state) == (
        subscription,
        E.POST_APPROVED,
        D.PENDING,
    )
    assert send_due() == 1
    [body] = receiver.verified(secret)
    assert body == {
        "id": str(delivery.event_id),
        "event": "post.approved",
        "occurred_at": NOW.isoformat(),
        "election": cell.election.slug,
        "data": {
            "post": {
                "id": post.pk,
                "title": "Flood relief camps",
                "state": "approved",
                "desk": {"id": cell.desk.pk, "name": cell.desk.name_en},
                "acs": [52],
                "publish_at": None,
            }
        },
    }
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (D.DELIVERED, 1, 200)
    assert delivery.delivered_at == NOW
    assert delivery.audit_event_id == AuditEvent.objects.get(action="post.approved").pk
    assert send_due() == 0  # nothing twice
    assert send_delivery(delivery_id=delivery.pk) == "skipped"
    assert len(receiver.got) == 1


def test_the_delivery_commits_and_rolls_back_with_the_change(cell, receiver):
    subscribe(cell, receiver, E.POST_APPROVED)
    queued = []

    @transaction.atomic
    def change_that_fails() -> None:
        cell.approved()
        queued.append(WebhookDelivery.objects.count())  # written in the change's transaction
        raise RuntimeError("the change fails after the event was recorded")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert queued == [1]
    assert not WebhookDelivery.objects.exists()


def test_a_fault_while_queueing_is_logged_and_the_change_stands(
    cell, receiver, monkeypatch, caplog
):
    subscribe(cell, receiver, E.POST_APPROVED)

    def broken(**_: Any) -> None:
        raise ValueError("a payload that cannot be built")

    monkeypatch.setattr(webhooks, "fan_out", broken)
    post = cell.approved()
    assert post.state == "approved"
    assert not WebhookDelivery.objects.exists()
    assert "not queued" in caplog.text


def test_a_published_delivery_is_sent(cell, receiver, on_commit):
    _subscription, secret = subscribe(cell, receiver, E.DELIVERY_PUBLISHED)
    delivery = published(cell, on_commit)
    send_due()
    [body] = receiver.verified(secret)
    assert body["event"] == "delivery.published"
    assert body["data"]["delivery"] == {
        "id": delivery.pk,
        "post": {"id": delivery.post_id, "title": "Flood relief camps"},
        "channel": {"id": cell.channel.pk, "handle": "@vip_bihar"},
        "platform": "x",
        "state": "published",
        "url": delivery.remote_url,
        "reason": "",
    }


def test_a_raised_alert_is_sent(cell, receiver, on_commit):
    from itcell.monitoring.alerts import raise_spike_alerts
    from itcell.monitoring.services import create_source, ingest
    from itcell.monitoring.sources import Batch, RawItem

    _subscription, secret = subscribe(cell, receiver, E.ALERT_RAISED)
    source = create_source(election=cell.election, name="Stream", backend="locmem")
    hour = NOW.replace(minute=0)
    texts = [
        (hour - h * timedelta(hours=1), f"Bahadurganj me pani bhar gaya ({h})")
        for h in range(1, 13)
    ]
    texts += [(hour, f"Bahadurganj me pani bhar gaya, log pareshan hain (b{i})") for i in range(20)]
    items = [
        RawItem(external_id=str(i), text=t, published_at=at) for i, (at, t) in enumerate(texts)
    ]
    ingest(source=source, batch=Batch(items=items, cursor=None))
    with on_commit():
        [alert] = raise_spike_alerts(election=cell.election, now=NOW)

    send_due()
    [body] = receiver.verified(secret)
    assert body["event"] == "alert.raised"
    assert body["data"]["alert"] == {
        "id": alert.pk,
        "kind": "spike",
        "severity": alert.severity,
        "ac": 52,
        "desk": alert.desk_id,
        "summary": body["data"]["alert"]["summary"],
    }
    assert body["data"]["alert"]["summary"]


def test_an_opened_takedown_is_sent_with_its_deadline(cell, receiver, on_commit):
    _subscription, secret = subscribe(cell, receiver, E.TAKEDOWN_OPENED)
    delivery = published(cell, on_commit)
    noticed = clock.now()
    with on_commit():
        incident = open_takedown(
            delivery=delivery,
            source=Takedown.Source.ECI,
            reason="A doctored video",
            noticed_at=noticed,
            misinformation=True,
            actor=cell.head,
        )
    send_due()
    [body] = receiver.verified(secret)
    assert body["event"] == "takedown.opened"
    assert body["data"]["takedown"] == {
        "id": incident.pk,
        "delivery": delivery.pk,
        "url": delivery.remote_url,
        "source": "eci",
        "misinformation": True,
        "noticed_at": noticed.isoformat(),
        "deadline": (noticed + timedelta(hours=3)).isoformat(),
    }


def test_an_opened_silence_window_is_recorded_once_and_sent(cell, receiver, on_commit):
    _subscription, secret = subscribe(cell, receiver, E.SILENCE_OPENED)
    calendar = get_calendar(election=cell.election)
    phase = calendar.phase_of[52]
    window = calendar.phase_silence(phase)
    clock.set_now(window.start - timedelta(minutes=1))
    hold_silenced()
    assert not AuditEvent.objects.filter(action="compliance.silence_opened").exists()

    clock.set_now(window.start + timedelta(seconds=30))
    with on_commit():
        hold_silenced()
        clock.advance(timedelta(minutes=1))
        hold_silenced()  # the next minute's run: already recorded
    [event] = AuditEvent.objects.filter(action="compliance.silence_opened")
    assert event.object_repr == f"{cell.election.slug} phase {phase}"
    send_due()
    [body] = receiver.verified(secret)
    assert body["event"] == "silence_window.opened"
    assert body["data"]["phase"] == {
        "number": phase,
        "poll_date": "2020-11-07",
        "silence_starts": window.start.isoformat(),
        "silence_ends": window.end.isoformat(),
        "acs": len(calendar.acs_in_phase(phase)),
    }
    assert window.start == datetime(2020, 11, 5, 18, 0, tzinfo=IST)


def test_the_task_sends_right_after_commit(cell, receiver, on_commit, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    _subscription, secret = subscribe(cell, receiver, E.POST_APPROVED)
    with on_commit():
        cell.approved()
    assert len(receiver.verified(secret)) == 1
    assert WebhookDelivery.objects.get().state == D.DELIVERED


# ---- who gets what ----------------------------------------------------------------------------


def test_only_active_subscriptions_of_the_election_that_chose_the_event_get_it(
    cell, receiver, on_commit
):
    listening, _secret = subscribe(cell, receiver, E.POST_APPROVED, E.ALERT_RAISED)
    subscribe(cell, receiver, E.DELIVERY_PUBLISHED)  # another event
    paused, _secret = subscribe(cell, receiver, E.POST_APPROVED)
    webhooks.set_active(subscription=paused, active=False, actor=cell.head)
    exercise = create_or_shift_exercise(source=cell.election, first_poll_on=date(2021, 3, 1))
    subscribe(cell, receiver, E.POST_APPROVED, election=exercise)  # another election

    with on_commit():
        cell.approved()
        cell.draft()  # no event subscribers care about

    assert [(d.subscription, d.event) for d in WebhookDelivery.objects.all()] == [
        (listening, E.POST_APPROVED)
    ]
    send_due()
    assert len(receiver.got) == 1


def test_a_subscription_paused_with_deliveries_waiting_sends_them_when_resumed(
    cell, receiver, on_commit
):
    subscription, secret = subscribe(cell, receiver, E.POST_APPROVED)
    with on_commit():
        cell.approved()
    webhooks.set_active(subscription=subscription, active=False, actor=cell.head)
    assert send_due() == 0
    webhooks.set_active(subscription=subscription, active=True, actor=cell.head)
    assert send_due() == 1
    assert len(receiver.verified(secret)) == 1
    actions = AuditEvent.objects.filter(action__startswith="webhook.").values_list(
        "action", flat=True
    )
    assert list(actions) == ["webhook.subscribed", "webhook.paused", "webhook.resumed"]


# ---- retries ----------------------------------------------------------------------------------


def pending(
    cell: Cell, receiver: Receiver, on_commit: Callable[[], Any]
) -> tuple[WebhookDelivery, str]:
    _subscription, secret = subscribe(cell, receiver, E.POST_APPROVED)
    with on_commit():
        cell.approved()
    return WebhookDelivery.objects.get(), secret


def test_a_server_error_is_retried_after_the_backoff_and_delivered(cell, receiver, on_commit):
    delivery, secret = pending(cell, receiver, on_commit)
    receiver.script = [500]
    assert send_due() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (D.PENDING, 1, 500)
    assert delivery.last_error == "HTTP 500: {}"
    assert delivery.next_attempt_at == NOW + timedelta(minutes=1)

    clock.advance(timedelta(seconds=59))
    assert send_due() == 0  # not before its time
    clock.advance(timedelta(seconds=1))
    assert send_due() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (D.DELIVERED, 2, 200)
    first, second = receiver.verified(secret)
    assert first == second  # the same event, the same id: the receiver can drop a repeat
    timestamps = [r.headers["X-Itcell-Timestamp"] for r in receiver.got]
    assert int(timestamps[1]) - int(timestamps[0]) == 60  # each try signed afresh


def test_a_hanging_receiver_times_out_and_is_retried(cell, receiver, on_commit):
    delivery, _secret = pending(cell, receiver, on_commit)

    def hang() -> Response:
        time.sleep(1.0)  # longer than the 0.5 s the tests allow
        return Response("{}", status=200)

    receiver.script = [hang]
    started = time.monotonic()
    send_due()
    assert time.monotonic() - started < 1.0
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (D.PENDING, 1, None)
    assert delivery.last_error.startswith("timed out")
    clock.advance(BACKOFF[0])
    send_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (D.DELIVERED, 2)


def test_after_the_last_try_the_delivery_fails_and_can_be_retried_by_hand(
    cell, receiver, on_commit
):
    delivery, secret = pending(cell, receiver, on_commit)
    receiver.script = [503] * MAX_ATTEMPTS
    waits = []
    for _try in range(MAX_ATTEMPTS):
        assert send_due() == 1
        delivery.refresh_from_db()
        if delivery.next_attempt_at is not None:
            waits.append(delivery.next_attempt_at - clock.now())
            clock.set_now(delivery.next_attempt_at)
    assert waits == list(BACKOFF)
    assert (delivery.state, delivery.attempts, delivery.last_status) == (D.FAILED, 7, 503)
    clock.advance(timedelta(days=2))
    assert send_due() == 0

    webhooks.retry_delivery(delivery=delivery, actor=cell.head)
    assert send_due() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (D.DELIVERED, 8)
    assert len(receiver.got) == MAX_ATTEMPTS + 1
    receiver.got = receiver.got[-1:]  # signed days after the first: earlier ones are stale now
    assert len(receiver.verified(secret)) == 1
    assert AuditEvent.objects.filter(action="webhook.retried").count() == 1


def test_retry_after_is_honoured_up_to_the_longest_wait(cell, receiver, on_commit):
    delivery, _secret = pending(cell, receiver, on_commit)

    def busy(seconds: str) -> Callable[[], Response]:
        return lambda: Response("slow down", status=429, headers={"Retry-After": seconds})

    receiver.script = [busy("90"), busy("999999")]
    send_due()
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == clock.now() + timedelta(seconds=90)
    assert delivery.last_error == "HTTP 429: slow down"
    clock.set_now(delivery.next_attempt_at)
    send_due()
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == clock.now() + timedelta(hours=12)


def test_a_claimed_delivery_is_sent_by_one_worker_only_and_recovered_after_its_lease(
    cell, receiver, on_commit
):
    delivery, _secret = pending(cell, receiver, on_commit)
    # A worker claims the try and dies before sending.
    assert webhooks._claim(delivery.pk, clock.now())
    assert not webhooks._claim(delivery.pk, clock.now())  # a second worker cannot take it
    assert send_due() == 0
    assert send_delivery(delivery_id=delivery.pk) == "skipped"
    clock.advance(webhooks.LEASE)
    assert send_due() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (D.DELIVERED, 2)
    assert len(receiver.got) == 1


def test_an_unreachable_receiver_is_retried(cell, on_commit, receiver):
    delivery, _secret = pending(cell, receiver, on_commit)
    WebhookSubscription.objects.update(url="http://127.0.0.1:9/closed")
    send_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == (D.PENDING, 1, None)
    assert delivery.last_error.startswith("ConnectError")


# ---- signatures -------------------------------------------------------------------------------


def test_verify_signature_refuses_a_wrong_secret_a_changed_body_and_an_old_timestamp():
    body = b'{"event": "ping"}'
    at = "1603176000"
    header = webhooks.sign("s3cret", at, body)
    assert header.startswith("v1=")
    assert len(header) == 3 + 64
    assert verify_signature("s3cret", at, body, header, now=1603176000 + 299)
    assert not verify_signature("other", at, body, header, now=1603176000)
    assert not verify_signature("s3cret", at, body + b" ", header, now=1603176000)
    assert not verify_signature("s3cret", at, body, header, now=1603176000 + 301)
    assert not verify_signature("s3cret", at, body, header, now=1603176000 - 301)
    assert not verify_signature("s3cret", "soon", body, header, now=1603176000)
    assert not verify_signature("s3cret", at, body, "v1=é", now=1603176000)


def test_the_secret_is_stored_sealed_and_never_audited(cell, receiver):
    subscription, secret = subscribe(cell, receiver, E.POST_APPROVED)
    row = WebhookSubscription.objects.values().get(pk=subscription.pk)
    assert secret not in json.dumps(row, default=str)
    assert webhooks.secret_of(subscription) == secret
    audited = AuditEvent.objects.get(action="webhook.subscribed")
    assert secret not in json.dumps([audited.before, audited.after, audited.object_repr])


def test_a_ping_is_signed_like_any_event(cell, receiver, on_commit):
    subscription, secret = subscribe(cell, receiver, E.ALERT_RAISED)
    with on_commit():
        webhooks.send_ping(subscription=subscription, actor=cell.head)
    send_due()
    [body] = receiver.verified(secret)
    assert body["event"] == "ping"
    assert body["data"] == {"subscription": {"id": subscription.pk, "name": "Data team"}}
