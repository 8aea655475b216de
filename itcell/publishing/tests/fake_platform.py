"""A local platform for the reliability test: a threaded HTTP server in the test process
that speaks two connectors' contracts and remembers every request and every stored post.

* ``POST /hook``: a webhook receiver keeping the contract of ``connectors/webhook.py``
  (checks the signature, dedupes on ``X-Itcell-Idempotency-Key``, answers ``{"id", "url"}``);
* ``POST /2/tweets``: X's API v2 create-post call (a bearer token, answers
  ``{"data": {"id", "text"}}``). X takes no idempotency key, so every request stores a post.

Each request waits a random moment before storing the post and another before answering,
so a worker killed at a random time dies before, during or after the platform's work; the
platform notes when each post's first request arrived and when it was stored, so the test
can tell afterwards where each kill fell.
"""

import json
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from itcell.publishing.connectors.webhook import verify_signature

SECRET = "whsec_reliability"
TOKEN = "secret-token"  # what factories.channel seals as the access token


@dataclass(frozen=True)
class StoredPost:
    remote_id: str
    key: str  # the idempotency key (webhook) or the text (X: it sends no key)
    text: str


@dataclass
class FakePlatform:
    """Start with ``start()`` (or ``with``); ``url`` is where the connectors point."""

    seed: int
    before_storing: tuple[float, float] = (0.0, 0.12)  # seconds, at random
    before_answering: tuple[float, float] = (0.02, 0.12)
    requests: list[str] = field(default_factory=list)  # each request's key, as it was handled
    posts: list[StoredPost] = field(default_factory=list)  # what the platform stored
    refused: list[str] = field(default_factory=list)  # requests refused (bad signature, token)
    arrived_at: dict[str, float] = field(default_factory=dict)  # key: first arrival (monotonic)
    stored_at: dict[str, float] = field(default_factory=dict)  # key: when it was stored

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._arrivals = 0
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "FakePlatform":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakePlatform":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # What the test reads --------------------------------------------------------------

    def requests_per_key(self) -> Counter[str]:
        with self._lock:
            return Counter(self.requests)

    def stored(self) -> dict[str, StoredPost]:
        """The stored posts by remote id."""
        with self._lock:
            return {p.remote_id: p for p in self.posts}

    def posts_per_key(self) -> Counter[str]:
        with self._lock:
            return Counter(p.key for p in self.posts)

    def counts(self) -> tuple[int, int]:
        """How many requests arrived, and how many were handled (stored or dropped)."""
        with self._lock:
            return self._arrivals, len(self.requests)

    def wait_until(self, *, arrived: int | None = None, handled: int | None = None) -> bool:
        """Until more than ``arrived`` requests arrived, or more than ``handled`` were
        handled; False after a second without."""
        with self._changed:
            return self._changed.wait_for(
                lambda: (
                    (arrived is not None and self._arrivals > arrived)
                    or (handled is not None and len(self.requests) > handled)
                ),
                timeout=1.0,
            )

    # What the handler calls -----------------------------------------------------------

    def arrive(self, key: str) -> None:
        with self._changed:
            self._arrivals += 1
            self.arrived_at.setdefault(key, time.monotonic())
            self._changed.notify_all()

    def pause(self, between: tuple[float, float]) -> None:
        with self._lock:
            seconds = self._random.uniform(*between)
        time.sleep(seconds)

    def store(self, *, key: str, text: str, dedupe: bool) -> StoredPost:
        with self._changed:
            try:
                self.requests.append(key)
                if dedupe:
                    for post in self.posts:
                        if post.key == key:
                            return post  # the contract: the same id, nothing new stored
                post = StoredPost(remote_id=str(1_000_000 + len(self.posts)), key=key, text=text)
                self.posts.append(post)
                self.stored_at.setdefault(key, time.monotonic())
                return post
            finally:
                self._changed.notify_all()

    def refuse(self, why: str) -> None:
        with self._lock:
            self.refused.append(why)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
        # else: a killed worker hung up mid-request; nothing to report


def _handler_for(platform: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/hook":
                self._webhook(raw)
            elif self.path == "/2/tweets":
                self._tweet(raw)
            else:
                self._answer(404, {"error": "no such path"})

        def _webhook(self, raw: bytes) -> None:
            if not verify_signature(
                SECRET,
                self.headers.get("X-Itcell-Timestamp", ""),
                raw,
                self.headers.get("X-Itcell-Signature", ""),
                now=time.time(),
            ):
                platform.refuse("bad signature")
                self._answer(401, {"error": "bad signature"})
                return
            body = json.loads(raw)
            key = self.headers.get("X-Itcell-Idempotency-Key", "")
            platform.arrive(key)
            platform.pause(platform.before_storing)
            post = platform.store(key=key, text=body["text"], dedupe=True)
            platform.pause(platform.before_answering)
            self._answer(
                200, {"id": post.remote_id, "url": f"{platform.url}/posts/{post.remote_id}"}
            )

        def _tweet(self, raw: bytes) -> None:
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                platform.refuse("bad token")
                self._answer(401, {"title": "Unauthorized", "detail": "Unauthorized"})
                return
            text = json.loads(raw)["text"]
            platform.arrive(text)
            platform.pause(platform.before_storing)
            post = platform.store(key=text, text=text, dedupe=False)
            platform.pause(platform.before_answering)
            self._answer(201, {"data": {"id": post.remote_id, "text": text}})

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the worker was killed while waiting: the post stays stored

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the test reports what it needs

    return Handler
