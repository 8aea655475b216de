"""The X connector against a local server that answers as the X API v2 does (bodies from
docs.x.com/x-api/fundamentals/response-codes-and-errors and the media upload reference)."""

import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from itcell.core import clock
from itcell.publishing.connectors import x as x_module
from itcell.publishing.connectors.base import Account, Medium, Metrics, Outgoing, Published
from itcell.publishing.connectors.x import XConnector
from itcell.publishing.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Reason,
    Rejected,
    Unavailable,
)

TOKEN = "VGhpcyBpcyBhIHVzZXIgdG9rZW4"
TWEET = "1880000000000000001"
MEDIA = "1880028106020515840"
TEXT = "Polling booths open at 7. Carry your EPIC card."


def png(tmp_path: Path, name: str = "booth.png", alt_text: str = "") -> Medium:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # one RGB pixel
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x12\x88\xff"))
        + chunk(b"IEND", b"")
    )
    path = tmp_path / name
    path.write_bytes(data)
    return Medium(path=path, content_type="image/png", size=len(data), alt_text=alt_text)


def problem(status: int, title: str, detail: str, kind: str = "about:blank", **extra: object):
    return {"title": title, "detail": detail, "type": kind, "status": status, **extra}


def account(httpserver: HTTPServer) -> Account:
    return Account(
        handle="@BiharForward",
        api_url=httpserver.url_for("/"),
        credentials={"access_token": TOKEN},
    )


def outgoing(*media: Medium) -> Outgoing:
    return Outgoing(text=TEXT, idempotency_key="d-77", media=media)


def created(tweet_id: str = TWEET) -> dict:
    return {"data": {"id": tweet_id, "text": TEXT, "edit_history_tweet_ids": [tweet_id]}}


@pytest.fixture
def connector() -> XConnector:
    return XConnector(timeout=2)


@pytest.fixture
def stalled_answer(httpserver: HTTPServer) -> Iterator[Callable[[Request], Response]]:
    """A handler that answers only after the test ends, so the client times out first."""
    release = threading.Event()

    def handler(request: Request) -> Response:
        release.wait(5)
        return Response(json.dumps(created()), content_type="application/json")

    logged = len(httpserver.log)
    yield handler
    release.set()
    # Let the server finish, or the late request would show up in the next test's log.
    deadline = time.monotonic() + 5
    while len(httpserver.log) <= logged and time.monotonic() < deadline:
        time.sleep(0.01)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_text_post_is_created_with_the_user_token(httpserver, connector):
    httpserver.expect_request("/2/tweets", method="POST").respond_with_json(created(), status=201)

    published = connector.publish(account=account(httpserver), outgoing=outgoing())

    assert published == Published(TWEET, f"https://x.com/BiharForward/status/{TWEET}")
    request = httpserver.log[0][0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.get_json() == {"text": TEXT}


def test_an_image_is_uploaded_described_and_attached_to_the_post(httpserver, connector, tmp_path):
    image = png(tmp_path, alt_text="Queue outside a polling booth")
    httpserver.expect_ordered_request("/2/media/upload", method="POST").respond_with_json(
        {"data": {"id": MEDIA, "media_key": f"3_{MEDIA}", "size": image.size}}
    )
    httpserver.expect_ordered_request("/2/media/metadata", method="POST").respond_with_json(
        {"data": {"id": MEDIA, "associated_metadata": {"alt_text": {"text": image.alt_text}}}}
    )
    httpserver.expect_ordered_request("/2/tweets", method="POST").respond_with_json(
        created(), status=201
    )

    published = connector.publish(account=account(httpserver), outgoing=outgoing(image))

    assert published.remote_id == TWEET
    upload, metadata, post = (request for request, _ in httpserver.log)
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in (upload, metadata, post))
    assert upload.form.to_dict() == {"media_category": "tweet_image"}
    assert upload.files["media"].mimetype == "image/png"
    assert upload.files["media"].read() == image.path.read_bytes()
    assert metadata.get_json() == {
        "id": MEDIA,
        "metadata": {"alt_text": {"text": "Queue outside a polling booth"}},
    }
    assert post.get_json() == {"text": TEXT, "media": {"media_ids": [MEDIA]}}


def test_a_video_goes_up_in_chunks_and_waits_for_processing(
    httpserver, connector, tmp_path, monkeypatch
):
    monkeypatch.setattr(x_module, "CHUNK_BYTES", 8)
    pauses: list[float] = []
    monkeypatch.setattr(x_module.time, "sleep", pauses.append)
    clip = tmp_path / "speech.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42isom")  # 16 bytes: two chunks
    video = Medium(path=clip, content_type="video/mp4", size=16)
    processing = {"state": "in_progress", "check_after_secs": 3, "progress_percent": 40}
    expect = httpserver.expect_ordered_request
    expect("/2/media/upload/initialize", method="POST").respond_with_json(
        {"data": {"id": MEDIA, "media_key": f"13_{MEDIA}", "expires_after_secs": 1295999}}
    )
    for _ in range(2):
        expect(f"/2/media/upload/{MEDIA}/append", method="POST").respond_with_json(
            {"data": {"expires_at": 1767225600}}
        )
    expect(f"/2/media/upload/{MEDIA}/finalize", method="POST").respond_with_json(
        {"data": {"id": MEDIA, "size": 16, "processing_info": processing}}
    )
    expect(
        "/2/media/upload", method="GET", query_string={"command": "STATUS", "media_id": MEDIA}
    ).respond_with_json({"data": {"id": MEDIA, "processing_info": {"state": "succeeded"}}})
    expect("/2/tweets", method="POST").respond_with_json(created(), status=201)

    connector.publish(account=account(httpserver), outgoing=outgoing(video))

    initialize, first, second, _finalize, _status, post = (r for r, _ in httpserver.log)
    assert initialize.get_json() == {
        "media_type": "video/mp4",
        "total_bytes": 16,
        "media_category": "tweet_video",
    }
    assert [first.form["segment_index"], second.form["segment_index"]] == ["0", "1"]
    assert first.files["media"].read() + second.files["media"].read() == clip.read_bytes()
    assert pauses == [3.0]
    assert post.get_json()["media"] == {"media_ids": [MEDIA]}


def test_a_video_x_cannot_process_is_refused_and_nothing_is_posted(httpserver, connector, tmp_path):
    clip = tmp_path / "broken.mp4"
    clip.write_bytes(b"not really a video")
    video = Medium(path=clip, content_type="video/mp4", size=18)
    failed = {"state": "failed", "error": {"code": 1, "message": "Unsupported video codec"}}
    httpserver.expect_request("/2/media/upload/initialize").respond_with_json(
        {"data": {"id": MEDIA}}
    )
    httpserver.expect_request(f"/2/media/upload/{MEDIA}/append").respond_with_json({})
    httpserver.expect_request(f"/2/media/upload/{MEDIA}/finalize").respond_with_json(
        {"data": {"id": MEDIA, "processing_info": failed}}
    )

    with pytest.raises(Rejected) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing(video))

    assert caught.value.reason == Reason.MEDIA_REJECTED
    assert caught.value.detail == "Unsupported video codec"
    assert all(r.path != "/2/tweets" for r, _ in httpserver.log)


def test_a_rate_limited_post_retries_when_the_window_resets(httpserver, connector):
    at = datetime(2025, 10, 26, 9, 0, tzinfo=UTC)
    reset = int(at.timestamp()) + 120
    httpserver.expect_request("/2/tweets").respond_with_json(
        problem(429, "Too Many Requests", "Too Many Requests"),
        status=429,
        headers={
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        },
    )

    with clock.frozen(at), pytest.raises(RateLimited) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.reason == Reason.RATE_LIMITED
    assert caught.value.retry_after == 120.0


@pytest.mark.parametrize(
    ("status", "body", "error", "reason", "words"),
    [
        (
            401,
            problem(401, "Unauthorized", "Unauthorized"),
            AuthExpired,
            Reason.AUTH_EXPIRED,
            "Unauthorized",
        ),
        (
            403,
            problem(
                403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
            ),
            Rejected,
            Reason.REJECTED,
            "You are not allowed to create a Tweet with duplicate content.",
        ),
        (
            403,
            problem(
                403,
                "Client Forbidden",
                "This request must be made using an approved developer account.",
                "https://api.twitter.com/2/problems/client-forbidden",
                reason="client-not-enrolled",
            ),
            Rejected,
            Reason.REJECTED,
            "This request must be made using an approved developer account.",
        ),
        (
            400,
            problem(
                400,
                "Invalid Request",
                "One or more parameters to your request was invalid.",
                "https://api.twitter.com/2/problems/invalid-request",
                errors=[{"parameters": {"text": [TEXT]}, "message": "Post text is too long."}],
            ),
            Rejected,
            Reason.REJECTED,
            "One or more parameters to your request was invalid. Post text is too long.",
        ),
        (
            500,
            problem(500, "Internal Server Error", "Internal Server Error"),
            Unavailable,
            Reason.SERVER_ERROR,
            "Internal Server Error",
        ),
        (
            503,
            problem(503, "Service Unavailable", "Service Unavailable"),
            Unavailable,
            Reason.SERVER_ERROR,
            "Service Unavailable",
        ),
    ],
)
def test_problem_answers_to_the_post_map_to_the_right_failure(
    httpserver, connector, status, body, error, reason, words
):
    httpserver.expect_request("/2/tweets").respond_with_json(body, status=status)

    with pytest.raises(error) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.reason == reason
    assert words in caught.value.detail


def test_an_image_x_refuses_is_a_media_rejection(httpserver, connector, tmp_path):
    httpserver.expect_request("/2/media/upload").respond_with_json(
        problem(
            400,
            "Invalid Request",
            "One or more parameters to your request was invalid.",
            "https://api.twitter.com/2/problems/invalid-request",
            errors=[{"message": "media type unrecognized."}],
        ),
        status=400,
    )

    with pytest.raises(Rejected) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing(png(tmp_path)))

    assert caught.value.reason == Reason.MEDIA_REJECTED
    assert "media type unrecognized." in caught.value.detail


def test_a_timeout_on_the_post_is_an_unknown_outcome(httpserver, stalled_answer):
    httpserver.expect_request("/2/tweets").respond_with_handler(stalled_answer)

    with pytest.raises(OutcomeUnknown) as caught:
        XConnector(timeout=0.2).publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.reason == Reason.TIMEOUT


def test_a_timeout_during_the_media_upload_is_safe_to_retry(httpserver, stalled_answer, tmp_path):
    httpserver.expect_request("/2/media/upload").respond_with_handler(stalled_answer)

    with pytest.raises(Unavailable) as caught:
        XConnector(timeout=0.2).publish(
            account=account(httpserver), outgoing=outgoing(png(tmp_path))
        )

    assert caught.value.reason == Reason.TIMEOUT


def test_an_unreadable_answer_to_the_post_is_an_unknown_outcome(httpserver, connector):
    httpserver.expect_request("/2/tweets").respond_with_data(
        "<html>Over capacity</html>", content_type="text/html"
    )

    with pytest.raises(OutcomeUnknown) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.reason == Reason.BAD_ANSWER


def test_a_refused_connection_is_unavailable(connector):
    channel = Account(handle="@x", api_url=closed_port_url(), credentials={"access_token": "t"})

    with pytest.raises(Unavailable) as caught:
        connector.publish(account=channel, outgoing=outgoing())

    assert caught.value.reason == Reason.UNREACHABLE


def test_a_channel_without_a_token_is_misconfigured(httpserver, connector):
    with pytest.raises(Rejected) as caught:
        connector.publish(
            account=Account(handle="@x", api_url=httpserver.url_for("/")), outgoing=outgoing()
        )

    assert caught.value.reason == Reason.MISCONFIGURED


def test_delete_removes_the_post(httpserver, connector):
    httpserver.expect_request(f"/2/tweets/{TWEET}", method="DELETE").respond_with_json(
        {"data": {"deleted": True}}
    )

    connector.delete(account=account(httpserver), remote_id=TWEET)

    assert httpserver.log[0][0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_metrics_read_the_public_counts(httpserver, connector):
    counts = {
        "retweet_count": 12,
        "reply_count": 5,
        "like_count": 240,
        "quote_count": 2,
        "bookmark_count": 9,
        "impression_count": 18000,
    }
    httpserver.expect_request(
        f"/2/tweets/{TWEET}", method="GET", query_string={"tweet.fields": "public_metrics"}
    ).respond_with_json({"data": {"id": TWEET, "text": TEXT, "public_metrics": counts}})

    metrics = connector.metrics(account=account(httpserver), remote_id=TWEET)

    assert metrics == Metrics(likes=240, shares=12, replies=5, views=18000)


def test_metrics_of_a_deleted_post_say_not_found(httpserver, connector):
    httpserver.expect_request(f"/2/tweets/{TWEET}").respond_with_json(
        {
            "errors": [
                {
                    "value": TWEET,
                    "detail": f"Could not find tweet with id: [{TWEET}].",
                    "title": "Not Found Error",
                    "resource_type": "tweet",
                    "parameter": "id",
                    "resource_id": TWEET,
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                }
            ]
        }
    )

    with pytest.raises(Rejected) as caught:
        connector.metrics(account=account(httpserver), remote_id=TWEET)

    assert caught.value.reason == Reason.NOT_FOUND


def test_verify_returns_the_username(httpserver, connector):
    httpserver.expect_request("/2/users/me", method="GET").respond_with_json(
        {"data": {"id": "2244994945", "name": "Bihar Forward", "username": "BiharForward"}}
    )

    assert connector.verify(account=account(httpserver)) == "@BiharForward"


def test_verify_with_a_revoked_token_says_so(httpserver, connector):
    httpserver.expect_request("/2/users/me").respond_with_json(
        problem(401, "Unauthorized", "Unauthorized"), status=401
    )

    with pytest.raises(AuthExpired):
        connector.verify(account=account(httpserver))


def test_x_has_no_idempotency_key_to_lean_on():
    assert XConnector.default_api_url == "https://api.x.com"
    assert XConnector.idempotent_publish is False
    assert XConnector.can_find is False
