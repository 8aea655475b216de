"""The push channels against their edges: a local server that answers as the Telegram Bot API
documents, and Django's locmem email backend. No database."""

import json
import logging
import smtplib
import time

import pytest
from django.core import mail
from werkzeug import Request, Response

from itcell.notifications.channels import (
    EmailChannel,
    LocmemChannel,
    Message,
    TelegramChannel,
    get_channel,
    outbox,
)
from itcell.notifications.checks import notification_channels_configured
from itcell.notifications.errors import (
    ChannelError,
    ChannelUnavailable,
    Reason,
    RecipientUnreachable,
)

from .conftest import TOKEN, send_message_path

MESSAGE = Message(title="Roster gap: AC 52", text="Nobody holds the 18:00 shift.")
SENT = {
    "ok": True,
    "result": {
        "message_id": 7,
        "from": {"id": 42, "is_bot": True, "first_name": "itcell"},
        "chat": {"id": 111, "type": "private"},
        "date": 1603700000,
        "text": "Roster gap: AC 52",
    },
}
BLOCKED = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}


def bot(httpserver, *, timeout: float = 0.5) -> TelegramChannel:  # type: ignore[no-untyped-def]
    return TelegramChannel(token=TOKEN, base_url=httpserver.url_for(""), timeout=timeout)


def answer(httpserver, body: object, status: int = 200) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(send_message_path(), method="POST").respond_with_json(
        body, status=status
    )


def test_telegram_posts_chat_id_and_text_to_send_message(httpserver) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(
        send_message_path(),
        method="POST",
        json={"chat_id": "111", "text": "Roster gap: AC 52\n\nNobody holds the 18:00 shift."},
    ).respond_with_json(SENT)

    bot(httpserver).send(message=MESSAGE, address="111")

    httpserver.check_assertions()


def test_telegram_blocked_by_the_user_is_recipient_unreachable(httpserver) -> None:  # type: ignore[no-untyped-def]
    answer(httpserver, BLOCKED, status=403)

    with pytest.raises(RecipientUnreachable) as caught:
        bot(httpserver).send(message=MESSAGE, address="111")

    assert caught.value.reason == Reason.BLOCKED
    assert caught.value.detail == "Forbidden: bot was blocked by the user"


@pytest.mark.parametrize(
    ("description", "reason"),
    [
        ("Forbidden: user is deactivated", Reason.DEACTIVATED),
        ("Forbidden: bot can't initiate conversation with a user", Reason.NOT_STARTED),
        ("Forbidden: bot is not a member of the channel chat", Reason.FORBIDDEN),
    ],
)
def test_each_forbidden_answer_says_why(httpserver, description, reason) -> None:  # type: ignore[no-untyped-def]
    answer(httpserver, {"ok": False, "error_code": 403, "description": description}, 403)

    with pytest.raises(RecipientUnreachable) as caught:
        bot(httpserver).send(message=MESSAGE, address="111")

    assert caught.value.reason == reason


def test_unknown_chat_is_recipient_unreachable(httpserver) -> None:  # type: ignore[no-untyped-def]
    answer(
        httpserver,
        {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
        400,
    )

    with pytest.raises(RecipientUnreachable) as caught:
        bot(httpserver).send(message=MESSAGE, address="999")

    assert caught.value.reason == Reason.CHAT_NOT_FOUND


def test_too_many_requests_is_unavailable_with_retry_after(httpserver) -> None:  # type: ignore[no-untyped-def]
    answer(
        httpserver,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 30",
            "parameters": {"retry_after": 30},
        },
        429,
    )

    with pytest.raises(ChannelUnavailable) as caught:
        bot(httpserver).send(message=MESSAGE, address="111")

    assert caught.value.reason == Reason.RATE_LIMITED
    assert caught.value.retry_after == 30


def test_server_error_is_unavailable(httpserver) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(send_message_path()).respond_with_data(
        "<html>502 Bad Gateway</html>", status=502, content_type="text/html"
    )

    with pytest.raises(ChannelUnavailable) as caught:
        bot(httpserver).send(message=MESSAGE, address="111")

    assert caught.value.reason == Reason.SERVICE_ERROR
    assert caught.value.retry_after is None


def test_internal_error_in_the_api_body_is_unavailable(httpserver) -> None:  # type: ignore[no-untyped-def]
    answer(
        httpserver, {"ok": False, "error_code": 500, "description": "Internal Server Error"}, 500
    )

    with pytest.raises(ChannelUnavailable) as caught:
        bot(httpserver).send(message=MESSAGE, address="111")

    assert caught.value.reason == Reason.SERVICE_ERROR


@pytest.mark.parametrize("body", ['{"ok": tru', "[1, 2]", '{"result": {}}', "\xff\xfe"])
def test_an_answer_that_is_not_the_bot_api_is_unavailable(httpserver, body) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(send_message_path()).respond_with_data(
        body, content_type="application/json"
    )

    with pytest.raises(ChannelUnavailable) as caught:
        bot(httpserver).send(message=MESSAGE, address="111")

    assert caught.value.reason == Reason.BAD_ANSWER


def test_no_answer_within_the_timeout_is_unavailable(httpserver) -> None:  # type: ignore[no-untyped-def]
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response(json.dumps(SENT), content_type="application/json")

    httpserver.expect_request(send_message_path()).respond_with_handler(slow)

    started = time.monotonic()
    with pytest.raises(ChannelUnavailable) as caught:
        bot(httpserver, timeout=0.2).send(message=MESSAGE, address="111")

    assert caught.value.reason == Reason.TIMEOUT
    assert time.monotonic() - started < 0.55


def test_nobody_listening_is_unavailable_and_hides_the_token() -> None:
    channel = TelegramChannel(token=TOKEN, base_url="http://127.0.0.1:9", timeout=0.5)

    with pytest.raises(ChannelUnavailable) as caught:
        channel.send(message=MESSAGE, address="111")

    assert caught.value.reason == Reason.SERVICE_ERROR
    assert caught.value.__cause__ is None
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize(("status", "description"), [(401, "Unauthorized"), (404, "Not Found")])
def test_a_wrong_bot_token_is_a_misconfigured_channel(httpserver, status, description) -> None:  # type: ignore[no-untyped-def]
    answer(httpserver, {"ok": False, "error_code": status, "description": description}, status)

    with pytest.raises(ChannelError) as caught:
        bot(httpserver).send(message=MESSAGE, address="111")

    assert type(caught.value) is ChannelError
    assert caught.value.reason == Reason.MISCONFIGURED


def test_the_bot_token_never_reaches_the_log(httpserver, caplog) -> None:  # type: ignore[no-untyped-def]
    answer(httpserver, SENT)

    with caplog.at_level(logging.INFO, logger="httpx"):
        bot(httpserver).send(message=MESSAGE, address="111")

    # (The fake server's own access log, "werkzeug", shows the path: it is not ours.)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "httpx")
    assert "/bot<hidden>/sendMessage" in logged
    assert TOKEN not in logged


def test_telegram_without_a_token_refuses_before_calling(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ITCELL_TELEGRAM_BOT_TOKEN", raising=False)

    with pytest.raises(ChannelError) as caught:
        TelegramChannel().send(message=MESSAGE, address="111")

    assert caught.value.reason == Reason.MISCONFIGURED
    assert "ITCELL_TELEGRAM_BOT_TOKEN" in str(caught.value)


def test_telegram_reads_token_and_api_from_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ITCELL_TELEGRAM_BOT_TOKEN", "9:ENV")
    monkeypatch.setenv("ITCELL_TELEGRAM_API_URL", "http://bot-api.local:8081/")

    channel = TelegramChannel()

    assert (channel.token, channel.base_url) == ("9:ENV", "http://bot-api.local:8081")
    assert TelegramChannel(token="", base_url=None).base_url == "http://bot-api.local:8081"


def test_a_long_message_is_cut_to_telegrams_limit(httpserver) -> None:  # type: ignore[no-untyped-def]
    answer(httpserver, SENT)

    bot(httpserver).send(message=Message(title="t", text="x" * 5000), address="111")

    (request, _response) = httpserver.log[0]
    text = request.get_json()["text"]
    assert len(text) == TelegramChannel.max_length
    assert text.endswith("…")


def test_email_goes_through_djangos_email_backend() -> None:
    EmailChannel(from_email="cell@itcell.example").send(
        message=Message(title="Handover\nfrom Asha", text="Read the notes."), address="b@x.in"
    )

    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.to, sent.from_email) == (
        "Handover from Asha",
        "Read the notes.",
        ["b@x.in"],
        "cell@itcell.example",
    )


def test_email_without_an_address_is_recipient_unreachable() -> None:
    with pytest.raises(RecipientUnreachable) as caught:
        EmailChannel().send(message=MESSAGE, address="")

    assert caught.value.reason == Reason.NO_EMAIL


@pytest.mark.parametrize(
    ("raised", "expected", "reason"),
    [
        (
            smtplib.SMTPRecipientsRefused({"b@x.in": (550, b"no such user")}),
            RecipientUnreachable,
            Reason.ADDRESS_REFUSED,
        ),
        (smtplib.SMTPServerDisconnected("gone"), ChannelUnavailable, Reason.SERVICE_ERROR),
        (TimeoutError(), ChannelUnavailable, Reason.TIMEOUT),
        (ConnectionRefusedError(), ChannelUnavailable, Reason.SERVICE_ERROR),
        (smtplib.SMTPAuthenticationError(535, b"bad login"), ChannelError, Reason.MISCONFIGURED),
    ],
)
def test_mail_server_failures_are_typed(monkeypatch, raised, expected, reason) -> None:  # type: ignore[no-untyped-def]
    def fail(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr("itcell.notifications.channels.send_mail", fail)

    with pytest.raises(expected) as caught:
        EmailChannel().send(message=MESSAGE, address="b@x.in")

    assert type(caught.value) is expected
    assert caught.value.reason == reason


def test_channels_are_built_from_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ITCELL_NOTIFICATION_CHANNELS = {
        "telegram": {
            "BACKEND": "itcell.notifications.channels.LocmemChannel",
            "OPTIONS": {"name": "telegram"},
        }
    }
    outbox.clear()

    channel = get_channel("telegram")
    channel.send(message=MESSAGE, address="111")

    assert isinstance(channel, LocmemChannel)
    assert [(s.channel, s.address, s.message) for s in outbox] == [("telegram", "111", MESSAGE)]
    outbox.clear()


def test_a_channel_missing_from_settings_is_misconfigured(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ITCELL_NOTIFICATION_CHANNELS = {}

    with pytest.raises(ChannelError) as caught:
        get_channel("email")

    assert caught.value.reason == Reason.MISCONFIGURED


def test_defaults_pass_the_system_check() -> None:
    assert notification_channels_configured(None) == []


def test_system_check_names_a_channel_that_cannot_be_built(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ITCELL_NOTIFICATION_CHANNELS = {
        "email": {"BACKEND": "itcell.notifications.channels.EmailChannel"},
        "telegram": {
            "BACKEND": "itcell.notifications.channels.TelegramChannel",
            "OPTIONS": {"tokn": "x"},
        },
    }

    (error,) = notification_channels_configured(None)

    assert error.id == "notifications.E001"
    assert "'telegram'" in error.msg
