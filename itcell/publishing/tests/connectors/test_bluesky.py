"""BlueskyConnector against a local server that answers as a PDS does (atproto XRPC:
https://atproto.com/specs/xrpc, https://docs.bsky.app/docs/advanced-guides/posts)."""

import base64
import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from itcell.core import clock
from itcell.publishing.connectors.base import Account, Medium, Outgoing, Published
from itcell.publishing.connectors.bluesky import (
    TID_ALPHABET,
    BlueskyConnector,
    facets,
    record_key,
)
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
DID = "did:plc:u5cwb2mwiv2bfq53cjufe6yn"
HANDLE = "itcell.bsky.social"
NOW = datetime(2026, 11, 3, 12, 0, 0, 123000, tzinfo=UTC)
MADE_AT = datetime(2026, 11, 2, 9, 30, 15, 654321, tzinfo=UTC)  # when the delivery was made


def session(jwt: str = "jwt-1") -> dict[str, object]:
    return {
        "accessJwt": jwt,
        "refreshJwt": f"refresh-{jwt}",
        "handle": HANDLE,
        "did": DID,
        "email": "cell@example.org",
        "emailConfirmed": True,
        "active": True,
    }


def blob(link: str, mime: str = "image/png") -> dict[str, object]:
    return {"$type": "blob", "ref": {"$link": link}, "mimeType": mime, "size": len(PNG)}


def xrpc_error(status: int, name: str, message: str, **headers: str) -> Response:
    body = {"error": name, "message": message}
    return Response(
        json.dumps(body), status=status, content_type="application/json", headers=headers
    )


def outgoing(*media: Medium, text: str = "Vote on 6 November", key: str = "delivery-7") -> Outgoing:
    return Outgoing(text=text, idempotency_key=key, media=media, created_at=MADE_AT)


def requests(httpserver: HTTPServer) -> list[Request]:
    return [request for request, _ in httpserver.log]


def uri(rkey: str) -> str:
    return f"at://{DID}/app.bsky.feed.post/{rkey}"


@pytest.fixture(autouse=True)
def _no_stray_requests(httpserver: HTTPServer):  # type: ignore[no-untyped-def]
    yield
    httpserver.check_assertions()  # a request no handler expected fails the test


@pytest.fixture(autouse=True)
def _frozen_now():  # type: ignore[no-untyped-def]
    with clock.frozen(NOW):
        yield


@pytest.fixture
def account(httpserver: HTTPServer) -> Account:
    return Account(
        handle=f"@{HANDLE}",
        api_url=httpserver.url_for("/"),
        credentials={"identifier": HANDLE, "app_password": "abcd-efgh-ijkl-mnop"},
        options={"langs": "hi, en"},
    )


@pytest.fixture
def signed_in(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/xrpc/com.atproto.server.createSession", method="POST"
    ).respond_with_json(session())


@pytest.fixture
def not_yet_posted(httpserver: HTTPServer, signed_in: None) -> None:
    httpserver.expect_request("/xrpc/com.atproto.repo.getRecord").respond_with_response(
        xrpc_error(400, "RecordNotFound", "Could not locate record")
    )


@pytest.fixture
def poster(tmp_path: Path) -> Medium:
    path = tmp_path / "poster.png"
    path.write_bytes(PNG)
    return Medium(path=path, content_type="image/png", size=len(PNG), alt_text="a poster")


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


def expect_create(httpserver: HTTPServer, rkey: str) -> None:
    httpserver.expect_request(
        "/xrpc/com.atproto.repo.createRecord", method="POST"
    ).respond_with_json({"uri": uri(rkey), "cid": "bafyreibjifzpqj6o6wcq3hejh7y4z4z2vmiklkvyk"})


def test_record_key_is_a_tid_made_from_the_delivery_time_and_key():
    key = record_key(outgoing())

    assert len(key) == 13
    assert set(key) <= set(TID_ALPHABET)
    assert key[0] in "234567abcdefghij"  # the top bit is 0
    value = 0
    for char in key:
        value = value * 32 + TID_ALPHABET.index(char)
    assert value >> 10 == (MADE_AT - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    assert key == record_key(outgoing(text="another try, same delivery"))
    assert key != record_key(outgoing(key="delivery-8"))  # another delivery, same microsecond


def test_post_without_a_delivery_time_is_misconfigured(account):
    with pytest.raises(Rejected) as caught:
        BlueskyConnector().publish(
            account=account, outgoing=Outgoing(text="Vote", idempotency_key="delivery-7")
        )

    assert caught.value.reason == Reason.MISCONFIGURED


def test_channel_without_an_app_password_is_misconfigured(httpserver):
    account = Account(handle=f"@{HANDLE}", credentials={"identifier": HANDLE})

    with pytest.raises(Rejected) as caught:
        BlueskyConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.MISCONFIGURED


def test_hindi_links_and_hashtags_get_utf8_byte_offsets():
    text = "बिहार में मतदान 6 नवंबर को है #मतदान। जानकारी: https://eci.gov.in/voters (अधिक)"

    link, tag = facets(text)
    encoded = text.encode()

    assert tag["features"] == [{"$type": "app.bsky.richtext.facet#tag", "tag": "मतदान"}]
    start, end = tag["index"]["byteStart"], tag["index"]["byteEnd"]
    assert encoded[start:end] == "#मतदान".encode()
    assert start != text.index("#")  # characters and bytes differ in Devanagari
    assert link["features"] == [
        {"$type": "app.bsky.richtext.facet#link", "uri": "https://eci.gov.in/voters"}
    ]
    start, end = link["index"]["byteStart"], link["index"]["byteEnd"]
    assert encoded[start:end] == b"https://eci.gov.in/voters"


def test_sentence_punctuation_is_not_part_of_a_link_and_numbers_are_not_hashtags():
    found = facets("Booth list (https://eci.gov.in/booths). Rank #1! #Bihar2026.")

    features = [facet["features"][0] for facet in found]
    assert features == [
        {"$type": "app.bsky.richtext.facet#link", "uri": "https://eci.gov.in/booths"},
        {"$type": "app.bsky.richtext.facet#tag", "tag": "Bihar2026"},
    ]


def test_text_post_creates_a_record_under_our_record_key(httpserver, account, not_yet_posted):
    rkey = record_key(outgoing())
    expect_create(httpserver, rkey)
    text = "मतदान 6 नवंबर को #Bihar https://eci.gov.in"

    published = BlueskyConnector().publish(account=account, outgoing=outgoing(text=text))

    assert published == Published(uri(rkey), f"https://bsky.app/profile/{HANDLE}/post/{rkey}")
    login, lookup, create = requests(httpserver)
    assert login.get_json() == {"identifier": HANDLE, "password": "abcd-efgh-ijkl-mnop"}
    assert lookup.args.to_dict() == {"repo": DID, "collection": "app.bsky.feed.post", "rkey": rkey}
    assert lookup.headers["Authorization"] == "Bearer jwt-1"
    assert create.headers["Authorization"] == "Bearer jwt-1"
    assert create.get_json() == {
        "repo": DID,
        "collection": "app.bsky.feed.post",
        "rkey": rkey,
        "record": {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": "2026-11-03T12:00:00.123Z",
            "langs": ["hi", "en"],
            "facets": facets(text),
        },
    }


def test_images_are_uploaded_as_blobs_and_embedded_with_alt_text(
    httpserver, account, not_yet_posted, poster, tmp_path
):
    second_path = tmp_path / "second.png"
    second_path.write_bytes(PNG)
    second = Medium(path=second_path, content_type="image/png", size=len(PNG))
    httpserver.expect_oneshot_request(
        "/xrpc/com.atproto.repo.uploadBlob", method="POST"
    ).respond_with_json({"blob": blob("bafkrei-one")})
    httpserver.expect_oneshot_request(
        "/xrpc/com.atproto.repo.uploadBlob", method="POST"
    ).respond_with_json({"blob": blob("bafkrei-two")})
    rkey = record_key(outgoing())
    expect_create(httpserver, rkey)

    BlueskyConnector().publish(account=account, outgoing=outgoing(poster, second))

    _, _, first_upload, second_upload, create = requests(httpserver)
    assert first_upload.get_data() == PNG
    assert first_upload.headers["Content-Type"] == "image/png"
    assert first_upload.headers["Authorization"] == "Bearer jwt-1"
    assert second_upload.get_data() == PNG
    assert create.get_json()["record"]["embed"] == {
        "$type": "app.bsky.embed.images",
        "images": [
            {"alt": "a poster", "image": blob("bafkrei-one")},
            {"alt": "", "image": blob("bafkrei-two")},
        ],
    }


def test_a_video_is_embedded_as_a_video(httpserver, account, not_yet_posted, tmp_path):
    path = tmp_path / "rally.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    video = Medium(path=path, content_type="video/mp4", size=12, alt_text="the rally")
    httpserver.expect_request("/xrpc/com.atproto.repo.uploadBlob", method="POST").respond_with_json(
        {"blob": blob("bafkrei-video", "video/mp4")}
    )
    expect_create(httpserver, record_key(outgoing()))

    BlueskyConnector().publish(account=account, outgoing=outgoing(video))

    create = requests(httpserver)[-1]
    assert create.get_json()["record"]["embed"] == {
        "$type": "app.bsky.embed.video",
        "video": blob("bafkrei-video", "video/mp4"),
        "alt": "the rally",
    }


def test_images_with_a_video_are_media_rejected_before_anything_is_sent(
    httpserver, account, poster, tmp_path
):
    path = tmp_path / "rally.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    video = Medium(path=path, content_type="video/mp4", size=12)

    with pytest.raises(Rejected) as caught:
        BlueskyConnector().publish(account=account, outgoing=outgoing(poster, video))

    assert caught.value.reason == Reason.MEDIA_REJECTED
    assert requests(httpserver) == []


def test_retry_of_a_post_that_landed_returns_it_without_posting_again(
    httpserver, account, signed_in, poster
):
    rkey = record_key(outgoing())
    httpserver.expect_request("/xrpc/com.atproto.repo.getRecord").respond_with_json(
        {"uri": uri(rkey), "cid": "bafyrei-post", "value": {"text": "Vote on 6 November"}}
    )

    published = BlueskyConnector().publish(account=account, outgoing=outgoing(poster))

    assert published == Published(uri(rkey), f"https://bsky.app/profile/{HANDLE}/post/{rkey}")
    paths = [request.path for request in requests(httpserver)]
    assert paths == ["/xrpc/com.atproto.server.createSession", "/xrpc/com.atproto.repo.getRecord"]


def test_find_returns_the_post_under_our_record_key(httpserver, account, signed_in):
    rkey = record_key(outgoing())
    httpserver.expect_request(
        "/xrpc/com.atproto.repo.getRecord",
        query_string={"repo": DID, "collection": "app.bsky.feed.post", "rkey": rkey},
    ).respond_with_json({"uri": uri(rkey), "cid": "bafyrei-post", "value": {"text": "Vote"}})

    found = BlueskyConnector().find(account=account, outgoing=outgoing())

    assert found == Published(uri(rkey), f"https://bsky.app/profile/{HANDLE}/post/{rkey}")


def test_find_returns_none_when_the_record_is_not_found(httpserver, account, not_yet_posted):
    assert BlueskyConnector().find(account=account, outgoing=outgoing()) is None


def test_expired_session_is_made_again_once(httpserver, account):
    httpserver.expect_oneshot_request(
        "/xrpc/com.atproto.server.createSession", method="POST"
    ).respond_with_json(session("jwt-1"))
    httpserver.expect_oneshot_request(
        "/xrpc/com.atproto.server.createSession", method="POST"
    ).respond_with_json(session("jwt-2"))
    httpserver.expect_oneshot_request(
        "/xrpc/com.atproto.repo.getRecord", headers={"Authorization": "Bearer jwt-1"}
    ).respond_with_response(xrpc_error(400, "RecordNotFound", "Could not locate record"))
    httpserver.expect_oneshot_request(
        "/xrpc/com.atproto.repo.getRecord", headers={"Authorization": "Bearer jwt-1"}
    ).respond_with_response(xrpc_error(400, "ExpiredToken", "Token has expired"))
    httpserver.expect_oneshot_request(
        "/xrpc/com.atproto.repo.getRecord", headers={"Authorization": "Bearer jwt-2"}
    ).respond_with_response(xrpc_error(400, "RecordNotFound", "Could not locate record"))
    connector = BlueskyConnector()

    assert connector.find(account=account, outgoing=outgoing()) is None
    assert connector.find(account=account, outgoing=outgoing(key="delivery-8")) is None

    logins = [r for r in requests(httpserver) if r.path.endswith("createSession")]
    assert len(logins) == 2  # the session was kept, then made again when it expired


def test_wrong_app_password_is_auth_expired(httpserver, account):
    httpserver.expect_request(
        "/xrpc/com.atproto.server.createSession", method="POST"
    ).respond_with_response(
        xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
    )

    with pytest.raises(AuthExpired) as caught:
        BlueskyConnector().publish(account=account, outgoing=outgoing())

    assert "Invalid identifier or password" in caught.value.detail


def test_invalid_token_is_auth_expired(httpserver, account, not_yet_posted):
    httpserver.expect_request(
        "/xrpc/com.atproto.repo.createRecord", method="POST"
    ).respond_with_response(xrpc_error(400, "InvalidToken", "Token could not be verified"))

    with pytest.raises(AuthExpired) as caught:
        BlueskyConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.AUTH_EXPIRED


def test_rate_limit_waits_until_ratelimit_reset(httpserver, account, not_yet_posted):
    reset = int((NOW + timedelta(minutes=5)).timestamp())
    httpserver.expect_request(
        "/xrpc/com.atproto.repo.createRecord", method="POST"
    ).respond_with_response(
        xrpc_error(
            429,
            "RateLimitExceeded",
            "Rate Limit Exceeded",
            **{
                "ratelimit-limit": "5000",
                "ratelimit-remaining": "0",
                "ratelimit-reset": str(reset),
                "ratelimit-policy": "5000;w=3600",
            },
        )
    )

    with pytest.raises(RateLimited) as caught:
        BlueskyConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.retry_after == pytest.approx(reset - NOW.timestamp())


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_is_unavailable(httpserver, account, not_yet_posted, status):
    httpserver.expect_request(
        "/xrpc/com.atproto.repo.createRecord", method="POST"
    ).respond_with_response(xrpc_error(status, "InternalServerError", "Internal Server Error"))

    with pytest.raises(Unavailable) as caught:
        BlueskyConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.SERVER_ERROR


def test_invalid_record_is_rejected_with_the_pds_message(httpserver, account, not_yet_posted):
    message = "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"
    httpserver.expect_request(
        "/xrpc/com.atproto.repo.createRecord", method="POST"
    ).respond_with_response(xrpc_error(400, "InvalidRequest", message))

    with pytest.raises(Rejected) as caught:
        BlueskyConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.REJECTED
    assert message in caught.value.detail


def test_too_large_blob_is_media_rejected(httpserver, account, not_yet_posted, poster):
    httpserver.expect_request(
        "/xrpc/com.atproto.repo.uploadBlob", method="POST"
    ).respond_with_response(xrpc_error(413, "PayloadTooLarge", "request entity too large"))

    with pytest.raises(Rejected) as caught:
        BlueskyConnector().publish(account=account, outgoing=outgoing(poster))

    assert caught.value.reason == Reason.MEDIA_REJECTED


def test_timeout_while_creating_the_record_is_outcome_unknown(
    httpserver, account, not_yet_posted, hanging
):
    httpserver.expect_request(
        "/xrpc/com.atproto.repo.createRecord", method="POST"
    ).respond_with_handler(hanging({"uri": uri(record_key(outgoing())), "cid": "bafyrei"}))

    with pytest.raises(OutcomeUnknown) as caught:
        BlueskyConnector(timeout=0.2).publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.TIMEOUT


def test_timeout_while_uploading_a_blob_is_unavailable(
    httpserver, account, not_yet_posted, poster, hanging
):
    httpserver.expect_request(
        "/xrpc/com.atproto.repo.uploadBlob", method="POST"
    ).respond_with_handler(hanging({"blob": blob("bafkrei-one")}))

    with pytest.raises(Unavailable) as caught:
        BlueskyConnector(timeout=0.2).publish(account=account, outgoing=outgoing(poster))

    assert caught.value.reason == Reason.TIMEOUT


def test_unreadable_answer_to_create_record_is_outcome_unknown(httpserver, account, not_yet_posted):
    httpserver.expect_request(
        "/xrpc/com.atproto.repo.createRecord", method="POST"
    ).respond_with_data("<html>upstream</html>", status=200, content_type="text/html")

    with pytest.raises(OutcomeUnknown) as caught:
        BlueskyConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.BAD_ANSWER


def test_refused_connection_is_unreachable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    account = Account(
        handle=f"@{HANDLE}",
        api_url=f"http://127.0.0.1:{port}",
        credentials={"identifier": HANDLE, "app_password": "abcd-efgh-ijkl-mnop"},
    )

    with pytest.raises(Unavailable) as caught:
        BlueskyConnector().publish(account=account, outgoing=outgoing())

    assert caught.value.reason == Reason.UNREACHABLE


def test_delete_removes_the_record(httpserver, account, signed_in):
    rkey = record_key(outgoing())
    httpserver.expect_request(
        "/xrpc/com.atproto.repo.deleteRecord", method="POST"
    ).respond_with_json({"commit": {"cid": "bafyrei-commit", "rev": "3l25zusnsfctk"}})

    BlueskyConnector().delete(account=account, remote_id=uri(rkey))

    delete = requests(httpserver)[-1]
    assert delete.headers["Authorization"] == "Bearer jwt-1"
    assert delete.get_json() == {"repo": DID, "collection": "app.bsky.feed.post", "rkey": rkey}


def test_metrics_count_likes_reposts_quotes_and_replies(httpserver, account, signed_in):
    post_uri = uri(record_key(outgoing()))
    httpserver.expect_request(
        "/xrpc/app.bsky.feed.getPosts", query_string={"uris": post_uri}
    ).respond_with_json(
        {
            "posts": [
                {
                    "uri": post_uri,
                    "cid": "bafyrei-post",
                    "author": {"did": DID, "handle": HANDLE},
                    "record": {"$type": "app.bsky.feed.post", "text": "Vote"},
                    "replyCount": 2,
                    "repostCount": 3,
                    "likeCount": 12,
                    "quoteCount": 1,
                    "indexedAt": "2026-11-03T12:00:01.000Z",
                }
            ]
        }
    )

    metrics = BlueskyConnector().metrics(account=account, remote_id=post_uri)

    assert (metrics.likes, metrics.shares, metrics.replies, metrics.views) == (12, 4, 2, None)


def test_verify_signs_in_and_names_the_account(httpserver, account, signed_in):
    assert BlueskyConnector().verify(account=account) == f"@{HANDLE}"
