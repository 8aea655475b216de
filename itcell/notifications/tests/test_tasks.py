"""Pushes end to end: notify, the push task after commit, the channel, and what the member
then reads in the inbox. Telegram is a local server answering as the Bot API documents."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.tasks import TaskResultStatus
from werkzeug import Request, Response

from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.notifications.models import Kind, Notification, Push
from itcell.notifications.services import mark_read, notify
from itcell.notifications.tasks import push_notification

from .conftest import send_message_path

T0 = datetime(2020, 10, 26, 12, 30, tzinfo=UTC)  # 18:00 IST
SENT = {"ok": True, "result": {"message_id": 7, "chat": {"id": 111, "type": "private"}, "date": 0}}
GAVE_UP = "It was not tried again; everything is here in your inbox."


def alert(recipient, **kwargs) -> Notification:  # type: ignore[no-untyped-def]
    (notification,) = notify(
        recipients=[recipient], kind=Kind.ALERT, title="Fake video in AC 52", **kwargs
    )
    return notification


def push_of(notification: Notification, channel: str = "telegram") -> Push:
    return Push.objects.get(notification=notification, channel=channel)


def slow(request: Request) -> Response:
    time.sleep(0.8)
    return Response(json.dumps(SENT), content_type="application/json")


SCENARIOS = {
    "sent": (
        lambda s: s.respond_with_json(SENT),
        Push.State.SENT,
        "",
        "",
    ),
    "blocked": (
        lambda s: s.respond_with_json(
            {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            },
            status=403,
        ),
        Push.State.UNREACHABLE,
        "blocked",
        "Telegram could not reach you: bot was blocked. Unblock the cell's bot in Telegram, "
        "or turn Telegram off in your preferences.",
    ),
    "chat not found": (
        lambda s: s.respond_with_json(
            {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
            status=400,
        ),
        Push.State.UNREACHABLE,
        "chat_not_found",
        "Telegram could not reach you: the chat ID was not found. "
        "Check the chat ID in your preferences.",
    ),
    "rate limited": (
        lambda s: s.respond_with_json(
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 30",
                "parameters": {"retry_after": 30},
            },
            status=429,
        ),
        Push.State.FAILED,
        "rate_limited",
        "Telegram could not deliver this: it asked the cell to send fewer messages for a "
        f"while. {GAVE_UP}",
    ),
    "server error": (
        lambda s: s.respond_with_data("Internal Server Error", status=500),
        Push.State.FAILED,
        "service_error",
        f"Telegram could not deliver this: it had an error on its side. {GAVE_UP}",
    ),
    "malformed json": (
        lambda s: s.respond_with_data('{"ok": true, "result": {', content_type="application/json"),
        Push.State.FAILED,
        "bad_answer",
        f"Telegram could not deliver this: it sent an answer itcell could not read. {GAVE_UP}",
    ),
    "timeout": (
        lambda s: s.respond_with_handler(slow),
        Push.State.FAILED,
        "timeout",
        f"Telegram could not deliver this: it did not answer in time. {GAVE_UP}",
    ),
    "revoked token": (
        lambda s: s.respond_with_json(
            {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
        ),
        Push.State.FAILED,
        "misconfigured",
        "Telegram could not deliver this: the channel is not set up correctly. "
        "Tell an administrator.",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", SCENARIOS, ids=list(SCENARIOS))
def test_each_telegram_answer_ends_in_a_stated_state_the_member_can_read(  # type: ignore[no-untyped-def]
    scenario, member, telegram, tasks_inline, django_capture_on_commit_callbacks
) -> None:
    respond, state, reason, notice = SCENARIOS[scenario]
    respond(telegram.expect_request(send_message_path(), method="POST"))
    asha = member("asha", telegram="111")

    with django_capture_on_commit_callbacks(execute=True):
        notification = alert(asha)

    push = push_of(notification)
    assert (push.state, push.reason, push.attempts) == (state, reason, 1)
    assert push.notice == notice
    notification.refresh_from_db()
    assert notification.read_at is None  # the inbox has it whatever the push did


@pytest.mark.django_db
def test_the_telegram_message_carries_title_body_and_link(  # type: ignore[no-untyped-def]
    member, telegram, tasks_inline, settings, django_capture_on_commit_callbacks
) -> None:
    settings.ITCELL_SITE_URL = "https://itcell.example/"
    telegram.expect_request(
        send_message_path(),
        method="POST",
        json={
            "chat_id": "111",
            "text": "Fake video in AC 52\n\nSeen 40 times in an hour.\n\n"
            "Open in itcell: https://itcell.example/e/bihar-2020/acs/52/",
        },
    ).respond_with_json(SENT)
    asha = member("asha", telegram="111")

    with django_capture_on_commit_callbacks(execute=True):
        notification = alert(asha, body="Seen 40 times in an hour.", url="/e/bihar-2020/acs/52/")

    telegram.check_assertions()
    assert push_of(notification).state == Push.State.SENT


@pytest.mark.django_db
def test_email_goes_to_the_members_address(  # type: ignore[no-untyped-def]
    member, tasks_inline, mailoutbox, django_capture_on_commit_callbacks, settings
) -> None:
    settings.ITCELL_SITE_URL = "https://itcell.example.org/"
    asha = member("asha", email="asha@cell.example")

    with django_capture_on_commit_callbacks(execute=True):
        notification = alert(asha, body="Seen 40 times.", url="/e/bihar-2020/")

    (sent,) = mailoutbox
    assert sent.to == ["asha@cell.example"]
    assert sent.subject == "Fake video in AC 52"
    assert sent.body == "Seen 40 times.\n\nOpen in itcell: https://itcell.example.org/e/bihar-2020/"
    assert push_of(notification, "email").state == Push.State.SENT
    assert AuditEvent.objects.filter(action="notification.pushed").count() == 1


@pytest.mark.django_db
def test_email_after_the_address_was_removed_tells_the_member(  # type: ignore[no-untyped-def]
    member, tasks_inline, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    asha = member("asha", email="asha@cell.example")
    asha.email = ""
    asha.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        notification = alert(asha)

    assert mailoutbox == []
    push = push_of(notification, "email")
    assert push.state == Push.State.UNREACHABLE
    assert push.notice == (
        "Email could not reach you: your account has no email address. "
        "Ask an administrator to add your email address."
    )


@pytest.mark.django_db
def test_a_busy_channel_is_retried_when_it_asks_if_the_backend_can_defer(  # type: ignore[no-untyped-def]
    member, telegram, tasks_deferred, django_capture_on_commit_callbacks
) -> None:
    telegram.expect_request(send_message_path()).respond_with_json(
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 30",
            "parameters": {"retry_after": 30},
        },
        status=429,
    )
    asha = member("asha", telegram="111")
    with clock.frozen(T0):
        with django_capture_on_commit_callbacks(execute=True):
            notification = alert(asha)
        (first,) = tasks_deferred.results

        with django_capture_on_commit_callbacks(execute=True):
            state = push_notification.call(**first.kwargs)

    push = push_of(notification)
    assert (state, push.state, push.attempts) == ("retrying", Push.State.RETRYING, 1)
    assert push.next_attempt_at == T0 + timedelta(seconds=30)
    assert push.notice == (
        "Telegram could not deliver this yet: it asked the cell to send fewer messages for a "
        "while. It will try again at 18:00 IST."
    )
    retry = tasks_deferred.results[-1]
    assert retry.task.run_after == T0 + timedelta(seconds=30)
    assert retry.kwargs == {"notification_id": notification.pk, "channel": "telegram"}


@pytest.mark.django_db
def test_the_retry_that_succeeds_clears_the_notice(  # type: ignore[no-untyped-def]
    member, telegram, tasks_deferred, django_capture_on_commit_callbacks
) -> None:
    telegram.expect_ordered_request(send_message_path()).respond_with_data("", status=502)
    telegram.expect_ordered_request(send_message_path()).respond_with_json(SENT)
    asha = member("asha", telegram="111")
    with django_capture_on_commit_callbacks(execute=True):
        notification = alert(asha)

    with django_capture_on_commit_callbacks(execute=True):
        first = push_notification.call(notification_id=notification.pk, channel="telegram")
    second = push_notification.call(notification_id=notification.pk, channel="telegram")

    push = push_of(notification)
    assert (first, second) == ("retrying", "sent")
    assert (push.state, push.attempts, push.reason, push.notice) == (Push.State.SENT, 2, "", "")


@pytest.mark.django_db
def test_after_the_last_attempt_the_push_gives_up(  # type: ignore[no-untyped-def]
    member, telegram, tasks_deferred
) -> None:
    telegram.expect_request(send_message_path()).respond_with_data("", status=503)
    asha = member("asha", telegram="111")
    notification = alert(asha)
    Push.objects.filter(notification=notification).update(attempts=4)

    push_notification.call(notification_id=notification.pk, channel="telegram")

    push = push_of(notification)
    assert (push.state, push.attempts, push.reason) == (Push.State.FAILED, 5, "service_error")


@pytest.mark.django_db
def test_a_task_delivered_twice_sends_once(member, outbox, tasks_deferred) -> None:  # type: ignore[no-untyped-def]
    notification = alert(member("asha", telegram="111"))

    states = [
        push_notification.call(notification_id=notification.pk, channel="telegram")
        for _ in range(2)
    ]

    assert states == ["sent", "skipped"]
    assert len(outbox) == 1


@pytest.mark.django_db
def test_nothing_is_pushed_for_an_item_read_in_the_meantime(member, outbox, tasks_deferred) -> None:  # type: ignore[no-untyped-def]
    asha = member("asha", telegram="111")
    notification = alert(asha)
    mark_read(user=asha, notification_ids=[notification.pk])

    state = push_notification.call(notification_id=notification.pk, channel="telegram")

    assert state == "cancelled"
    assert outbox == []
    assert push_of(notification).notice == ""


@pytest.mark.django_db
def test_nothing_is_pushed_on_a_channel_turned_off_in_the_meantime(
    member, outbox, tasks_deferred
) -> None:  # type: ignore[no-untyped-def]
    from itcell.notifications.services import set_preferences

    asha = member("asha", telegram="111")
    notification = alert(asha)
    set_preferences(
        user=asha,
        email_enabled=False,
        email_kinds=[],
        telegram_enabled=False,
        telegram_chat_id="111",
        telegram_kinds=[],
    )

    assert (
        push_notification.call(notification_id=notification.pk, channel="telegram") == "cancelled"
    )
    assert outbox == []


@pytest.mark.django_db
def test_a_bug_in_a_channel_fails_the_push_visibly_and_the_task_loudly(  # type: ignore[no-untyped-def]
    member, outbox, tasks_inline, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    def broken(self, *, message, address):  # type: ignore[no-untyped-def]
        raise KeyError("oops")

    monkeypatch.setattr("itcell.notifications.channels.LocmemChannel.send", broken)
    asha = member("asha", telegram="111")
    results = []
    from django.tasks.signals import task_finished

    def keep(sender, task_result, **kwargs):  # type: ignore[no-untyped-def]
        results.append(task_result)

    task_finished.connect(keep)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notification = alert(asha)
    finally:
        task_finished.disconnect(keep)

    push = push_of(notification)
    assert (push.state, push.reason) == (Push.State.FAILED, "internal")
    assert push.notice.endswith("an error inside itcell. Tell an administrator.")
    (result,) = results
    assert result.status == TaskResultStatus.FAILED
