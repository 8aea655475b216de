"""Webhooks: audit events that other systems subscribe to, signed and sent with retries.

How an event travels::

    a service records an AuditEvent ──post_save──▶ fan_out(audit_event_id), in its transaction
        one WebhookDelivery (pending, its own event_id) per active subscription of the
        election that chose the event ──on_commit──▶ tasks.send_webhook(delivery_id)
    send_delivery: claim (lease) and commit ▶ POST, signed ▶ delivered | pending again after
        a backoff | failed after the last try
    tasks.send_due_webhooks (every minute) sends what fell due again, and what a lost task
        or a dead worker left behind once its lease ran out.

What a receiver gets (``docs/webhooks.md`` is the receiver's guide)::

    POST <the subscription's URL>
    Content-Type: application/json
    X-Itcell-Event: post.approved
    X-Itcell-Delivery: <event_id: the same on every try; receivers drop repeats by it>
    X-Itcell-Timestamp: <unix seconds when this try was signed>
    X-Itcell-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>

    {"id": "<event_id>", "event": "post.approved", "occurred_at": "<ISO 8601, UTC>",
     "election": "<slug>", "data": {...}}
"""

import hashlib
import hmac
import json
import logging
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _

from itcell.accounts.models import User
from itcell.api import tasks
from itcell.api.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from itcell.audit.models import AuditEvent
from itcell.audit.services import record
from itcell.core import clock
from itcell.core.errors import InvalidInput, ItcellError, Problem
from itcell.elections.models import Election
from itcell.publishing import crypto

log = logging.getLogger(__name__)

D = WebhookDelivery.State

#: The audit actions other systems may subscribe to, and the event each is sent as.
EVENT_OF_ACTION: dict[str, WebhookEvent] = {
    "post.approved": WebhookEvent.POST_APPROVED,
    "delivery.published": WebhookEvent.DELIVERY_PUBLISHED,
    "delivery.unconfirmed": WebhookEvent.DELIVERY_UNCONFIRMED,
    "alert.raised": WebhookEvent.ALERT_RAISED,
    "compliance.takedown_opened": WebhookEvent.TAKEDOWN_OPENED,
    "compliance.silence_opened": WebhookEvent.SILENCE_OPENED,
}
#: What a subscription may choose (the ping is sent by hand only).
SUBSCRIBABLE = tuple(EVENT_OF_ACTION.values())

#: The wait after try 1, 2, …, 6; try 7 is the last.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
MAX_WAIT = BACKOFF[-1]  # a receiver's Retry-After is honoured up to this
MIN_WAIT = timedelta(seconds=1)  # "Retry-After: 0" still waits for the next sweep
# A claimed try is another worker's only after this: far longer than one request may take.
LEASE = timedelta(minutes=2)
CONNECT_TIMEOUT = 5.0  # seconds
SIGNATURE_TOLERANCE = 300  # seconds; receivers refuse timestamps further from their clock
SWEEP_BATCH = 200
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class WebhookError(ItcellError):
    """A webhook action a person asked for that cannot be done (the message says why)."""


# ---- signing --------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Itcell-Signature`` value for ``body`` signed at ``timestamp`` (unix seconds)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"v1={digest.hexdigest()}"


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes,
    header: str,
    now: float,
    tolerance: float = SIGNATURE_TOLERANCE,
) -> bool:
    """Whether ``header`` (``X-Itcell-Signature``) signs ``body`` under ``secret`` at
    ``timestamp`` (``X-Itcell-Timestamp``), and that time is within ``tolerance`` seconds of
    ``now`` (unix seconds): the receiver's check, pure so receivers can test it. The raw body,
    as received: parsing and re-serialising JSON changes the bytes."""
    try:
        signed_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - signed_at) > tolerance:
        return False
    # Bytes, so a header with non-ASCII characters is refused rather than raising.
    return hmac.compare_digest(sign(secret, timestamp, body).encode(), header.encode())


def signed_request(
    *, secret: str, delivery: WebhookDelivery, now: datetime
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(now.timestamp()))
    return body, {
        "Content-Type": "application/json",
        "User-Agent": "itcell-webhooks/1",
        "X-Itcell-Event": delivery.event,
        "X-Itcell-Delivery": str(delivery.event_id),
        "X-Itcell-Timestamp": timestamp,
        "X-Itcell-Signature": sign(secret, timestamp, body),
    }


def secret_of(subscription: WebhookSubscription) -> str:
    return crypto.open_sealed(subscription.sealed_secret)["secret"]


# ---- events, from the audit trail -----------------------------------------------------------


@receiver(post_save, sender=AuditEvent, dispatch_uid="itcell.api.webhooks.on_audit_event")
def on_audit_event(sender: type[AuditEvent], instance: AuditEvent, created: bool, **_: Any) -> None:
    """Queue the event for its subscribers in the transaction of the change it records: the
    deliveries commit with the change (none is lost to a crash after the commit) and roll back
    with it (a rolled-back change tells no one). They are made in a savepoint, so a fault here
    is logged and never fails the change itself."""
    if not (created and instance.action in EVENT_OF_ACTION):
        return
    try:
        with transaction.atomic():
            fan_out(audit_event_id=instance.pk)
    except Exception:
        log.exception("webhook deliveries of audit event #%s not queued", instance.pk)


def fan_out(*, audit_event_id: int) -> list[WebhookDelivery]:
    """One pending delivery, each with its own event id, for every active subscription of
    the event's election that chose its event; each is sent by a task after commit."""
    event = AuditEvent.objects.get(pk=audit_event_id)
    kind = EVENT_OF_ACTION[event.action]
    obj = _object_of(event)
    election = _election_of(obj)
    if election is None:
        return []
    subscriptions = [
        s
        for s in WebhookSubscription.objects.filter(election=election, is_active=True)
        if kind in s.events
    ]
    if not subscriptions:
        return []
    data = _data(kind, obj, event)
    with transaction.atomic():
        created = [
            _queue(
                subscription=s,
                election=election,
                event=kind,
                data=data,
                occurred_at=event.at,
                audit_event_id=event.pk,
            )
            for s in subscriptions
        ]
    return created


def _queue(
    *,
    subscription: WebhookSubscription,
    election: Election,
    event: str,
    data: dict[str, Any],
    occurred_at: datetime,
    audit_event_id: int | None = None,
) -> WebhookDelivery:
    event_id = uuid.uuid4()
    now = clock.now()
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event=event,
        event_id=event_id,
        audit_event_id=audit_event_id,
        payload={
            "id": str(event_id),
            "event": event,
            "occurred_at": occurred_at.astimezone(UTC).isoformat(),
            "election": election.slug,
            "data": data,
        },
        next_attempt_at=now,
        created_at=now,
    )
    transaction.on_commit(partial(tasks.send_webhook.enqueue, delivery_id=delivery.pk))
    return delivery


def _object_of(event: AuditEvent) -> models.Model | None:
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return None
    return model._default_manager.filter(pk=event.object_id).first()


def _election_of(obj: models.Model | None) -> Election | None:
    if obj is None:
        return None
    if (election := getattr(obj, "election", None)) is not None:
        return election
    post = getattr(obj, "post", None)  # a publishing delivery
    return getattr(post, "election", None)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _data(kind: str, obj: Any, event: AuditEvent) -> dict[str, Any]:
    """The event's facts: ids and plain values only, stable across versions (a field is
    added, never renamed or dropped)."""
    if kind == WebhookEvent.POST_APPROVED:
        return {
            "post": {
                "id": obj.pk,
                "title": obj.title,
                "state": obj.state,
                "desk": {"id": obj.desk_id, "name": obj.desk.name_en},
                "acs": sorted(obj.acs.values_list("number", flat=True)),
                "publish_at": _iso(obj.publish_at),
            }
        }
    if kind in (WebhookEvent.DELIVERY_PUBLISHED, WebhookEvent.DELIVERY_UNCONFIRMED):
        return {
            "delivery": {
                "id": obj.pk,
                "post": {"id": obj.post_id, "title": obj.post.title},
                "channel": {"id": obj.channel_id, "handle": obj.channel.handle},
                "platform": obj.channel.platform,
                "state": obj.state,
                "url": obj.remote_url,
                "reason": obj.reason,
            }
        }
    if kind == WebhookEvent.ALERT_RAISED:
        from itcell.monitoring.alerts import title_of

        with translation.override("en"):
            summary = str(title_of(obj))
        return {
            "alert": {
                "id": obj.pk,
                "kind": obj.kind,
                "severity": obj.severity,
                "ac": obj.ac_number,
                "desk": obj.desk_id,
                "summary": summary,
            }
        }
    if kind == WebhookEvent.TAKEDOWN_OPENED:
        return {
            "takedown": {
                "id": obj.pk,
                "delivery": obj.delivery_id,
                "url": obj.delivery.remote_url,
                "source": obj.source,
                "misinformation": obj.misinformation,
                "noticed_at": _iso(obj.noticed_at),
                "deadline": _iso(obj.due_at),
            }
        }
    if kind == WebhookEvent.SILENCE_OPENED:
        window = event.after or {}
        return {
            "phase": {
                "number": obj.number,
                "poll_date": obj.poll_date.isoformat(),
                "silence_starts": window.get("starts"),
                "silence_ends": window.get("ends"),
                "acs": window.get("acs"),
            }
        }
    raise ValueError(f"no payload for {kind!r}")


# ---- sending --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status: int | None = None
    error: str = ""
    retry_after: float | None = None  # seconds the receiver asked us to wait


def send_delivery(*, delivery_id: int) -> str:
    """Try one due delivery once; returns its state after the try, or "skipped" when it was
    not due (sent already, waiting for its next try, or taken by another worker)."""
    if not _claim(delivery_id, clock.now()):
        return "skipped"
    return _send(WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id))


def send_due(*, limit: int = SWEEP_BATCH) -> int:
    """Send the deliveries of active subscriptions that are due (retries, and any a lost task
    or a dead worker left), oldest first; returns how many were tried. Each is claimed and
    committed just before its request (so its lease covers only that request), and workers
    running this at once never send one twice."""
    started = clock.now()  # a try that fails now is due later, so it is not tried again here
    sent = 0
    while sent < limit and (delivery_id := _claim_next(started)) is not None:
        _send(WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id))
        sent += 1
    return sent


def _claim_next(due_by: datetime) -> int | None:
    with transaction.atomic():
        # On PostgreSQL rows another worker is claiming are skipped, not waited for. SQLite
        # has no row locks but one writer at a time, and the claim is conditional anyway.
        candidates = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=D.PENDING, next_attempt_at__lte=due_by, subscription__is_active=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:5]
        )
        for pk in candidates:
            if _claim(pk, due_by):
                return pk
    return None


def _claim(delivery_id: int, due_by: datetime) -> bool:
    """Take the try if it is due by ``due_by``: count it and push the next try past the
    lease, in one conditional update, so whoever wins it makes the request and no one else."""
    return (
        WebhookDelivery.objects.filter(
            pk=delivery_id,
            state=D.PENDING,
            next_attempt_at__lte=due_by,
            subscription__is_active=True,
        ).update(attempts=models.F("attempts") + 1, next_attempt_at=clock.now() + LEASE)
        == 1
    )


def _send(delivery: WebhookDelivery) -> str:
    now = clock.now()
    body, headers = signed_request(
        secret=secret_of(delivery.subscription), delivery=delivery, now=now
    )
    outcome = post(delivery.subscription.url, body, headers)
    return _finish(delivery, outcome, clock.now())


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """One request; every failure becomes an outcome (nothing here raises)."""
    timeout = settings.ITCELL_WEBHOOK_TIMEOUT
    try:
        with httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
            follow_redirects=False,  # a redirect could carry the signed body elsewhere
        ) as client:
            response = client.post(url, content=body, headers=headers)
    except httpx.TimeoutException as error:
        return Outcome(False, error=f"timed out ({type(error).__name__})")
    except httpx.HTTPError as error:
        return Outcome(False, error=f"{type(error).__name__}: {error}"[:300])
    if response.is_success:
        return Outcome(True, status=response.status_code)
    wait = _retry_after(response) if response.status_code in (429, 503) else None
    text = " ".join(response.text.split())[:200]
    return Outcome(
        False,
        status=response.status_code,
        error=f"HTTP {response.status_code}" + (f": {text}" if text else ""),
        retry_after=wait,
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((at - clock.now()).total_seconds(), 0.0) if at.tzinfo else None


def retry_delay(*, attempts: int, retry_after: float | None = None) -> timedelta | None:
    """The wait before the next try after ``attempts`` tries; None when that was the last.
    A receiver's Retry-After wins, up to the longest wait of the schedule."""
    if attempts >= MAX_ATTEMPTS:
        return None
    if retry_after is not None:
        return min(max(timedelta(seconds=retry_after), MIN_WAIT), MAX_WAIT)
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def _finish(delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> str:
    # Fetched after the claim, so ``attempts`` is this try's number.
    changes: dict[str, Any] = {"last_status": outcome.status, "last_error": outcome.error[:300]}
    if outcome.delivered:
        changes |= {"state": D.DELIVERED, "delivered_at": now, "next_attempt_at": None}
    else:
        delay = retry_delay(attempts=delivery.attempts, retry_after=outcome.retry_after)
        changes |= (
            {"state": D.FAILED, "next_attempt_at": None}
            if delay is None
            else {"state": D.PENDING, "next_attempt_at": now + delay}
        )
    # Only if no later try began meanwhile (this one outlived its lease).
    WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(**changes)
    if not outcome.delivered:
        log.info(
            "webhook %s to subscription %s, try %s: %s",
            delivery.event_id,
            delivery.subscription_id,
            delivery.attempts,
            outcome.error,
        )
    return str(changes["state"])


# ---- subscriptions: the head's writes -------------------------------------------------------


def allows_local_urls() -> bool:
    return settings.ITCELL_WEBHOOK_ALLOW_LOCAL


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot receive webhooks, or None. HTTPS only: the body and its signature
    would otherwise travel in the clear. Plain HTTP to this machine only while developing."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.hostname:
        return _("Enter the full address, starting with https://.")
    if parts.username or parts.password:
        return _("Leave the user name and password out of the address.")
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS and allows_local_urls():
        return None
    return _("The address must start with https://.")


def _check(*, name: str, url: str, events: Iterable[str]) -> list[Problem]:
    problems = []
    if not name.strip():
        problems.append(Problem(_("Give the subscription a name."), field="name"))
    if (problem := url_problem(url)) is not None:
        problems.append(Problem(problem, field="url"))
    chosen = list(events)
    if not chosen:
        problems.append(Problem(_("Choose at least one event."), field="events"))
    elif not set(chosen) <= set(SUBSCRIBABLE):
        problems.append(Problem(_("Choose events from the list."), field="events"))
    return problems


@dataclass(frozen=True)
class NewSubscription:
    subscription: WebhookSubscription
    secret: str  # shown once, to the head who created it; only its sealed form is kept


@transaction.atomic
def subscribe(
    *,
    election: Election,
    name: str,
    url: str,
    events: Iterable[str],
    actor: User,
    source_address: str | None = None,
) -> NewSubscription:
    """A subscription with a new signing secret. Raises ``InvalidInput`` (one problem per
    field) and saves nothing when the input is wrong."""
    given = set(events)
    chosen = [str(e) for e in SUBSCRIBABLE if e in given]
    problems = _check(name=name, url=url, events=given)
    if problems:
        raise InvalidInput(problems)
    secret = secrets.token_urlsafe(32)
    subscription = WebhookSubscription.objects.create(
        election=election,
        name=name.strip(),
        url=url.strip(),
        events=chosen,
        sealed_secret=crypto.seal({"secret": secret}),
        created_by=actor,
    )
    record(
        actor=actor,
        action="webhook.subscribed",
        obj=subscription,
        after={"name": subscription.name, "url": subscription.url, "events": chosen},
        source_address=source_address,
    )
    return NewSubscription(subscription=subscription, secret=secret)


@transaction.atomic
def set_active(
    *,
    subscription: WebhookSubscription,
    active: bool,
    actor: User,
    source_address: str | None = None,
) -> WebhookSubscription:
    """Pause (nothing new is queued for it, and nothing waiting is sent) or resume (what
    waited is sent by the next sweep)."""
    if subscription.is_active == active:
        return subscription
    subscription.is_active = active
    subscription.save(update_fields=["is_active", "updated_at"])
    record(
        actor=actor,
        action="webhook.resumed" if active else "webhook.paused",
        obj=subscription,
        before={"active": not active},
        after={"active": active},
        source_address=source_address,
    )
    return subscription


@transaction.atomic
def send_ping(
    *, subscription: WebhookSubscription, actor: User, source_address: str | None = None
) -> WebhookDelivery:
    """A ``ping`` event, signed like any other, so the receiver's set-up can be checked."""
    if not subscription.is_active:
        raise WebhookError(_("Resume the subscription before sending it a test ping."))
    delivery = _queue(
        subscription=subscription,
        election=subscription.election,
        event=WebhookEvent.PING,
        data={"subscription": {"id": subscription.pk, "name": subscription.name}},
        occurred_at=clock.now(),
    )
    record(
        actor=actor,
        action="webhook.pinged",
        obj=subscription,
        after={"delivery": delivery.pk, "event_id": str(delivery.event_id)},
        source_address=source_address,
    )
    return delivery


@transaction.atomic
def retry_delivery(
    *, delivery: WebhookDelivery, actor: User, source_address: str | None = None
) -> WebhookDelivery:
    """Send a failed delivery once more, now (same event id, so a receiver that did get it
    drops the repeat). If that try fails too it is failed again at once."""
    if not delivery.subscription.is_active:
        raise WebhookError(_("Resume the subscription before retrying its deliveries."))
    updated = WebhookDelivery.objects.filter(pk=delivery.pk, state=D.FAILED).update(
        state=D.PENDING, next_attempt_at=clock.now()
    )
    if not updated:
        raise WebhookError(_("Only a failed delivery can be retried."))
    delivery.refresh_from_db()
    record(
        actor=actor,
        action="webhook.retried",
        obj=delivery,
        object_repr=f"{delivery.event} {delivery.event_id}",
        after={"subscription": delivery.subscription_id, "attempts": delivery.attempts},
        source_address=source_address,
    )
    transaction.on_commit(partial(tasks.send_webhook.enqueue, delivery_id=delivery.pk))
    return delivery


# ---- reads ----------------------------------------------------------------------------------


def list_subscriptions(*, election: Election) -> models.QuerySet[WebhookSubscription]:
    """The election's subscriptions, each with its counts of deliveries by state."""
    return WebhookSubscription.objects.filter(election=election).annotate(
        delivered=Count("deliveries", filter=Q(deliveries__state=D.DELIVERED)),
        pending=Count("deliveries", filter=Q(deliveries__state=D.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__state=D.FAILED)),
    )


def find_subscription(*, election: Election, subscription_id: int) -> WebhookSubscription | None:
    return WebhookSubscription.objects.filter(election=election, pk=subscription_id).first()


def find_delivery(*, subscription: WebhookSubscription, delivery_id: int) -> WebhookDelivery | None:
    return (
        WebhookDelivery.objects.filter(subscription=subscription, pk=delivery_id)
        .select_related("subscription")
        .first()
    )
