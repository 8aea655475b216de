"""MastodonConnector against a local server that answers as the Mastodon docs say
(https://docs.joinmastodon.org/methods/statuses/, /methods/media/, /entities/Error/)."""

import base64
import json
import socket
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from itcell.core import clock
from itcell.publishing.connectors.base import Account, Medium, Outgoing, Published
from itcell.publishing.connectors.mastodon import MastodonConnector
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
STATUS = {
    "id": "103254962155278888",
    "created_at": "2026-11-03T12:00:00.000Z",
    "visibility": "public",
    "uri": "https://mastodon.test/users/itcell/statuses/103254962155278888",
    "url": "https://mastodon.test/@itcell/103254962155278888",
    "replies_count": 7,
    "reblogs_count": 98,
    "favourites_count": 112,
    "content": "<p>Vote on 6 November</p>",
}


def media(media_id: str, *, processed: bool = True) -> dict[str, object]:
    url = f"https://files.mastodon.test/{media_id}.png" if processed else None
    return {"id": media_id, "type": "image", "url": url, "description": "a poster"}


@pytest.fixture(autouse=True)
def _no_stray_requests(httpserver: HTTPServer):  # type: ignore[no-untyped-def]
    yield
    httpserver.check_assertions()  # a request no handler expected fails the test


@pytest.fixture
def account(httpserver: HTTPServer) -> Account:
    return Account(
        handle="@itcell",
        api_url=httpserver.url_for("/"),
        credentials={"access_token": "token-1"},
    )


@pytest.fixture
def poster(tmp_path: Path) -> Medium:
    path = tmp_path / "poster.png"
    path.write_bytes(PNG)
    return Medium(path=path, content_type="image/png", size=len(PNG), alt_text="a poster")


def outgoing(*media: Medium) -> Outgoing:
    return Outgoing(text="Vote on 6 November", idempotency_key="delivery-7", media=media)


def requests(httpserver: HTTPServer) -> list[Request]:
    return [request for request, _ in httpserver.log]


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


def error(status: int, message: str, **headers: str) -> Response:
    return Response(
        json.dumps({"error": message}),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def test_text_post_is_published_with_our_idempotency_key(httpserver, account):
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_json(STATUS)

    published = MastodonConnector().publish(account=account, outgoing=outgoing())

    assert published == Published(STATUS["id"], STATUS["url"])
    [request] = requests(httpserver)
    assert request.headers["Authorization"] == "Bearer token-1"
    assert request.headers["Idempotency-Key"] == "delivery-7"
    assert request.form["status"] == "Vote on 6 November"
    assert request.form["visibility"] == "public"
    assert request.form.getlist("media_ids[]") == []


def test_media_are_uploaded_with_alt_text_and_attached_to_the_status(
    httpserver, account, poster, tmp_path
):
    second_path = tmp_path / "second.png"
    second_path.write_bytes(PNG)
    second = Medium(path=second_path, content_type="image/png", size=len(PNG))
    httpserver.expect_ordered_request("/api/v2/media", method="POST").respond_with_json(
        media("22348641")
    )
    httpserver.expect_ordered_request("/api/v2/media", method="POST").respond_with_json(
        media("22348642")
    )
    httpserver.expect_ordered_request("/api/v1/statuses", method="POST").respond_with_json(STATUS)

    MastodonConnector().publish(account=account, outgoing=outgoing(poster, second))

    first_upload, second_upload, status = requests(httpserver)
    assert first_upload.headers["Authorization"] == "Bearer token-1"
    assert first_upload.files["file"].read() == PNG
    assert first_upload.files["file"].filename == "poster.png"
    assert first_upload.files["file"].mimetype == "image/png"
    assert first_upload.form["description"] == "a poster"
    assert "description" not in second_upload.form
    assert status.form.getlist("media_ids[]") == ["22348641", "22348642"]
    assert status.headers["Idempotency-Key"] == "delivery-7"


def test_media_still_processing_is_polled_until_it_has_a_url(httpserver, account, poster):
    httpserver.expect_ordered_request("/api/v2/media", method="POST").respond_with_json(
        media("22348641", processed=False), status=202
    )
    httpserver.expect_ordered_request("/api/v1/media/22348641").respond_with_data("", status=206)
    httpserver.expect_ordered_request("/api/v1/media/22348641").respond_with_json(media("22348641"))
    httpserver.expect_ordered_request("/api/v1/statuses", method="POST").respond_with_json(STATUS)

    MastodonConnector(poll_every=0.01).publish(account=account, outgoing=outgoing(poster))

    paths = [request.path for request in requests(httpserver)]
    assert paths == [
        "/api/v2/media",
        "/api/v1/media/22348641",
        "/api/v1/media/22348641",
        "/api/v1/statuses",
    ]


def test_media_that_never_finishes_processing_is_unavailable_and_nothing_is_posted(
    httpserver, account, poster
):
    httpserver.expect_request("/api/v2/media", method="POST").respond_with_json(
        media("22348641", processed=False), status=202
    )
    httpserver.expect_request("/api/v1/media/22348641").respond_with_data("", status=206)

    connector = MastodonConnector(media_wait=0.05, poll_every=0.01)
    with pytest.raises(Unavailable) as caught:
        connector.publish(account=account, outgoing=outgoing(poster))

    assert caught.value.reason == Reason.TIMEOUT
    assert "/api/v1/statuses" not in [request.path for request in requests(httpserver)]


def test_channel_without_an_instance_address_is_misconfigured():
    account = Account(handle="@itcell", credentials={"access_token": "token-1"})

    with pytest.raises(Rejected) as caught:
        MastodonConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.MISCONFIGURED


def test_rate_limit_waits_until_the_reset_time(httpserver, account):
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_response(
        error(429, "Too many requests", **{"X-RateLimit-Reset": "2026-11-03T12:02:00.000000Z"})
    )

    with (
        clock.frozen(datetime(2026, 11, 3, 12, 0, tzinfo=UTC)),
        pytest.raises(RateLimited) as caught,
    ):
        MastodonConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.RATE_LIMITED
    assert caught.value.retry_after == 120.0


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_is_unavailable(httpserver, account, status):
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_response(
        error(status, "There was a temporary problem serving your request, please try again")
    )

    with pytest.raises(Unavailable) as caught:
        MastodonConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.SERVER_ERROR


def test_revoked_token_is_auth_expired(httpserver, account):
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_response(
        error(401, "The access token was revoked")
    )

    with pytest.raises(AuthExpired) as caught:
        MastodonConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.AUTH_EXPIRED
    assert caught.value.detail == "The access token was revoked"


def test_disabled_login_is_auth_expired(httpserver, account):
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_response(
        error(403, "Your login is currently disabled")
    )

    with pytest.raises(AuthExpired) as caught:
        MastodonConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.detail == "Your login is currently disabled"


def test_invalid_status_is_rejected_with_mastodons_words(httpserver, account):
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_response(
        error(422, "Validation failed: Text character limit of 500 exceeded")
    )

    with pytest.raises(Rejected) as caught:
        MastodonConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.REJECTED
    assert caught.value.detail == "Validation failed: Text character limit of 500 exceeded"


def test_refused_file_is_media_rejected(httpserver, account, poster):
    httpserver.expect_request("/api/v2/media", method="POST").respond_with_response(
        error(422, "Validation failed: File content type is invalid, File is invalid")
    )

    with pytest.raises(Rejected) as caught:
        MastodonConnector().publish(account=account, outgoing=outgoing(poster))

    assert caught.value.reason == Reason.MEDIA_REJECTED
    assert "File content type is invalid" in caught.value.detail


def test_timeout_while_posting_is_outcome_unknown(httpserver, account, hanging):
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_handler(
        hanging(STATUS)
    )

    with pytest.raises(OutcomeUnknown) as caught:
        MastodonConnector(timeout=0.2).publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.TIMEOUT


def test_timeout_while_uploading_media_is_unavailable(httpserver, account, poster, hanging):
    httpserver.expect_request("/api/v2/media", method="POST").respond_with_handler(
        hanging(media("22348641"))
    )

    with pytest.raises(Unavailable) as caught:
        MastodonConnector(timeout=0.2).publish(account=account, outgoing=outgoing(poster))

    assert caught.value.reason == Reason.TIMEOUT


def test_unreadable_answer_to_the_post_is_outcome_unknown(httpserver, account):
    httpserver.expect_request("/api/v1/statuses", method="POST").respond_with_data(
        "<html>Welcome</html>", status=200, content_type="text/html"
    )

    with pytest.raises(OutcomeUnknown) as caught:
        MastodonConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.BAD_ANSWER


def test_refused_connection_is_unreachable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    account = Account(
        handle="@itcell", api_url=f"http://127.0.0.1:{port}", credentials={"access_token": "t"}
    )

    with pytest.raises(Unavailable) as caught:
        MastodonConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.UNREACHABLE


def test_delete_removes_the_status(httpserver, account):
    httpserver.expect_request(
        f"/api/v1/statuses/{STATUS['id']}", method="DELETE"
    ).respond_with_json({**STATUS, "text": "Vote on 6 November"})

    MastodonConnector().delete(account=account, remote_id=STATUS["id"])

    [request] = requests(httpserver)
    assert request.headers["Authorization"] == "Bearer token-1"


def test_delete_of_a_missing_status_is_not_found(httpserver, account):
    httpserver.expect_request("/api/v1/statuses/1", method="DELETE").respond_with_response(
        error(404, "Record not found")
    )

    with pytest.raises(Rejected) as caught:
        MastodonConnector().delete(account=account, remote_id="1")

    assert caught.value.reason == Reason.NOT_FOUND


def test_metrics_count_favourites_reblogs_and_replies(httpserver, account):
    httpserver.expect_request(f"/api/v1/statuses/{STATUS['id']}").respond_with_json(STATUS)

    metrics = MastodonConnector().metrics(account=account, remote_id=STATUS["id"])

    assert (metrics.likes, metrics.shares, metrics.replies, metrics.views) == (112, 98, 7, None)


def test_verify_names_the_account(httpserver, account):
    httpserver.expect_request("/api/v1/accounts/verify_credentials").respond_with_json(
        {"id": "14715", "username": "itcell", "acct": "itcell", "display_name": "IT Cell"}
    )

    assert MastodonConnector().verify(account=account) == "@itcell"


def test_verify_with_a_revoked_token_is_auth_expired(httpserver, account):
    httpserver.expect_request("/api/v1/accounts/verify_credentials").respond_with_response(
        error(401, "The access token is invalid")
    )

    with pytest.raises(AuthExpired):
        MastodonConnector().verify(account=account)
