"""Delivery: the contract of DESIGN.md, "never twice, never silently lost".

One delivery per (post, channel). ``deliver`` claims it under row locks and commits *before*
the platform call, so a second worker (or a broker's redelivery) finds it taken and a crash
leaves it visibly "publishing". What happens next depends on what is known:

* published → recorded with the platform's id and link;
* certainly not published (no connection, 429, 5xx) → retried with backoff, a few times;
* maybe published (timeout after sending, unreadable answer, a worker that died) → retried
  only when the platform dedupes on our idempotency key, looked up when the connector can
  find posts by it, else left *unconfirmed* for the duty officer — never retried blindly;
* refused, or the token revoked → failed, with the platform's reason.

A pause (election-wide or a desk's) and a channel that is not connected *hold* deliveries:
they wait, unclaimed, and go once released. ``sweep`` (periodic) enqueues deliveries that
are due but were never started and settles deliveries whose worker was lost.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from itcell.accounts.models import User
from itcell.audit.services import record
from itcell.core import clock
from itcell.elections.models import Election
from itcell.organisation.models import Desk, Membership
from itcell.publishing import tasks, workflow
from itcell.publishing.connectors import get_connector
from itcell.publishing.connectors.base import Account, BaseConnector, Medium, Outgoing, Published
from itcell.publishing.errors import (
    AuthExpired,
    Blocked,
    ConnectorError,
    NotLanded,
    OutcomeUnknown,
    PublishingError,
    Reason,
)
from itcell.publishing.models import Channel, Delivery, DistributionTask, Pause, Post
from itcell.publishing.screening import Checkpoint, screen
from itcell.publishing.selectors import get_active_pause
from itcell.publishing.services import library
from itcell.publishing.services.notices import tell_delivery_problem, tell_volunteers
from itcell.publishing.workflow import Event, PostState

D = Delivery.State
WAITING = [D.PENDING, D.RETRYING]
#: A due delivery whose task has not started this long after it should have is enqueued again.
STALE = timedelta(minutes=2)
MAX_ATTEMPTS = 5
DELIVERABLE = [PostState.SCHEDULED, PostState.PUBLISHING, PostState.FAILED]


def lease() -> timedelta:
    """Publishing longer than this means the worker was lost (connector timeouts are 20 s)."""
    return timedelta(seconds=settings.ITCELL_DELIVERY_LEASE_SECONDS)


def retry_delay(*, attempts: int, retry_after: float | None) -> timedelta | None:
    """How long to wait before attempt ``attempts + 1``; None to give up. The platform's own
    ``retry_after`` wins; otherwise 30 s, 1, 2, 4 minutes."""
    if attempts >= MAX_ATTEMPTS:
        return None
    if retry_after is not None:
        return timedelta(seconds=max(retry_after, 1))
    return timedelta(seconds=30 * 2 ** (attempts - 1))


def enqueue_delivery(delivery: Delivery) -> None:
    """Have a worker try ``delivery`` when it is due (after the caller's commit). A backend
    that cannot defer leaves a future delivery to ``sweep``."""
    run_at = delivery.next_attempt_at or delivery.due_at
    job = tasks.deliver
    if run_at > clock.now():
        if not job.get_backend().supports_defer:
            Delivery.objects.filter(pk=delivery.pk).update(enqueued_for=None)
            return
        job = job.using(run_after=run_at)
    # Never in the past: the sweep re-enqueues what stays unstarted STALE after this.
    Delivery.objects.filter(pk=delivery.pk).update(enqueued_for=max(run_at, clock.now()))
    # robust: a broker that is down must not undo the schedule; the sweep enqueues it later.
    transaction.on_commit(partial(job.enqueue, delivery_id=delivery.pk), robust=True)


def hold_reason(delivery: Delivery, pauses: Sequence[Pause] | None = None) -> str:
    """Why a waiting delivery may not go now ("" when nothing holds it). ``pauses``: the
    election's active pauses, when the caller has them (a list of deliveries)."""
    post = delivery.post
    if pauses is None:
        pause = get_active_pause(election=post.election_id, desk_id=post.desk_id)
    else:
        pause = next((p for p in pauses if p.desk_id in (None, post.desk_id)), None)
    if pause is not None:
        return _("Paused: %(reason)s") % {"reason": pause.reason}
    if delivery.channel.status != Channel.Status.CONNECTED:
        return _("Channel: %(status)s") % {"status": delivery.channel.get_status_display()}
    return ""


@dataclass(frozen=True)
class Claim:
    delivery: Delivery
    attempt: int
    connector: BaseConnector
    account: Account
    outgoing: Outgoing


def account_for(channel: Channel) -> Account:
    return Account(
        handle=channel.handle,
        api_url=channel.api_url,
        credentials=channel.credentials,
        options={**channel.options, "channel_id": str(channel.pk)},
    )


def outgoing_for(delivery: Delivery) -> Outgoing:
    variant = delivery.post.variants.select_related("channel", "post").get(channel=delivery.channel)
    return Outgoing(
        text=variant.final_text,
        idempotency_key=delivery.idempotency_key,
        media=tuple(
            Medium(Path(m.file.path), m.content_type, m.size, m.alt_text)
            for m in delivery.post.media.order_by("id")
        ),
        created_at=delivery.created_at,
    )


SKIPPED = "skipped"


def _claim(delivery_id: int) -> Claim | str:
    """Take the delivery for one try; or say how it ended without a platform call: "skipped"
    when it is not this worker's to try (taken, done, not yet due, held), "failed" when a
    rule blocks it, "published" when a manual channel handed it to volunteers."""
    post_id = Delivery.objects.filter(pk=delivery_id).values_list("post_id", flat=True).first()
    if post_id is None:
        return SKIPPED
    with transaction.atomic():
        # Post before delivery: the order every writer locks in (edits lock the post).
        post = Post.objects.select_for_update().get(pk=post_id)
        # of=self: the channel row is read, not locked (finishing updates it after taking the
        # audit chain's lock; locking it here too would deadlock two workers on PostgreSQL).
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("channel")
            .get(pk=delivery_id)
        )
        delivery.post = post
        now = clock.now()
        due = delivery.next_attempt_at or delivery.due_at
        if delivery.state not in WAITING or due > now or post.state not in DELIVERABLE:
            return SKIPPED
        if hold_reason(delivery):
            return SKIPPED
        try:
            screen(post=post, checkpoint=Checkpoint.DELIVER, channel=delivery.channel, at=now)
        except Blocked as blocked:
            until = held_until(blocked)
            if until is not None:
                return _hold(delivery, until, str(blocked))
            return _finish(
                delivery, delivery.attempts, D.FAILED, Reason.BLOCKED, str(blocked), from_=WAITING
            )
        try:
            connector = get_connector(delivery.channel.connector)
            account = account_for(delivery.channel)
        except (ConnectorError, ImproperlyConfigured) as error:
            # A person must fix the channel; retrying would only hide it.
            return _finish(
                delivery,
                delivery.attempts,
                D.FAILED,
                Reason.MISCONFIGURED,
                str(error),
                from_=WAITING,
            )
        delivery.state, delivery.claimed_at = D.PUBLISHING, now
        delivery.attempts += 1
        delivery.save(update_fields=["state", "claimed_at", "attempts"])
        if post.state != PostState.PUBLISHING:
            post.state = workflow.next_state(post.state, Event.START)
            post.save(update_fields=["state"])
        record(
            actor=None,
            action="delivery.started",
            obj=delivery,
            after={"attempt": delivery.attempts, "key": delivery.idempotency_key},
        )
        if connector.manual:
            return _distribute(delivery)
        return Claim(
            delivery,
            delivery.attempts,
            connector,
            account,
            outgoing_for(delivery),
        )


def held_until(blocked: Blocked) -> datetime | None:
    """When every finding that blocks a delivery lifts at a known instant (a silence window,
    the exit-poll ban), the last of those instants; else None (a person must act)."""
    ends = [finding.until for finding in blocked.findings]
    return None if None in ends else max(ends)


def _hold(delivery: Delivery, until: datetime, detail: str) -> str:
    """Keep a waiting delivery waiting until ``until`` (it goes then unless someone withdraws
    or reschedules the post); its desk is told the first time."""
    first = delivery.reason != Reason.HELD
    delivery.reason, delivery.detail = Reason.HELD, detail[:500]
    delivery.next_attempt_at = until + timedelta(seconds=1)  # windows may include their end
    delivery.save(update_fields=["reason", "detail", "next_attempt_at"])
    record(
        actor=None,
        action="delivery.held",
        obj=delivery,
        after={"until": until.isoformat(), "detail": delivery.detail},
    )
    if first:
        tell_delivery_problem(delivery)
    enqueue_delivery(delivery)
    return SKIPPED


def recheck(*, delivery_id: int) -> bool:
    """Screen a waiting delivery again before its time (a silence window has just opened):
    hold it now, and tell its desk, if a rule that lifts later would stop it. True if held."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("channel", "post")
            .get(pk=delivery_id)
        )
        if delivery.state not in WAITING or delivery.reason == Reason.HELD:
            return False
        at = max(delivery.next_attempt_at or delivery.due_at, clock.now())
        try:
            screen(
                post=delivery.post, checkpoint=Checkpoint.DELIVER, channel=delivery.channel, at=at
            )
        except Blocked as blocked:
            until = held_until(blocked)
            if until is not None:
                _hold(delivery, until, str(blocked))
                return True
        return False


def deliver(*, delivery_id: int) -> str:
    """One try of one delivery (the ``deliver`` task). Returns the delivery's state after
    it, or "skipped" when it was not this worker's to try."""
    claim = _claim(delivery_id)
    if isinstance(claim, str):
        return claim
    delivery, connector = claim.delivery, claim.connector
    try:
        published = connector.publish(account=claim.account, outgoing=claim.outgoing)
    except NotLanded as error:
        return _retry_or_fail(claim, error.reason, error.detail, error.retry_after)
    except OutcomeUnknown as error:
        return _after_unknown(claim, error.reason, error.detail)
    except ConnectorError as error:
        if isinstance(error, AuthExpired):
            _needs_reauthorisation(delivery.channel, error.detail)
        return _finish(delivery, claim.attempt, D.FAILED, error.reason, error.detail)
    except Exception as error:
        # A bug or an unexpected answer after the call went out: it may have landed.
        _finish(delivery, claim.attempt, D.UNCONFIRMED, Reason.BAD_ANSWER, repr(error))
        raise
    return _finish(delivery, claim.attempt, D.PUBLISHED, published=published)


def _retry_or_fail(
    claim: Claim,
    reason: str,
    detail: str,
    retry_after: float | None = None,
    *,
    maybe_landed: bool = False,
) -> str:
    """Try again later; after the last try, failed — or unconfirmed when a try may have
    landed (an unknown outcome retried only because the platform dedupes)."""
    delay = retry_delay(attempts=claim.attempt, retry_after=retry_after)
    if delay is None:
        final = D.UNCONFIRMED if maybe_landed else D.FAILED
        return _finish(claim.delivery, claim.attempt, final, reason, detail)
    return _finish(
        claim.delivery, claim.attempt, D.RETRYING, reason, detail, retry_at=clock.now() + delay
    )


def _after_unknown(claim: Claim, reason: str, detail: str) -> str:
    if claim.connector.idempotent_publish:
        # The platform drops a second post with the same key: trying again is safe.
        return _retry_or_fail(claim, reason, detail, maybe_landed=True)
    if claim.connector.can_find:
        # Leave it "publishing": once the lease is over (anything in flight has landed by
        # then) the sweep looks the post up by its key.
        Delivery.objects.filter(pk=claim.delivery.pk, attempts=claim.attempt).update(
            reason=reason, detail=detail[:500]
        )
        return D.PUBLISHING
    return _finish(claim.delivery, claim.attempt, D.UNCONFIRMED, reason, detail)


@transaction.atomic
def _finish(
    delivery: Delivery,
    attempt: int,
    state: str,
    reason: str = "",
    detail: str = "",
    *,
    published: Published | None = None,
    retry_at: datetime | None = None,
    actor: User | None = None,
    from_: Sequence[str] | None = None,
) -> str:
    """Record the outcome of try number ``attempt``: only if no later try has begun (a
    success is the truth whatever the sweep guessed meanwhile). ``from_``: the states it
    may leave (default: publishing)."""
    now = clock.now()
    allowed = from_ or (
        [D.PUBLISHING] if published is None else [D.PUBLISHING, D.UNCONFIRMED, D.RETRYING]
    )
    changes = {
        "state": state,
        "reason": reason,
        "detail": detail[:500],
        "next_attempt_at": retry_at,
        "finished_at": None if state in (D.RETRYING,) else now,
    }
    if published is not None:
        changes |= {"remote_id": published.remote_id, "remote_url": published.url[:500]}
    updated = Delivery.objects.filter(pk=delivery.pk, attempts=attempt, state__in=allowed).update(
        **changes
    )
    if not updated:
        return Delivery.objects.values_list("state", flat=True).get(pk=delivery.pk)
    for name, value in changes.items():
        setattr(delivery, name, value)
    record(
        actor=actor,
        action=f"delivery.{state}",
        obj=delivery,
        after={key: value for key, value in changes.items() if value not in (None, "")}
        | {"attempt": attempt},
    )
    channel_changes = (
        {"last_published_at": now}
        if state == D.PUBLISHED
        else {"last_error_at": now, "last_error": reason}
        if state in (D.FAILED, D.UNCONFIRMED, D.RETRYING)
        else {}
    )
    if channel_changes:
        Channel.objects.filter(pk=delivery.channel_id).update(**channel_changes)
    if state == D.RETRYING:
        enqueue_delivery(delivery)
    elif state in (D.FAILED, D.UNCONFIRMED):
        tell_delivery_problem(delivery)
    settle_post(delivery.post_id)
    return state


def settle_post(post_id: int) -> None:
    """Move a publishing post to published or failed once all its deliveries are done."""
    states = set(
        Delivery.objects.filter(post_id=post_id)
        .exclude(state=D.CANCELLED)
        .values_list("state", flat=True)
    )
    if states & {D.PENDING, D.RETRYING, D.PUBLISHING, D.UNCONFIRMED} or not states:
        return
    event = Event.SUCCEED if states <= {D.PUBLISHED} else Event.FAIL
    post = Post.objects.select_for_update().get(pk=post_id)
    if post.state not in (PostState.PUBLISHING, PostState.FAILED):
        return
    state = workflow.next_state(post.state, event)
    if state != post.state:
        post.state = state
        post.save(update_fields=["state"])
        record(actor=None, action=f"post.{state}", obj=post, after={"state": state})


def _needs_reauthorisation(channel: Channel, detail: str) -> None:
    with transaction.atomic():
        updated = Channel.objects.filter(pk=channel.pk, status=Channel.Status.CONNECTED).update(
            status=Channel.Status.NEEDS_REAUTH
        )
        if updated:
            record(
                actor=None,
                action="channel.needs_reauthorisation",
                obj=channel,
                after={"status": Channel.Status.NEEDS_REAUTH, "detail": detail[:300]},
            )


def _distribute(delivery: Delivery) -> str:
    """A manual channel: one task per volunteer of every desk whose area the post targets
    (HQ excepted); the delivery counts as published once the tasks are handed out."""
    post = delivery.post
    desks = (
        Desk.objects.filter(election_id=post.election_id, is_active=True, acs__in=post.acs.all())
        .exclude(kind=Desk.Kind.HQ)
        .distinct()
    )
    members = Membership.objects.filter(desk__in=desks, is_active=True).values_list(
        "user_id", "desk_id"
    )
    tasks_ = dict(members)
    DistributionTask.objects.bulk_create(
        [
            DistributionTask(delivery=delivery, volunteer_id=user_id, desk_id=desk_id)
            for user_id, desk_id in tasks_.items()
        ],
        ignore_conflicts=True,
    )
    tell_volunteers(delivery, list(tasks_))
    return _finish(
        delivery,
        delivery.attempts,
        D.PUBLISHED,
        detail=ngettext("Handed to %(n)d volunteer", "Handed to %(n)d volunteers", len(tasks_))
        % {"n": len(tasks_)},
        published=Published(remote_id=f"tasks-{delivery.pk}"),
    )


# The sweep -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepReport:
    enqueued: int
    recovered: int


def sweep(*, limit: int = 1000, stale: timedelta = STALE) -> SweepReport:
    """Enqueue deliveries that are due but were never started ``stale`` after they should
    have been (a lost task, a broker that was down, a backend that cannot defer, a pause
    just lifted), and settle those whose worker was lost."""
    now = clock.now()
    due = (
        Delivery.objects.filter(state__in=WAITING, post__state__in=DELIVERABLE)
        .annotate(run_at=Coalesce("next_attempt_at", "due_at"))
        .filter(run_at__lte=now)
        .filter(
            Q(enqueued_for=None)
            | Q(enqueued_for__lte=now - stale)
            | Q(enqueued_for__lt=F("run_at"))  # a retry planned after its task was queued
        )
        .filter(channel__status=Channel.Status.CONNECTED)
        .exclude(
            post__election__in=Pause.objects.filter(resumed_at=None, desk=None).values("election")
        )
        .exclude(post__desk__in=Pause.objects.filter(resumed_at=None).values("desk"))
        .select_related("post")
        .order_by("due_at")[:limit]
    )
    enqueued = 0
    with transaction.atomic():
        for delivery in due:
            delivery.enqueued_for = now  # run now, whatever was planned
            delivery.next_attempt_at = None if delivery.state == D.PENDING else now
            enqueue_delivery(delivery)
            enqueued += 1
    lost = Delivery.objects.filter(state=D.PUBLISHING, claimed_at__lte=now - lease()).values_list(
        "pk", flat=True
    )[:limit]
    recovered = sum(1 for pk in lost if recover(delivery_id=pk))
    return SweepReport(enqueued=enqueued, recovered=recovered)


def recover(*, delivery_id: int) -> bool:
    """Settle a delivery left "publishing" past its lease: retry it where the platform
    dedupes, look it up where the connector can, else leave it unconfirmed for a person."""
    delivery = Delivery.objects.select_related("post", "channel").get(pk=delivery_id)
    if delivery.state != D.PUBLISHING or delivery.claimed_at is None:
        return False
    if clock.now() - delivery.claimed_at < lease():
        return False
    connector = get_connector(delivery.channel.connector)
    claim = Claim(
        delivery,
        delivery.attempts,
        connector,
        account_for(delivery.channel),
        outgoing_for(delivery),
    )
    reason = delivery.reason or Reason.WORKER_LOST
    if connector.idempotent_publish:
        _retry_or_fail(claim, reason, delivery.detail, maybe_landed=True)
        return True
    if connector.can_find:
        try:
            found = connector.find(account=claim.account, outgoing=claim.outgoing)
        except ConnectorError as error:
            _finish(delivery, claim.attempt, D.UNCONFIRMED, error.reason, error.detail)
            return True
        if found is not None:
            _finish(delivery, claim.attempt, D.PUBLISHED, published=found)
        else:
            _retry_or_fail(claim, reason, delivery.detail)
        return True
    _finish(delivery, claim.attempt, D.UNCONFIRMED, reason, delivery.detail)
    return True


# What people do ------------------------------------------------------------------------


@transaction.atomic
def confirm_delivery(
    *,
    delivery: Delivery,
    actor: User,
    published: bool,
    url: str = "",
    source_address: str | None = None,
) -> Delivery:
    """The duty officer settles an unconfirmed (or failed) delivery after looking at the
    platform: it is there (with its link), or it is not and may be tried again now."""
    delivery = Delivery.objects.select_for_update().select_related("post").get(pk=delivery.pk)
    if delivery.state not in (D.UNCONFIRMED, D.FAILED):
        raise PublishingError(_("Only an unconfirmed or failed delivery can be settled by hand."))
    if published:
        delivery.remote_url = url.strip()[:500]
        Delivery.objects.filter(pk=delivery.pk).update(remote_url=delivery.remote_url)
        _finish(
            delivery,
            delivery.attempts,
            D.PUBLISHED,
            detail=_("Confirmed by %(name)s") % {"name": actor},
            actor=actor,
            from_=[D.UNCONFIRMED, D.FAILED],
        )
    else:
        post = Post.objects.select_for_update().get(pk=delivery.post_id)
        if post.state not in DELIVERABLE:
            raise PublishingError(_("This post is no longer to be published."))
        Delivery.objects.filter(pk=delivery.pk).update(
            state=D.PENDING, due_at=clock.now(), next_attempt_at=None, finished_at=None
        )
        delivery.refresh_from_db()
        record(
            actor=actor,
            action="delivery.retried_by_hand",
            obj=delivery,
            after={"state": D.PENDING},
            source_address=source_address,
        )
        enqueue_delivery(delivery)
    return delivery


@transaction.atomic
def pause_publishing(
    *,
    election: Election,
    actor: User,
    reason: str,
    desk: Desk | None = None,
    source_address: str | None = None,
) -> Pause:
    """Hold every delivery not yet started (the election's, or one desk's) until resumed."""
    if not reason.strip():
        raise PublishingError(_("Say why publishing is paused: everyone will see it."))
    existing = Pause.objects.filter(election=election, desk=desk, resumed_at=None).first()
    if existing is not None:
        return existing
    pause = Pause.objects.create(
        election=election, desk=desk, reason=reason.strip(), paused_by=actor, paused_at=clock.now()
    )
    record(
        actor=actor,
        action="publishing.paused",
        obj=pause,
        after={"desk": desk.pk if desk else None, "reason": pause.reason},
        source_address=source_address,
    )
    return pause


@transaction.atomic
def resume_publishing(*, pause: Pause, actor: User, source_address: str | None = None) -> int:
    """Lift a pause; what it held and is due goes at once. Returns how many were sent on."""
    pause = Pause.objects.select_for_update().get(pk=pause.pk)
    if pause.resumed_at is not None:
        return 0
    pause.resumed_at, pause.resumed_by = clock.now(), actor
    pause.save(update_fields=["resumed_at", "resumed_by"])
    record(actor=actor, action="publishing.resumed", obj=pause, source_address=source_address)
    return sweep(stale=timedelta(0)).enqueued


@transaction.atomic
def withdraw_post(
    *, post: Post, actor: User, reason: str, source_address: str | None = None
) -> Post:
    """Withdraw a post: deliveries not started are cancelled, published ones removed where
    the platform allows (others are listed for removal by hand)."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not reason.strip():
        raise PublishingError(_("Say why the post is withdrawn."))
    post.state = workflow.next_state(post.state, Event.WITHDRAW)
    post.save(update_fields=["state"])
    Delivery.objects.filter(post=post, state__in=WAITING).update(
        state=D.CANCELLED, finished_at=clock.now()
    )
    published = list(post.deliveries.filter(state=D.PUBLISHED).values_list("pk", flat=True))
    record(
        actor=actor,
        action="post.withdrawn",
        obj=post,
        after={"reason": reason.strip(), "removing": published},
        source_address=source_address,
    )
    for pk in published:
        transaction.on_commit(partial(tasks.remove_delivery.enqueue, delivery_id=pk), robust=True)
    return post


def remove_delivery(*, delivery_id: int) -> str:
    """Take a published delivery off its platform (the ``remove_delivery`` task)."""
    delivery = Delivery.objects.select_related("channel", "post").get(pk=delivery_id)
    if delivery.state != D.PUBLISHED:
        return delivery.state
    connector = get_connector(delivery.channel.connector)
    if not connector.supports_delete:
        detail = _("Remove it by hand: this platform does not let itcell delete posts.")
        Delivery.objects.filter(pk=delivery.pk).update(reason=Reason.UNSUPPORTED, detail=detail)
        tell_delivery_problem(delivery)
        return delivery.state
    try:
        connector.delete(account=account_for(delivery.channel), remote_id=delivery.remote_id)
    except ConnectorError as error:
        Delivery.objects.filter(pk=delivery.pk).update(
            reason=error.reason, detail=error.detail[:500]
        )
        tell_delivery_problem(delivery)
        return delivery.state
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(state=D.WITHDRAWN, finished_at=clock.now())
        record(actor=None, action="delivery.withdrawn", obj=delivery)
    return D.WITHDRAWN


@transaction.atomic
def mark_shared(
    *,
    task: DistributionTask,
    volunteer: User,
    link: str = "",
    screenshot: object = None,
    source_address: str | None = None,
) -> DistributionTask:
    """A volunteer says they shared the post, with the link or a screenshot as proof."""
    if task.volunteer_id != volunteer.pk:
        raise PublishingError(_("This is someone else's task."))
    if not link.strip() and not screenshot:
        raise PublishingError(_("Add the link to your post or a screenshot of it."))
    task.state, task.shared_at, task.link = DistributionTask.State.SHARED, clock.now(), link.strip()
    if screenshot:
        task.screenshot = screenshot
    with library.full_disk_refused("screenshot", PublishingError):
        task.save()
    record(
        actor=volunteer,
        action="distribution.shared",
        obj=task,
        after={"link": task.link, "screenshot": bool(screenshot)},
        source_address=source_address,
    )
    return task
