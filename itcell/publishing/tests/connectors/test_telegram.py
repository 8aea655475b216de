"""TelegramConnector against a local server that answers as the Bot API does
(https://core.telegram.org/bots/api#making-requests)."""

import base64
import json
import socket
import threading
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from itcell.publishing.connectors.base import Account, Medium, Outgoing, Published
from itcell.publishing.connectors.telegram import TelegramConnector
from itcell.publishing.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Reason,
    Rejected,
    Unavailable,
)

# A real 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
CHANNEL = {
    "id": -1001234567890,
    "title": "IT Cell Bihar",
    "username": "itcellbihar",
    "type": "channel",
}
TEXT = "Vote on 6 November"


def message(message_id: int, chat: dict[str, object] = CHANNEL) -> dict[str, object]:
    return {"message_id": message_id, "sender_chat": chat, "chat": chat, "date": 1793707200}


def ok(result: object) -> dict[str, object]:
    return {"ok": True, "result": result}


def refused(status: int, description: str, **parameters: int) -> Response:
    body: dict[str, object] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Response(json.dumps(body), status=status, content_type="application/json")


def method(name: str) -> str:
    return f"/bot{TOKEN}/{name}"


def outgoing(*media: Medium) -> Outgoing:
    return Outgoing(text=TEXT, idempotency_key="delivery-7", media=media)


def requests(httpserver: HTTPServer) -> list[Request]:
    return [request for request, _ in httpserver.log]


@pytest.fixture(autouse=True)
def _no_stray_requests(httpserver: HTTPServer):  # type: ignore[no-untyped-def]
    yield
    httpserver.check_assertions()  # a request no handler expected fails the test


@pytest.fixture
def account(httpserver: HTTPServer) -> Account:
    return Account(
        handle="@itcellbihar", api_url=httpserver.url_for("/"), credentials={"bot_token": TOKEN}
    )


@pytest.fixture
def poster(tmp_path: Path) -> Medium:
    path = tmp_path / "poster.png"
    path.write_bytes(PNG)
    return Medium(path=path, content_type="image/png", size=len(PNG), alt_text="a poster")


@pytest.fixture
def rally(tmp_path: Path) -> Medium:
    path = tmp_path / "rally.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    return Medium(path=path, content_type="video/mp4", size=12)


@pytest.fixture
def hanging():  # type: ignore[no-untyped-def]
    """A handler that answers only once the test is over, long after the connector's timeout.
    (The server is single-threaded: released at teardown, it is free for the next test.)"""
    released = threading.Event()

    def handler_for(answer: dict[str, object]):  # type: ignore[no-untyped-def]
        def handler(request: Request) -> Response:
            released.wait(timeout=5)
            return Response(json.dumps(answer), status=200, content_type="application/json")

        return handler

    yield handler_for
    released.set()


def test_bot_api_has_no_idempotency_no_look_up_and_no_metrics():
    connector = TelegramConnector()

    assert (connector.idempotent_publish, connector.can_find) == (False, False)
    assert (connector.supports_delete, connector.supports_metrics) == (True, False)


def test_text_post_is_sent_with_send_message(httpserver, account):
    httpserver.expect_request(method("sendMessage"), method="POST").respond_with_json(
        ok(message(42))
    )

    published = TelegramConnector().publish(account=account, outgoing=outgoing())

    assert published == Published("42", "https://t.me/itcellbihar/42")
    [request] = requests(httpserver)
    assert request.get_json() == {"chat_id": "@itcellbihar", "text": TEXT}


def test_chat_id_option_overrides_the_handle_and_private_channels_get_member_links(
    httpserver, account
):
    private = {"id": -1001234567890, "title": "IT Cell volunteers", "type": "channel"}
    httpserver.expect_request(method("sendMessage"), method="POST").respond_with_json(
        ok(message(42, private))
    )
    account = Account(
        handle="IT Cell volunteers",
        api_url=account.api_url,
        credentials={"bot_token": TOKEN},
        options={"chat_id": "-1001234567890"},
    )

    published = TelegramConnector().publish(account=account, outgoing=outgoing())

    assert published == Published("42", "https://t.me/c/1234567890/42")
    assert requests(httpserver)[0].get_json()["chat_id"] == "-1001234567890"


def test_one_photo_is_sent_with_send_photo_and_the_text_as_caption(httpserver, account, poster):
    httpserver.expect_request(method("sendPhoto"), method="POST").respond_with_json(ok(message(42)))

    published = TelegramConnector().publish(account=account, outgoing=outgoing(poster))

    assert published == Published("42", "https://t.me/itcellbihar/42")
    [request] = requests(httpserver)
    assert request.form.to_dict() == {"chat_id": "@itcellbihar", "caption": TEXT}
    assert request.files["photo"].read() == PNG
    assert request.files["photo"].mimetype == "image/png"


def test_one_video_is_sent_with_send_video(httpserver, account, rally):
    httpserver.expect_request(method("sendVideo"), method="POST").respond_with_json(ok(message(42)))

    TelegramConnector().publish(account=account, outgoing=outgoing(rally))

    [request] = requests(httpserver)
    assert request.form["caption"] == TEXT
    assert request.files["video"].read() == b"\x00\x00\x00\x18ftypmp42"


def test_several_media_go_as_one_album_with_the_caption_on_the_first(
    httpserver, account, poster, rally
):
    httpserver.expect_request(method("sendMediaGroup"), method="POST").respond_with_json(
        ok([message(42), message(43)])
    )

    published = TelegramConnector().publish(account=account, outgoing=outgoing(poster, rally))

    assert published == Published("42,43", "https://t.me/itcellbihar/42")
    [request] = requests(httpserver)
    assert request.form["chat_id"] == "@itcellbihar"
    assert json.loads(request.form["media"]) == [
        {"type": "photo", "media": "attach://file0", "caption": TEXT},
        {"type": "video", "media": "attach://file1"},
    ]
    assert request.files["file0"].read() == PNG
    assert request.files["file1"].read() == b"\x00\x00\x00\x18ftypmp42"


def test_rate_limit_waits_the_seconds_telegram_asks_for(httpserver, account):
    httpserver.expect_request(method("sendMessage"), method="POST").respond_with_response(
        refused(429, "Too Many Requests: retry after 35", retry_after=35)
    )

    with pytest.raises(RateLimited) as caught:
        TelegramConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.retry_after == 35.0
    assert caught.value.detail == "Too Many Requests: retry after 35"


@pytest.mark.parametrize(
    "answer",
    [
        refused(500, "Internal Server Error"),
        Response("<html><h1>502 Bad Gateway</h1></html>", status=502, content_type="text/html"),
    ],
)
def test_server_error_is_unavailable(httpserver, account, answer):
    httpserver.expect_request(method("sendMessage"), method="POST").respond_with_response(answer)

    with pytest.raises(Unavailable) as caught:
        TelegramConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.SERVER_ERROR


def test_revoked_bot_token_is_auth_expired(httpserver, account):
    httpserver.expect_request(method("sendMessage"), method="POST").respond_with_response(
        refused(401, "Unauthorized")
    )

    with pytest.raises(AuthExpired) as caught:
        TelegramConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.detail == "Unauthorized"


@pytest.mark.parametrize(
    "description",
    [
        "Forbidden: bot is not a member of the channel chat",
        "Forbidden: bot was kicked from the channel chat",
    ],
)
def test_bot_removed_from_the_channel_is_auth_expired(httpserver, account, description):
    httpserver.expect_request(method("sendMessage"), method="POST").respond_with_response(
        refused(403, description)
    )

    with pytest.raises(AuthExpired) as caught:
        TelegramConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.detail == description


def test_bot_without_posting_rights_is_auth_expired(httpserver, account):
    httpserver.expect_request(method("sendMessage"), method="POST").respond_with_response(
        refused(400, "Bad Request: need administrator rights in the channel chat")
    )

    with pytest.raises(AuthExpired):
        TelegramConnector().publish(account=account, outgoing=outgoing())


def test_bad_request_is_rejected_with_telegrams_description(httpserver, account, poster):
    httpserver.expect_request(method("sendPhoto"), method="POST").respond_with_response(
        refused(400, "Bad Request: message caption is too long")
    )

    with pytest.raises(Rejected) as caught:
        TelegramConnector().publish(account=account, outgoing=outgoing(poster))

    assert caught.value.reason == Reason.REJECTED
    assert caught.value.detail == "Bad Request: message caption is too long"


def test_unknown_chat_is_not_found(httpserver, account):
    httpserver.expect_request(method("sendMessage"), method="POST").respond_with_response(
        refused(400, "Bad Request: chat not found")
    )

    with pytest.raises(Rejected) as caught:
        TelegramConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.NOT_FOUND


def test_timeout_while_sending_is_outcome_unknown(httpserver, account, hanging):
    httpserver.expect_request(method("sendMessage"), method="POST").respond_with_handler(
        hanging(ok(message(42)))
    )

    with pytest.raises(OutcomeUnknown) as caught:
        TelegramConnector(timeout=0.2).publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.TIMEOUT


def test_timeout_while_uploading_a_photo_is_outcome_unknown_as_the_upload_is_the_post(
    httpserver, account, poster, hanging
):
    httpserver.expect_request(method("sendPhoto"), method="POST").respond_with_handler(
        hanging(ok(message(42)))
    )

    with pytest.raises(OutcomeUnknown) as caught:
        TelegramConnector(timeout=0.2).publish(account=account, outgoing=outgoing(poster))

    assert caught.value.reason == Reason.TIMEOUT


def test_unreadable_answer_is_outcome_unknown(httpserver, account):
    httpserver.expect_request(method("sendMessage"), method="POST").respond_with_data(
        "<html>ok</html>", status=200, content_type="text/html"
    )

    with pytest.raises(OutcomeUnknown) as caught:
        TelegramConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.BAD_ANSWER


def test_refused_connection_is_unreachable_and_the_error_carries_no_bot_token():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    account = Account(
        handle="@itcellbihar", api_url=f"http://127.0.0.1:{port}", credentials={"bot_token": TOKEN}
    )

    with pytest.raises(Unavailable) as caught:
        TelegramConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.UNREACHABLE
    # The httpx error holds the request, and its URL the token.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    assert TOKEN not in str(caught.value)


def test_delete_removes_the_message(httpserver, account):
    httpserver.expect_request(method("deleteMessage"), method="POST").respond_with_json(ok(True))

    TelegramConnector().delete(account=account, remote_id="42")

    [request] = requests(httpserver)
    assert request.get_json() == {"chat_id": "@itcellbihar", "message_id": 42}


def test_delete_of_an_album_removes_every_message(httpserver, account):
    httpserver.expect_request(method("deleteMessages"), method="POST").respond_with_json(ok(True))

    TelegramConnector().delete(account=account, remote_id="42,43")

    [request] = requests(httpserver)
    assert request.get_json() == {"chat_id": "@itcellbihar", "message_ids": [42, 43]}


def test_message_that_can_no_longer_be_deleted_is_rejected_with_the_description(
    httpserver, account
):
    httpserver.expect_request(method("deleteMessage"), method="POST").respond_with_response(
        refused(400, "Bad Request: message can't be deleted")
    )

    with pytest.raises(Rejected) as caught:
        TelegramConnector().delete(account=account, remote_id="42")

    assert caught.value.reason == Reason.REJECTED
    assert caught.value.detail == "Bad Request: message can't be deleted"


def test_verify_names_the_channel_the_bot_may_post_to(httpserver, account):
    bot = {"id": 123456, "is_bot": True, "first_name": "IT Cell", "username": "itcell_bot"}
    httpserver.expect_request(method("getMe"), method="POST").respond_with_json(ok(bot))
    httpserver.expect_request(method("getChat"), method="POST").respond_with_json(ok(CHANNEL))
    httpserver.expect_request(
        method("getChatMember"),
        method="POST",
        json={"chat_id": "@itcellbihar", "user_id": 123456},
    ).respond_with_json(ok({"status": "administrator", "user": bot, "can_post_messages": True}))

    assert TelegramConnector().verify(account=account) == "IT Cell Bihar"


def test_verify_fails_when_the_bot_may_not_post_in_the_channel(httpserver, account):
    bot = {"id": 123456, "is_bot": True, "first_name": "IT Cell", "username": "itcell_bot"}
    httpserver.expect_request(method("getMe"), method="POST").respond_with_json(ok(bot))
    httpserver.expect_request(method("getChat"), method="POST").respond_with_json(ok(CHANNEL))
    httpserver.expect_request(method("getChatMember"), method="POST").respond_with_json(
        ok({"status": "left", "user": bot})
    )

    with pytest.raises(AuthExpired) as caught:
        TelegramConnector().verify(account=account)

    assert "@itcell_bot" in caught.value.detail
