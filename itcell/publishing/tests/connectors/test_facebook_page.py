"""The Facebook Page connector against a local server that answers as the Graph API does
(bodies and error codes from developers.facebook.com/docs/graph-api/guides/error-handling)."""

import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from itcell.publishing.connectors.base import Account, Medium, Metrics, Outgoing, Published
from itcell.publishing.connectors.facebook_page import FacebookPageConnector
from itcell.publishing.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Reason,
    Rejected,
    Unavailable,
)

PAGE = "104729123456789"
TOKEN = "EAAGpage-token"
VERSION = "/v21.0"


def png(tmp_path: Path, name: str = "rally.png", alt_text: str = "") -> Medium:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # one RGB pixel
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x99\x33"))
        + chunk(b"IEND", b"")
    )
    path = tmp_path / name
    path.write_bytes(data)
    return Medium(path=path, content_type="image/png", size=len(data), alt_text=alt_text)


def graph_error(code: int, message: str, subcode: int | None = None, **extra: object) -> dict:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbC1"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": {**error, **extra}}


def account(httpserver: HTTPServer, **options: str) -> Account:
    return Account(
        handle="BiharForward",
        api_url=httpserver.url_for(VERSION),
        credentials={"page_access_token": TOKEN},
        options={"page_id": PAGE, **options},
    )


def outgoing(*media: Medium) -> Outgoing:
    return Outgoing(text="Join us at Gandhi Maidan at 10.", idempotency_key="d-41", media=media)


@pytest.fixture
def connector() -> FacebookPageConnector:
    return FacebookPageConnector(timeout=2)


@pytest.fixture
def stalled_answer(httpserver: HTTPServer) -> Iterator[Callable[[Request], Response]]:
    """A handler that answers only after the test ends, so the client times out first."""
    release = threading.Event()

    def handler(request: Request) -> Response:
        release.wait(5)
        return Response(json.dumps({"id": "late"}), content_type="application/json")

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
    return f"http://127.0.0.1:{port}{VERSION}"


def test_text_post_goes_to_the_page_feed_with_the_page_token(httpserver, connector):
    httpserver.expect_request(f"{VERSION}/{PAGE}/feed", method="POST").respond_with_json(
        {"id": f"{PAGE}_555"}
    )

    published = connector.publish(account=account(httpserver), outgoing=outgoing())

    assert published == Published(f"{PAGE}_555", f"https://www.facebook.com/{PAGE}_555")
    (request, _), *_ = httpserver.log
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.form.to_dict() == {"message": "Join us at Gandhi Maidan at 10."}
    assert "access_token" not in request.args  # the token never travels in a URL


def test_one_image_is_posted_as_a_photo_with_its_caption_and_alt_text(
    httpserver, connector, tmp_path
):
    image = png(tmp_path, alt_text="Crowd at Gandhi Maidan")
    httpserver.expect_request(f"{VERSION}/{PAGE}/photos", method="POST").respond_with_json(
        {"id": "900001", "post_id": f"{PAGE}_556"}
    )

    published = connector.publish(account=account(httpserver), outgoing=outgoing(image))

    assert published.remote_id == f"{PAGE}_556"  # the story, not the photo
    assert len(httpserver.log) == 1
    request = httpserver.log[0][0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.form.to_dict() == {
        "message": "Join us at Gandhi Maidan at 10.",
        "alt_text_custom": "Crowd at Gandhi Maidan",
    }
    source = request.files["source"]
    assert source.filename == "rally.png"
    assert source.mimetype == "image/png"
    assert source.read() == image.path.read_bytes()


def test_several_images_are_uploaded_unpublished_then_attached_to_one_post(
    httpserver, connector, tmp_path
):
    first, second = png(tmp_path, "one.png"), png(tmp_path, "two.png")
    photos = f"{VERSION}/{PAGE}/photos"
    httpserver.expect_ordered_request(photos, method="POST").respond_with_json({"id": "901"})
    httpserver.expect_ordered_request(photos, method="POST").respond_with_json({"id": "902"})
    httpserver.expect_ordered_request(f"{VERSION}/{PAGE}/feed", method="POST").respond_with_json(
        {"id": f"{PAGE}_557"}
    )

    published = connector.publish(account=account(httpserver), outgoing=outgoing(first, second))

    assert published.remote_id == f"{PAGE}_557"
    uploads, feed = [r for r, _ in httpserver.log[:2]], httpserver.log[2][0]
    assert [u.form.to_dict() for u in uploads] == [{"published": "false"}] * 2
    assert [u.files["source"].filename for u in uploads] == ["one.png", "two.png"]
    assert feed.form["message"] == "Join us at Gandhi Maidan at 10."
    assert json.loads(feed.form["attached_media[0]"]) == {"media_fbid": "901"}
    assert json.loads(feed.form["attached_media[1]"]) == {"media_fbid": "902"}


def test_one_video_is_posted_with_the_text_as_its_description(httpserver, connector, tmp_path):
    clip = tmp_path / "speech.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    video = Medium(path=clip, content_type="video/mp4", size=12)
    httpserver.expect_request(f"{VERSION}/{PAGE}/videos", method="POST").respond_with_json(
        {"id": "777000"}
    )

    published = connector.publish(account=account(httpserver), outgoing=outgoing(video))

    assert published == Published("777000", "https://www.facebook.com/777000")
    request = httpserver.log[0][0]
    assert request.form.to_dict() == {"description": "Join us at Gandhi Maidan at 10."}
    assert request.files["source"].read() == clip.read_bytes()


def test_a_video_with_other_media_is_refused_before_any_call(httpserver, connector, tmp_path):
    video = Medium(path=tmp_path / "v.mp4", content_type="video/mp4", size=1)

    with pytest.raises(Rejected) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing(video, png(tmp_path)))

    assert caught.value.reason == Reason.UNSUPPORTED
    assert httpserver.log == []


def test_the_handle_is_the_page_id_when_no_page_id_option_is_set(httpserver, connector):
    httpserver.expect_request(f"{VERSION}/{PAGE}/feed", method="POST").respond_with_json(
        {"id": f"{PAGE}_558"}
    )
    channel = Account(
        handle=PAGE, api_url=httpserver.url_for(VERSION), credentials={"page_access_token": "t"}
    )

    assert connector.publish(account=channel, outgoing=outgoing()).remote_id == f"{PAGE}_558"


def test_a_channel_without_a_page_token_is_misconfigured(httpserver, connector):
    channel = Account(handle=PAGE, api_url=httpserver.url_for(VERSION))

    with pytest.raises(Rejected) as caught:
        connector.publish(account=channel, outgoing=outgoing())

    assert caught.value.reason == Reason.MISCONFIGURED


@pytest.mark.parametrize(
    ("status", "body", "error", "reason"),
    [
        (
            400,
            graph_error(190, "Error validating access token: Session has expired.", 463),
            AuthExpired,
            Reason.AUTH_EXPIRED,
        ),
        (400, graph_error(102, "Session key invalid or no longer valid"), AuthExpired, None),
        (403, graph_error(200, "(#200) Permissions error"), AuthExpired, None),
        (403, graph_error(4, "(#4) Application request limit reached"), RateLimited, None),
        (403, graph_error(17, "(#17) User request limit reached"), RateLimited, None),
        (403, graph_error(32, "(#32) Page request limit reached"), RateLimited, None),
        (
            400,
            graph_error(613, "(#613) Calls to this api have exceeded the rate limit."),
            RateLimited,
            None,
        ),
        (
            400,
            graph_error(80001, "(#80001) There have been too many calls to this Page account."),
            RateLimited,
            Reason.RATE_LIMITED,
        ),
        (
            400,
            graph_error(
                368,
                "You've already posted this. Posting the same content repeatedly isn't allowed.",
                1390008,
            ),
            Rejected,
            Reason.REJECTED,
        ),
        (400, graph_error(100, "(#100) Invalid parameter"), Rejected, Reason.REJECTED),
        (500, None, Unavailable, Reason.SERVER_ERROR),
        (503, None, Unavailable, Reason.SERVER_ERROR),
    ],
)
def test_graph_errors_on_the_publishing_call_map_to_the_right_failure(
    httpserver, connector, status, body, error, reason
):
    handler = httpserver.expect_request(f"{VERSION}/{PAGE}/feed", method="POST")
    if body is None:
        handler.respond_with_data("Service Unavailable", status=status)
    else:
        handler.respond_with_json(body, status=status)

    with pytest.raises(error) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing())

    if reason is not None:
        assert caught.value.reason == reason
    if body is not None:
        assert caught.value.detail == body["error"]["message"]


def test_a_throttled_page_retries_when_facebook_says_access_returns(httpserver, connector):
    usage = {PAGE: [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 5}]}
    httpserver.expect_request(f"{VERSION}/{PAGE}/feed").respond_with_json(
        graph_error(80001, "(#80001) There have been too many calls to this Page account."),
        status=400,
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.retry_after == 300.0


def test_a_transient_error_on_the_publishing_call_may_have_published(httpserver, connector):
    # Facebook has published posts that it answered with code 2 (koala#699).
    httpserver.expect_request(f"{VERSION}/{PAGE}/feed").respond_with_json(
        graph_error(2, "An unexpected error has occurred. Please retry later.", is_transient=True),
        status=500,
    )

    with pytest.raises(OutcomeUnknown) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.reason == Reason.SERVER_ERROR


def test_a_transient_error_on_an_unpublished_upload_is_safe_to_retry(
    httpserver, connector, tmp_path
):
    httpserver.expect_request(f"{VERSION}/{PAGE}/photos").respond_with_json(
        graph_error(1, "An unknown error occurred", 99, is_transient=True), status=500
    )

    with pytest.raises(Unavailable) as caught:
        connector.publish(
            account=account(httpserver), outgoing=outgoing(png(tmp_path), png(tmp_path, "b.png"))
        )

    assert caught.value.reason == Reason.SERVER_ERROR
    assert len(httpserver.log) == 1  # the post itself was never attempted


def test_a_timeout_on_the_publishing_call_is_an_unknown_outcome(httpserver, stalled_answer):
    httpserver.expect_request(f"{VERSION}/{PAGE}/feed").respond_with_handler(stalled_answer)

    with pytest.raises(OutcomeUnknown) as caught:
        FacebookPageConnector(timeout=0.2).publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.reason == Reason.TIMEOUT


def test_a_timeout_while_uploading_unpublished_photos_is_safe_to_retry(
    httpserver, stalled_answer, tmp_path
):
    httpserver.expect_request(f"{VERSION}/{PAGE}/photos").respond_with_handler(stalled_answer)

    with pytest.raises(Unavailable) as caught:
        FacebookPageConnector(timeout=0.2).publish(
            account=account(httpserver), outgoing=outgoing(png(tmp_path), png(tmp_path, "b.png"))
        )

    assert caught.value.reason == Reason.TIMEOUT


def test_an_unreadable_answer_to_the_publishing_call_is_an_unknown_outcome(httpserver, connector):
    httpserver.expect_request(f"{VERSION}/{PAGE}/feed").respond_with_data(
        "<html>Sorry, something went wrong.</html>", content_type="text/html"
    )

    with pytest.raises(OutcomeUnknown) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.reason == Reason.BAD_ANSWER


def test_a_refused_connection_is_unavailable(connector):
    channel = Account(
        handle=PAGE, api_url=closed_port_url(), credentials={"page_access_token": TOKEN}
    )

    with pytest.raises(Unavailable) as caught:
        connector.publish(account=channel, outgoing=outgoing())

    assert caught.value.reason == Reason.UNREACHABLE


def test_delete_removes_the_post(httpserver, connector):
    httpserver.expect_request(f"{VERSION}/{PAGE}_555", method="DELETE").respond_with_json(
        {"success": True}
    )

    connector.delete(account=account(httpserver), remote_id=f"{PAGE}_555")

    assert httpserver.log[0][0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_deleting_a_post_that_is_gone_says_not_found(httpserver, connector):
    httpserver.expect_request(f"{VERSION}/{PAGE}_555", method="DELETE").respond_with_json(
        graph_error(100, "Unsupported delete request. Object does not exist.", 33), status=400
    )

    with pytest.raises(Rejected) as caught:
        connector.delete(account=account(httpserver), remote_id=f"{PAGE}_555")

    assert caught.value.reason == Reason.NOT_FOUND


def test_metrics_count_reactions_shares_and_comments(httpserver, connector):
    fields = "shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
    httpserver.expect_request(
        f"{VERSION}/{PAGE}_555", method="GET", query_string={"fields": fields}
    ).respond_with_json(
        {
            "shares": {"count": 4},
            "reactions": {"data": [], "summary": {"total_count": 25}},
            "comments": {"data": [], "summary": {"order": "ranked", "total_count": 7}},
            "id": f"{PAGE}_555",
        }
    )

    metrics = connector.metrics(account=account(httpserver), remote_id=f"{PAGE}_555")

    assert metrics == Metrics(likes=25, shares=4, replies=7, views=None)


def test_metrics_of_a_post_never_shared_count_zero_shares(httpserver, connector):
    httpserver.expect_request(f"{VERSION}/{PAGE}_555").respond_with_json(
        {
            "reactions": {"data": [], "summary": {"total_count": 0}},
            "comments": {"data": [], "summary": {"total_count": 0}},
            "id": f"{PAGE}_555",
        }
    )

    metrics = connector.metrics(account=account(httpserver), remote_id=f"{PAGE}_555")

    assert metrics == Metrics(likes=0, shares=0, replies=0)


def test_verify_returns_the_page_name(httpserver, connector):
    httpserver.expect_request(
        f"{VERSION}/me", method="GET", query_string={"fields": "id,name"}
    ).respond_with_json({"id": PAGE, "name": "Bihar Forward"})

    assert connector.verify(account=account(httpserver)) == "Bihar Forward"


def test_verify_with_an_expired_token_says_so(httpserver, connector):
    httpserver.expect_request(f"{VERSION}/me").respond_with_json(
        graph_error(190, "Error validating access token: The session has been invalidated.", 460),
        status=400,
    )

    with pytest.raises(AuthExpired):
        connector.verify(account=account(httpserver))


def test_the_default_api_url_names_the_graph_version():
    assert FacebookPageConnector.default_api_url == "https://graph.facebook.com/v21.0"
    assert FacebookPageConnector.idempotent_publish is False
    assert FacebookPageConnector.can_find is False
