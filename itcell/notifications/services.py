"""Every write of the notifications app: telling members, reading, pushing, preferences."""

import re
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from itcell.accounts.models import User
from itcell.audit.services import record
from itcell.core import clock
from itcell.core.errors import InvalidInput, Problem
from itcell.notifications import tasks
from itcell.notifications.channels import Message, get_channel
from itcell.notifications.errors import (
    ChannelError,
    ChannelUnavailable,
    Reason,
    RecipientUnreachable,
)
from itcell.notifications.models import Channel, ChannelPreference, Kind, Notification, Push

MAX_ATTEMPTS = 5
TELEGRAM_CHAT_ID = re.compile(r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}")


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str | Promise,
    body: str | Promise = "",
    url: str = "",
    dedupe_key: str = "",
    push_to: Collection[int] | None = None,
) -> list[Notification]:
    """Put a notification in each recipient's inbox, and push it to those in ``push_to``.

    ``title`` and ``body`` may be lazy (``gettext_lazy``, ``format_lazy``): each recipient
    gets them in their own language. (``%`` on a lazy string renders it at once, in the
    caller's language: use ``format_lazy`` for parameters.) ``url`` is a path inside itcell.

    A recipient who already has an unread item with the same ``dedupe_key`` is skipped.
    ``push_to`` holds the ids of members who may be woken (the on-duty ones); ``None``
    means every recipient. Each of them gets the item by each channel they turned on for
    ``kind``, after commit, through the ``push_notification`` task.

    Returns the notifications created (none for a recipient who was skipped).
    """
    kind_ = Kind(kind)
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"url must be a path inside itcell, not {url!r}")
    if len(url) > 500 or len(dedupe_key) > 200:
        raise ValueError("url is limited to 500 characters and dedupe_key to 200")
    people = list({user.pk: user for user in recipients}.values())
    created = _add_to_inboxes(people, kind_, title, body, url, dedupe_key)
    if not created:
        return []
    pushes = _plan_pushes(created, kind_, push_to)
    record(
        actor=None,
        action="notification.created",
        object_type=Notification._meta.label_lower,
        object_id=str(created[0].pk) if len(created) == 1 else "",
        object_repr=created[0].title,
        after={
            "kind": kind_.value,
            "url": url,
            "dedupe_key": dedupe_key,
            "notifications": {n.recipient_id: n.pk for n in created},
            "pushes": [[p.notification_id, p.channel] for p in pushes],
        },
    )
    return created


def _add_to_inboxes(
    people: list[User],
    kind: Kind,
    title: str | Promise,
    body: str | Promise,
    url: str,
    dedupe_key: str,
) -> list[Notification]:
    waiting = _unread_with_key(people, dedupe_key) if dedupe_key else set()
    by_language: dict[str, tuple[str, str]] = {}
    rows = []
    for user in people:
        if user.pk in waiting:
            continue
        language = user.preferred_language
        if language not in by_language:
            with translation.override(language):
                by_language[language] = (_one_line(str(title), 200), str(body))
        rendered_title, rendered_body = by_language[language]
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=rendered_title,
                body=rendered_body,
                url=url,
                dedupe_key=dedupe_key,
            )
        )
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        # Another notify with the same dedupe_key committed between our check and insert.
        pass
    created = []
    for row in rows:
        row.pk, row._state.adding = None, True
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            if dedupe_key and _unread_with_key([row.recipient], dedupe_key):
                continue
            raise
        created.append(row)
    return created


def _unread_with_key(people: list[User], dedupe_key: str) -> set[int]:
    """Ids of the people who have an unread item with ``dedupe_key`` already."""
    return set(
        Notification.objects.filter(
            recipient__in=people, dedupe_key=dedupe_key, read_at__isnull=True
        ).values_list("recipient_id", flat=True)
    )


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plan_pushes(
    created: list[Notification], kind: Kind, push_to: Collection[int] | None
) -> list[Push]:
    woken = [n for n in created if push_to is None or n.recipient_id in push_to]
    if not woken:
        return []
    preferences = ChannelPreference.objects.in_bulk(
        [n.recipient_id for n in woken], field_name="user_id"
    )
    pushes = [
        Push(notification=n, channel=channel)
        for n in woken
        if n.recipient_id in preferences
        for channel in preferences[n.recipient_id].channels_for(kind)
    ]
    Push.objects.bulk_create(pushes)
    for push in pushes:
        _enqueue_after_commit(push)
    return pushes


def _enqueue_after_commit(push: Push, *, delay: timedelta | None = None) -> None:
    job = tasks.push_notification
    if delay is not None:
        job = job.using(run_after=clock.now() + delay)
    # robust: a broker that is down must not turn a committed notify into an error; the
    # push stays pending in the database and says so.
    transaction.on_commit(
        partial(job.enqueue, notification_id=push.notification_id, channel=push.channel),
        robust=True,
    )


def send_push(*, notification_id: int, channel: str) -> Push | None:
    """Carry one notification by one channel and record how it went.

    Returns None when the push is not waiting (already sent, or taken by another worker).
    Not one transaction: the push is claimed and committed first, so a worker that gets the
    task twice (a broker redelivery) sends once, and the network call holds no transaction.
    """
    claimed = Push.objects.filter(
        notification_id=notification_id,
        channel=channel,
        state__in=[Push.State.PENDING, Push.State.RETRYING],
    ).update(state=Push.State.SENDING, attempts=F("attempts") + 1, updated_at=clock.now())
    if not claimed:
        return None
    push = Push.objects.select_related("notification__recipient").get(
        notification_id=notification_id, channel=channel
    )
    notification = push.notification
    recipient = notification.recipient
    preference = ChannelPreference.objects.filter(user=recipient).first()
    # Read in the inbox already, or the member turned this channel off since: a push
    # (perhaps a retry minutes later) would only wake them for nothing.
    if notification.read_at is not None or (
        preference is None or channel not in preference.channels_for(notification.kind)
    ):
        _finish(push, Push.State.CANCELLED)
        return push
    try:
        address = _address(channel, recipient, preference)
        with translation.override(recipient.preferred_language):
            message = _message(notification)
        get_channel(channel).send(message=message, address=address)
    except ChannelUnavailable as error:
        _retry_or_give_up(push, error)
    except RecipientUnreachable as error:
        _finish(push, Push.State.UNREACHABLE, error.reason, error.detail)
    except ChannelError as error:
        _finish(push, Push.State.FAILED, error.reason, error.detail)
    except Exception as error:
        _finish(push, Push.State.FAILED, Reason.INTERNAL, type(error).__name__)
        raise
    else:
        _finish(push, Push.State.SENT)
    return push


def _address(channel: str, recipient: User, preference: ChannelPreference) -> str:
    if channel == Channel.EMAIL:
        if not recipient.email:
            raise RecipientUnreachable(Reason.NO_EMAIL)
        return recipient.email
    if channel == Channel.TELEGRAM:
        if not preference.telegram_chat_id:
            raise RecipientUnreachable(Reason.NO_CHAT_ID)
        return preference.telegram_chat_id
    raise ChannelError(Reason.MISCONFIGURED, f"no address for channel {channel!r}")


def _message(notification: Notification) -> Message:
    parts = [notification.body.strip()]
    if notification.url:
        link = getattr(settings, "ITCELL_SITE_URL", "").rstrip("/") + notification.url
        parts.append(gettext("Open in itcell: %(link)s") % {"link": link})
    return Message(title=notification.title, text="\n\n".join(p for p in parts if p))


def retry_delay(*, attempts: int, retry_after: float | None) -> timedelta | None:
    """How long to wait before attempt ``attempts + 1``; None to give up. The service's own
    ``retry_after`` wins; otherwise 1, 2, 4, 8 minutes."""
    if attempts >= MAX_ATTEMPTS:
        return None
    if retry_after is not None:
        return timedelta(seconds=max(retry_after, 1))
    return timedelta(minutes=2 ** (attempts - 1))


def _retry_or_give_up(push: Push, error: ChannelUnavailable) -> None:
    delay = retry_delay(attempts=push.attempts, retry_after=error.retry_after)
    if delay is None or not tasks.push_notification.get_backend().supports_defer:
        _finish(push, Push.State.FAILED, error.reason, error.detail)
        return
    with transaction.atomic():
        _finish(push, Push.State.RETRYING, error.reason, error.detail, next_at=clock.now() + delay)
        _enqueue_after_commit(push, delay=delay)


_PUSH_ACTIONS: dict[str, str] = {
    Push.State.SENT: "notification.pushed",
    Push.State.CANCELLED: "notification.push_cancelled",
    Push.State.RETRYING: "notification.push_retrying",
}


@transaction.atomic
def _finish(
    push: Push,
    state: str,
    reason: str = "",
    detail: str = "",
    *,
    next_at: datetime | None = None,
) -> None:
    push.state, push.reason, push.detail = state, reason, detail[:300]
    push.next_attempt_at = next_at
    push.updated_at = clock.now()
    push.save(update_fields=["state", "reason", "detail", "next_attempt_at", "updated_at"])
    record(
        actor=None,
        action=_PUSH_ACTIONS.get(state, "notification.push_failed"),
        obj=push,
        after={
            "state": state,
            "reason": reason,
            "detail": push.detail,
            "attempts": push.attempts,
            "next_attempt_at": next_at,
        },
    )


@transaction.atomic
def mark_read(
    *, user: User, notification_ids: Iterable[int], source_address: str | None = None
) -> int:
    """Mark the user's own unread items among ``notification_ids`` read; others' ids are
    ignored. Returns how many changed."""
    ids = list(
        Notification.objects.select_for_update()
        .filter(recipient=user, pk__in=list(notification_ids), read_at__isnull=True)
        .values_list("pk", flat=True)
    )
    return _mark(user=user, ids=ids, action="notification.read", source_address=source_address)


@transaction.atomic
def mark_all_read(*, user: User, source_address: str | None = None) -> int:
    ids = list(
        Notification.objects.select_for_update()
        .filter(recipient=user, read_at__isnull=True)
        .values_list("pk", flat=True)
    )
    return _mark(user=user, ids=ids, action="notification.all_read", source_address=source_address)


def _mark(*, user: User, ids: list[int], action: str, source_address: str | None) -> int:
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids).update(read_at=clock.now())
    record(
        actor=user,
        action=action,
        object_type=Notification._meta.label_lower,
        object_id=str(ids[0]) if len(ids) == 1 else "",
        object_repr=f"{len(ids)} notification(s) of {user.get_username()}",
        after={"ids": sorted(ids)},
        source_address=source_address,
    )
    return len(ids)


@transaction.atomic
def set_preferences(
    *,
    user: User,
    email_enabled: bool,
    email_kinds: Iterable[str],
    telegram_enabled: bool,
    telegram_chat_id: str,
    telegram_kinds: Iterable[str],
    source_address: str | None = None,
) -> ChannelPreference:
    """Choose how ``user`` is reached beyond the inbox. All or nothing: a refused choice
    raises InvalidInput (each Problem names its field) and nothing is saved."""
    telegram_chat_id = telegram_chat_id.strip()
    email_kinds, telegram_kinds = _kinds(email_kinds), _kinds(telegram_kinds)
    problems = []
    if email_enabled and not user.email:
        problems.append(
            Problem(
                gettext(
                    "Your account has no email address. Ask an administrator to add one, "
                    "then turn email on."
                ),
                field="email_enabled",
            )
        )
    if telegram_enabled and not telegram_chat_id:
        problems.append(
            Problem(
                gettext("Enter your Telegram chat ID to turn Telegram on."),
                field="telegram_chat_id",
            )
        )
    elif telegram_chat_id and not TELEGRAM_CHAT_ID.fullmatch(telegram_chat_id):
        problems.append(
            Problem(
                gettext("A Telegram chat ID is a number, such as 123456789."),
                field="telegram_chat_id",
            )
        )
    for field, kinds in (("email_kinds", email_kinds), ("telegram_kinds", telegram_kinds)):
        unknown = sorted(set(kinds) - set(Kind.values))
        if unknown:
            problems.append(
                Problem(
                    gettext("Unknown kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)},
                    field=field,
                )
            )
    if problems:
        raise InvalidInput(problems)

    preference, _ = ChannelPreference.objects.select_for_update().get_or_create(user=user)
    after = {
        "email_enabled": email_enabled,
        "email_kinds": email_kinds,
        "telegram_enabled": telegram_enabled,
        "telegram_chat_id": telegram_chat_id,
        "telegram_kinds": telegram_kinds,
    }
    before = {name: getattr(preference, name) for name in after}
    if before == after:
        return preference
    for name, value in after.items():
        setattr(preference, name, value)
    preference.updated_at = clock.now()
    preference.save()
    record(
        actor=user,
        action="notification.preferences_changed",
        obj=preference,
        before=before,
        after=after,
        source_address=source_address,
    )
    return preference


def _kinds(kinds: Iterable[str]) -> list[str]:
    """In the order of ``Kind``, so the same choice always reads the same."""
    chosen = set(kinds)
    return [k for k in Kind.values if k in chosen] + sorted(chosen - set(Kind.values))
