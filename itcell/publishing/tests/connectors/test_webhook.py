"""The webhook connector against a local receiver that keeps the contract in the module's
docstring, and the signature check receivers use."""

import hashlib
import hmac
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
from itcell.publishing.connectors.base import Account, Medium, Outgoing, Published
from itcell.publishing.connectors.webhook import WebhookConnector, sign, verify_signature
from itcell.publishing.errors import (
    AuthExpired,
    OutcomeUnknown,
    RateLimited,
    Reason,
    Rejected,
    Unavailable,
)

SECRET = "whsec_3f9a7c"
PATH = "/hooks/itcell"
AT = datetime(2025, 10, 26, 9, 30, tzinfo=UTC)
NOW = AT.timestamp()


def png(tmp_path: Path, name: str = "manifesto.png", alt_text: str = "") -> Medium:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # one RGB pixel
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00\x80\x40"))
        + chunk(b"IEND", b"")
    )
    path = tmp_path / name
    path.write_bytes(data)
    return Medium(path=path, content_type="image/png", size=len(data), alt_text=alt_text)


def account(httpserver: HTTPServer) -> Account:
    return Account(
        handle="party-website", api_url=httpserver.url_for(PATH), credentials={"secret": SECRET}
    )


def outgoing(*media: Medium) -> Outgoing:
    return Outgoing(text="हमारा घोषणापत्र पढ़ें", idempotency_key="delivery-9f2c", media=media)


@pytest.fixture
def connector() -> WebhookConnector:
    return WebhookConnector(timeout=2)


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
    return f"http://127.0.0.1:{port}{PATH}"


def test_a_post_is_sent_as_signed_json_with_its_idempotency_key(httpserver, connector, tmp_path):
    image = png(tmp_path, alt_text="The manifesto's cover")
    httpserver.expect_request(PATH, method="POST").respond_with_json(
        {"id": "wp-881", "url": "https://party.example/news/881"}, status=201
    )

    with clock.frozen(AT):
        published = connector.publish(account=account(httpserver), outgoing=outgoing(image))

    assert published == Published("wp-881", "https://party.example/news/881")
    request = httpserver.log[0][0]
    assert request.path == PATH  # the receiver's URL exactly, no trailing slash added
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Itcell-Idempotency-Key"] == "delivery-9f2c"
    assert request.headers["X-Itcell-Timestamp"] == str(int(NOW))
    assert request.get_json() == {
        "idempotency_key": "delivery-9f2c",
        "text": "हमारा घोषणापत्र पढ़ें",
        "media": [
            {
                "content_type": "image/png",
                "size": image.size,
                "alt_text": "The manifesto's cover",
                "sha256": hashlib.sha256(image.path.read_bytes()).hexdigest(),
            }
        ],
        "handle": "party-website",
        "sent_at": "2025-10-26T09:30:00+00:00",
    }


def test_the_signature_is_an_hmac_of_timestamp_dot_body_that_receivers_can_verify(
    httpserver, connector
):
    httpserver.expect_request(PATH).respond_with_json({"id": "wp-882"})

    with clock.frozen(AT):
        connector.publish(account=account(httpserver), outgoing=outgoing())

    request = httpserver.log[0][0]
    body, timestamp = request.get_data(), request.headers["X-Itcell-Timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert request.headers["X-Itcell-Signature"] == f"sha256={expected.hexdigest()}"
    assert verify_signature(SECRET, timestamp, body, request.headers["X-Itcell-Signature"], NOW)


def test_every_try_of_a_delivery_carries_the_same_key(httpserver, connector):
    httpserver.expect_request(PATH).respond_with_json({"id": "wp-883"})

    for _ in range(2):
        connector.publish(account=account(httpserver), outgoing=outgoing())

    keys = {r.headers["X-Itcell-Idempotency-Key"] for r, _ in httpserver.log}
    assert keys == {"delivery-9f2c"}
    assert WebhookConnector.idempotent_publish is True


def test_a_channel_without_a_receiver_url_is_misconfigured(connector):
    channel = Account(handle="party-website", credentials={"secret": SECRET})

    with pytest.raises(Rejected) as caught:
        connector.publish(account=channel, outgoing=outgoing())

    assert caught.value.reason == Reason.MISCONFIGURED


def test_a_channel_without_a_secret_is_misconfigured(httpserver, connector):
    channel = Account(handle="party-website", api_url=httpserver.url_for(PATH))

    with pytest.raises(Rejected) as caught:
        connector.publish(account=channel, outgoing=outgoing())

    assert caught.value.reason == Reason.MISCONFIGURED
    assert httpserver.log == []


def test_a_2xx_answer_without_an_id_is_an_unknown_outcome(httpserver, connector):
    httpserver.expect_request(PATH).respond_with_json({"status": "ok"})

    with pytest.raises(OutcomeUnknown) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.reason == Reason.BAD_ANSWER


def test_an_unreadable_answer_is_an_unknown_outcome(httpserver, connector):
    httpserver.expect_request(PATH).respond_with_data(
        "<html>Thanks!</html>", content_type="text/html"
    )

    with pytest.raises(OutcomeUnknown) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.reason == Reason.BAD_ANSWER


@pytest.mark.parametrize(
    ("status", "answer", "error", "reason"),
    [
        (401, '{"error": "bad signature"}', AuthExpired, Reason.AUTH_EXPIRED),
        (404, '{"error": "no such hook"}', Rejected, Reason.NOT_FOUND),
        (422, '{"error": "text is empty"}', Rejected, Reason.REJECTED),
        (500, '{"error": "database is down"}', Unavailable, Reason.SERVER_ERROR),
        (503, "Service Unavailable", Unavailable, Reason.SERVER_ERROR),
    ],
)
def test_receiver_errors_map_to_the_right_failure(
    httpserver, connector, status, answer, error, reason
):
    httpserver.expect_request(PATH).respond_with_data(answer, status=status)

    with pytest.raises(error) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.reason == reason
    assert answer in caught.value.detail


def test_a_receiver_asking_to_slow_down_is_retried_when_it_says(httpserver, connector):
    httpserver.expect_request(PATH).respond_with_data(
        "Too Many Requests", status=429, headers={"Retry-After": "30"}
    )

    with pytest.raises(RateLimited) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.retry_after == 30.0


def test_a_redirecting_receiver_is_misconfigured_not_followed(httpserver, connector):
    httpserver.expect_request(PATH).respond_with_data(
        "", status=301, headers={"Location": "https://party.example/hooks/itcell"}
    )

    with pytest.raises(Rejected) as caught:
        connector.publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.reason == Reason.MISCONFIGURED
    assert "https://party.example/hooks/itcell" in caught.value.detail


def test_a_timeout_is_an_unknown_outcome(httpserver, stalled_answer):
    httpserver.expect_request(PATH).respond_with_handler(stalled_answer)

    with pytest.raises(OutcomeUnknown) as caught:
        WebhookConnector(timeout=0.2).publish(account=account(httpserver), outgoing=outgoing())

    assert caught.value.reason == Reason.TIMEOUT


def test_a_refused_connection_is_unavailable(connector):
    channel = Account(
        handle="party-website", api_url=closed_port_url(), credentials={"secret": "s"}
    )

    with pytest.raises(Unavailable) as caught:
        connector.publish(account=channel, outgoing=outgoing())

    assert caught.value.reason == Reason.UNREACHABLE


def test_the_webhook_cannot_remove_or_count_posts(connector):
    channel = Account(handle="party-website", api_url="https://party.example/hooks")

    with pytest.raises(Rejected) as caught:
        connector.delete(account=channel, remote_id="wp-881")

    assert caught.value.reason == Reason.UNSUPPORTED
    assert not WebhookConnector.supports_delete
    assert not WebhookConnector.supports_metrics


class TestVerifySignature:
    body = b'{"idempotency_key":"delivery-9f2c","text":"hello"}'
    timestamp = str(int(NOW))

    def test_a_genuine_signature_verifies(self):
        signature = sign(SECRET, self.timestamp, self.body)

        assert verify_signature(SECRET, self.timestamp, self.body, signature, NOW)

    def test_a_tampered_body_does_not_verify(self):
        signature = sign(SECRET, self.timestamp, self.body)

        assert not verify_signature(
            SECRET, self.timestamp, self.body.replace(b"hello", b"HELLO"), signature, NOW
        )

    def test_a_changed_timestamp_does_not_verify(self):
        signature = sign(SECRET, self.timestamp, self.body)

        assert not verify_signature(SECRET, str(int(NOW) + 1), self.body, signature, NOW)

    def test_another_secret_does_not_verify(self):
        signature = sign("someone-else", self.timestamp, self.body)

        assert not verify_signature(SECRET, self.timestamp, self.body, signature, NOW)

    def test_a_signature_up_to_five_minutes_old_verifies(self):
        signature = sign(SECRET, self.timestamp, self.body)

        assert verify_signature(SECRET, self.timestamp, self.body, signature, NOW + 300)

    def test_a_replay_older_than_five_minutes_is_refused(self):
        signature = sign(SECRET, self.timestamp, self.body)

        assert not verify_signature(SECRET, self.timestamp, self.body, signature, NOW + 301)

    def test_a_timestamp_far_in_the_future_is_refused(self):
        signature = sign(SECRET, self.timestamp, self.body)

        assert not verify_signature(SECRET, self.timestamp, self.body, signature, NOW - 301)

    @pytest.mark.parametrize(
        ("timestamp", "signature"),
        [("yesterday", "sha256=00"), (str(int(NOW)), "sha256=ünïcode"), (str(int(NOW)), "")],
    )
    def test_malformed_headers_are_refused_without_raising(self, timestamp, signature):
        assert not verify_signature(SECRET, timestamp, self.body, signature, NOW)
