"""Scheduling: put an approved post on the calendar (one delivery per channel), move it,
take it off; the next free posting slot of a channel."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itcell.accounts.models import User
from itcell.audit.services import record
from itcell.core import clock
from itcell.core.clock import IST
from itcell.core.errors import Problem
from itcell.publishing import workflow
from itcell.publishing.errors import PostInvalid
from itcell.publishing.models import Channel, Delivery, Post
from itcell.publishing.services.delivery import enqueue_delivery
from itcell.publishing.services.posts import lock
from itcell.publishing.workflow import Event

WAITING = [Delivery.State.PENDING, Delivery.State.RETRYING]


@transaction.atomic
def schedule_post(
    *, post: Post, at: datetime, actor: User, source_address: str | None = None
) -> Post:
    """Schedule (or move) an approved post to ``at``: each channel gets its delivery, due
    then. A delivery already started keeps its course."""
    post = lock(post)
    state = workflow.next_state(post.state, Event.SCHEDULE)
    if at <= clock.now():
        raise PostInvalid([Problem(_("Choose a time that has not passed."), field="publish_at")])
    before = {"state": post.state, "publish_at": post.publish_at}
    post.state, post.publish_at = state, at
    post.save(update_fields=["state", "publish_at"])
    for variant in post.variants.all():
        delivery, created = Delivery.objects.get_or_create(
            post=post, channel_id=variant.channel_id, defaults={"due_at": at}
        )
        if created or delivery.state in (*WAITING, Delivery.State.CANCELLED):
            delivery.state, delivery.due_at = Delivery.State.PENDING, at
            delivery.next_attempt_at, delivery.reason, delivery.detail = None, "", ""
            delivery.finished_at = None
            delivery.save()
            enqueue_delivery(delivery)
    Delivery.objects.filter(post=post, state__in=WAITING).exclude(
        channel_id__in=post.variants.values("channel_id")
    ).update(state=Delivery.State.CANCELLED, finished_at=clock.now())
    record(
        actor=actor,
        action="post.scheduled",
        obj=post,
        before=before,
        after={"state": post.state, "publish_at": at},
        source_address=source_address,
    )
    return post


@transaction.atomic
def unschedule_post(*, post: Post, actor: User, source_address: str | None = None) -> Post:
    """Take a scheduled post off the calendar; it stays approved."""
    post = lock(post)
    post.state = workflow.next_state(post.state, Event.UNSCHEDULE)
    post.save(update_fields=["state"])
    cancelled = Delivery.objects.filter(post=post, state__in=WAITING).update(
        state=Delivery.State.CANCELLED, finished_at=clock.now()
    )
    record(
        actor=actor,
        action="post.unscheduled",
        obj=post,
        after={"state": post.state, "cancelled_deliveries": cancelled},
        source_address=source_address,
    )
    return post


def next_slot(*, channels: list[Channel], after: datetime) -> datetime | None:
    """The earliest posting slot after ``after`` (IST times of day) among ``channels``
    that every one of them shares; None when they share none within a week."""
    slot_sets = [{slot.at for slot in channel.slots.all()} for channel in channels]
    shared = set.intersection(*slot_sets) if slot_sets else set()
    local = timezone.localtime(after, IST)
    for days in range(8):
        day = local.date() + timedelta(days=days)
        for at in sorted(shared):
            candidate = datetime.combine(day, at, tzinfo=IST)
            if candidate > after:
                return candidate
    return None
