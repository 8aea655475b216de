"""Delivery stays reliable when the worker dies and when platforms misbehave.

The issue's requirement: "A test kills the worker process (SIGKILL) at random points of
delivery many times over and shows no duplicate and no lost post; platform 429, 500,
timeouts, malformed responses and revoked tokens each end in the right state with a message
a person understands."

1. ``test_killed_worker_*``: the real worker (``manage.py db_worker``) delivers a few dozen
   due posts to a local platform (``fake_platform.py``) and is SIGKILLed again and again at
   random moments; the sweep settles what each death left behind. The seed is printed (set
   ITCELL_RELIABILITY_SEED to replay a kill schedule; the timing itself cannot be replayed).
2. ``test_x_*`` / ``test_webhook_*``: each kind of platform failure, answered by a local
   server through the real connector and the real ``deliver`` service.
"""

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from itcell.core import clock
from itcell.notifications.models import Kind, Notification
from itcell.publishing import crypto
from itcell.publishing.errors import Reason
from itcell.publishing.models import Channel, Delivery, Platform, Post
from itcell.publishing.services.delivery import MAX_ATTEMPTS, deliver, sweep
from itcell.publishing.tests import fake_platform, reliability_settings
from itcell.publishing.tests.factories import Cell, channel
from itcell.publishing.workflow import PostState

D = Delivery.State
FINAL = {D.PUBLISHED, D.UNCONFIRMED, D.FAILED}

# Part 1: the worker killed at random ------------------------------------------------------

POSTS = 30
KILLS = 15  # then one last life finishes what is left
KILL_AFTER = 0.3  # seconds at most after the life's first task began (the random kills)
TIME_FOR_KILLS = 150.0  # seconds; a life takes ~2 s (Django's start) on an idle 2-core machine
TIME_TO_SETTLE = 30.0  # seconds after the last kill
LEASE = reliability_settings.ITCELL_DELIVERY_LEASE_SECONDS
WORKER_COMMAND = [
    sys.executable,
    "manage.py",
    "db_worker",
    "--queue-name=*",
    "--interval=0.05",
    "--no-startup-delay",
    "--no-reload",
]


@contextmanager
def database_for_worker(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL at which another process finds this test's database.

    PostgreSQL: the test database by name. SQLite: pytest-django's test database lives in
    this process's memory, out of a worker's reach; it is copied to a file and this process
    uses the file until the end of the test, holding the in-memory one open meanwhile (SQLite
    drops a memory database with its last connection) for pytest-django to flush after.
    """
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        yield (
            f"postgres://{quote(db['USER'], safe='')}:{quote(db['PASSWORD'], safe='')}"
            f"@{quote(db['HOST'] or '127.0.0.1', safe='')}:{db['PORT'] or 5432}"
            f"/{quote(db['NAME'], safe='')}"
        )
        return
    if connection.vendor != "sqlite":
        pytest.skip(f"no way to share a {connection.vendor} test database with a worker")
    if not connection.is_in_memory_db():  # type: ignore[attr-defined]
        yield f"sqlite:///{Path(db['NAME']).resolve()}"
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    in_memory = connection.connection
    copy = sqlite3.connect(path)
    in_memory.backup(copy)
    copy.close()
    name = db["NAME"]
    connection.connection = None  # not closed: that would drop the in-memory database
    db["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        db["NAME"] = name
        connection.connection = in_memory


class Worker:
    """``manage.py db_worker`` in its own process group, started and killed at will; every
    life appends to one log."""

    def __init__(self, *, database_url: str, log: Path) -> None:
        self.log = log
        self.log.touch()
        self.began_at = 0  # where this life's lines start in the log
        self.started_at = timezone.now()
        self.process: subprocess.Popen[bytes] | None = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "itcell.publishing.tests.reliability_settings",
            "DATABASE_URL": database_url,
            "ITCELL_TASKS": "db",
            "ITCELL_SECRET_KEY": django_settings.SECRET_KEY,  # to open channel credentials
            "ITCELL_CREDENTIAL_KEYS": ",".join(django_settings.ITCELL_CREDENTIAL_KEYS),
            "ITCELL_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }

    def start(self) -> None:
        self.began_at = self.log.stat().st_size
        self.started_at = timezone.now()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our interpreter, our manage.py)
                WORKER_COMMAND,
                cwd=django_settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed whole
            )

    def wait_for(self, line: bytes, timeout: float) -> bool:
        """Until this life logged ``line``; False if it did not within ``timeout``."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.log.open("rb") as log:
                log.seek(self.began_at)
                if line in log.read():
                    return True
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}):\n{self.tail()}")
            time.sleep(0.01)
        return False

    def kill(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def bring_retries_forward() -> int:
    """Let every planned backoff pass at once. The backoff (30 s, 1 min, ...) is the clock's
    business, tested in test_delivery.py; here only what a retry does matters, and a test
    cannot wait minutes. Equivalent to the time passing: the sweep then enqueues them."""
    now = timezone.now()
    return Delivery.objects.filter(state=D.RETRYING, next_attempt_at__gt=now).update(
        next_attempt_at=now, enqueued_for=None
    )


def unsettled() -> dict[int, str]:
    return dict(Delivery.objects.exclude(state__in=FINAL).values_list("pk", "state"))


BEFORE_CLAIM = "before the life claimed anything"
BEFORE_REQUEST = "after the claim, before the request reached the platform"
WHILE_PLATFORM_WORKED = "while the platform worked on the request"
AFTER_STORED = "after the platform stored the post, before itcell recorded it"
BETWEEN = "after a delivery was recorded"


@dataclass
class Run:
    kills: list[tuple[float, list[int]]] = field(default_factory=list)  # when, what it cut off
    seconds: float = 0.0

    def moments(self, platform: fake_platform.FakePlatform, key_of: dict[int, str]) -> Counter:
        """Where each kill fell, from the platform's arrival and storing times."""
        moments: Counter[str] = Counter()
        for at, cut_off in self.kills:
            if not cut_off:
                moments[BEFORE_CLAIM if cut_off is None else BETWEEN] += 1
            for pk in cut_off or []:
                key = key_of[pk]
                if platform.stored_at.get(key, at) < at:
                    moments[AFTER_STORED] += 1
                elif platform.arrived_at.get(key, at) < at:
                    moments[WHILE_PLATFORM_WORKED] += 1
                else:
                    moments[BEFORE_REQUEST] += 1
        return moments


def deliver_under_kills(
    worker: Worker, platform: fake_platform.FakePlatform, rng: random.Random
) -> Run:
    """Kill the worker again and again once it has taken a task: at a random moment (the
    claim, the platform's work and the recording take about ``KILL_AFTER``), the moment its
    request reaches the platform, or the moment the platform has handled it, before the
    worker can record the answer. After each death, sweep as the periodic job would. Then
    let one life finish what is left."""
    run = Run()
    started = time.monotonic()
    sweep()  # scheduling queued a task per delivery; the sweep adds any it missed
    worker.start()
    while len(run.kills) < KILLS:
        if time.monotonic() - started > TIME_FOR_KILLS:
            pytest.fail(f"only {len(run.kills)} kills in {TIME_FOR_KILLS} s:\n{worker.tail()}")
        life_began = worker.started_at
        if not worker.wait_for(b"Starting worker", timeout=30):
            pytest.fail(f"the worker did not start within 30 s:\n{worker.tail()}")
        arrived, handled = platform.counts()
        worker.wait_for(b"state=RUNNING", timeout=1)  # none when nothing is left to do
        match len(run.kills) % 3:  # the moments a random kill rarely hits, every third time
            case 1:
                platform.wait_until(arrived=arrived)
            case 2:
                platform.wait_until(handled=handled)
            case _:
                time.sleep(rng.uniform(0, KILL_AFTER))
        worker.kill()
        at, killed_at = time.monotonic(), timezone.now()
        bring_retries_forward()
        worker.start()  # the next life boots while this process looks and sweeps
        claimed = dict(
            Delivery.objects.filter(
                claimed_at__gte=life_began, claimed_at__lte=killed_at
            ).values_list("pk", "state")
        )
        cut_off = [pk for pk, state in claimed.items() if state == D.PUBLISHING]
        run.kills.append((at, cut_off if claimed else None))
        sweep()  # settles deliveries past their lease
    deadline = time.monotonic() + TIME_TO_SETTLE
    while unsettled() and time.monotonic() < deadline:
        time.sleep(0.25)
        bring_retries_forward()
        # Tasks lost with a killed worker before it claimed their delivery are replaced.
        sweep(stale=timedelta(seconds=LEASE))
    worker.kill()
    run.seconds = time.monotonic() - started
    return run


def make_posts(cell: Cell, target: Channel, n: int) -> list[Post]:
    """``n`` approved posts to ``target``, each with its own text, due ten minutes ago;
    scheduling queues a task for each."""
    clock.set_now(timezone.now() - timedelta(minutes=11))
    posts = [
        cell.scheduled(
            in_minutes=1,
            title=f"Relief bulletin {i}",
            text_hi=f"राहत शिविर बुलेटिन {i}: बहादुरगंज के शिविर आज खुले हैं।",
            variants={target.pk: ""},
        )
        for i in range(n)
    ]
    clock.set_now(None)
    return posts


@pytest.fixture
def seed() -> int:
    value = int(os.environ.get("ITCELL_RELIABILITY_SEED") or random.SystemRandom().randrange(10**6))
    print(f"reliability seed: {value} (ITCELL_RELIABILITY_SEED={value} replays the schedule)")
    return value


@pytest.fixture
def worker_settings(settings):  # type: ignore[no-untyped-def]
    """This process (which schedules and sweeps) agrees with the worker: the same lease,
    connectors and task backend."""
    settings.ITCELL_DELIVERY_LEASE_SECONDS = LEASE
    settings.ITCELL_CONNECTORS = reliability_settings.ITCELL_CONNECTORS
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    return settings


def report(
    name: str, seed: int, run: Run, platform: fake_platform.FakePlatform, key_of: dict[int, str]
) -> Counter:
    """Print what happened (``pytest -s`` shows it) and return where the kills fell."""
    states = Counter(Delivery.objects.values_list("state", flat=True))
    stored = len(platform.posts)
    moments = run.moments(platform, key_of)
    print(
        f"{name} seed={seed}: {len(run.kills)} kills in {run.seconds:.1f} s, "
        + "; ".join(f"{n} {moment}" for moment, n in moments.most_common())
        + f". The platform had {len(platform.requests)} requests and stored {stored} posts "
        f"(its dedupe absorbed {len(platform.requests) - stored}). Deliveries: {dict(states)}"
    )
    return moments


def assert_nothing_twice_nothing_lost(
    platform: fake_platform.FakePlatform, key_of: dict[int, str], seed: int
) -> None:
    """The platform holds at most one post per delivery; what itcell calls published is
    there with that id; whatever is there is published or left for a person to confirm."""
    assert not unsettled(), f"seed {seed}: deliveries not settled: {unsettled()}"
    twice = {key: n for key, n in platform.posts_per_key().items() if n > 1}
    assert not twice, f"seed {seed}: posted more than once: {twice}"
    assert not platform.refused, f"seed {seed}: the platform refused {platform.refused}"
    deliveries = {d.pk: d for d in Delivery.objects.all()}
    stored = platform.stored()
    for pk, delivery in deliveries.items():
        if delivery.state == D.PUBLISHED:
            post = stored.get(delivery.remote_id)
            assert post is not None, f"seed {seed}: delivery {pk} published, not on the platform"
            assert post.key == key_of[pk], f"seed {seed}: delivery {pk} has another post's id"
    delivery_of = {key: pk for pk, key in key_of.items()}
    for post in stored.values():
        delivery = deliveries[delivery_of[post.key]]
        assert delivery.state in (D.PUBLISHED, D.UNCONFIRMED), (
            f"seed {seed}: post {post.remote_id} is on the platform but its delivery "
            f"{delivery.pk} is {delivery.state} ({delivery.reason}, {delivery.attempts} tries)"
        )
        if delivery.state == D.PUBLISHED:
            assert delivery.remote_id == post.remote_id


@pytest.mark.django_db(transaction=True)
def test_killed_worker_never_double_posts_where_the_platform_dedupes(
    cell, worker_settings, seed, tmp_path
):
    """Webhook (idempotent): a death after the claim is retried with the same key; the
    receiver drops the repeat, so every post lands once and is recorded as published."""
    rng = random.Random(seed)
    with (
        database_for_worker(tmp_path) as database_url,
        fake_platform.FakePlatform(seed=seed) as platform,
    ):
        website = channel(
            cell.election, handle="party-website", connector="webhook", platform=Platform.WEBSITE
        )
        website.api_url = f"{platform.url}/hook"
        website.credentials_sealed = crypto.seal({"secret": fake_platform.SECRET})
        website.save()
        make_posts(cell, website, POSTS)
        key_of = dict(Delivery.objects.values_list("pk", "idempotency_key"))
        worker = Worker(database_url=database_url, log=tmp_path / "worker.log")
        try:
            run = deliver_under_kills(worker, platform, rng)
        finally:
            worker.kill()
        moments = report("webhook", seed, run, platform, key_of)
        assert moments[WHILE_PLATFORM_WORKED] >= 1, "no kill fell while the platform worked"
        assert moments[AFTER_STORED] >= 1, "no kill fell between the platform and the record"
        assert_nothing_twice_nothing_lost(platform, key_of, seed)
        # Idempotent: nothing is left for a person, unless one delivery lost its worker on
        # every try (then it is unconfirmed: see the last test of this file).
        states = Counter(Delivery.objects.values_list("state", flat=True))
        assert states[D.PUBLISHED] == POSTS, (seed, states)


@pytest.mark.django_db(transaction=True)
def test_killed_worker_never_double_posts_where_the_platform_cannot_dedupe(
    cell, worker_settings, seed, tmp_path
):
    """X (no key, no lookup): a death after the claim leaves the delivery unconfirmed for a
    person, never retried, so no post ever goes out twice."""
    rng = random.Random(seed)
    with (
        database_for_worker(tmp_path) as database_url,
        fake_platform.FakePlatform(seed=seed) as platform,
    ):
        x = channel(cell.election, handle="@reliability_x", connector="x")
        x.api_url = platform.url
        x.save()
        posts = make_posts(cell, x, POSTS)
        # X takes no idempotency key: on the fake platform a post's text is its identity.
        key_of = {post.deliveries.get().pk: post.variants.get().final_text for post in posts}
        worker = Worker(database_url=database_url, log=tmp_path / "worker.log")
        try:
            run = deliver_under_kills(worker, platform, rng)
        finally:
            worker.kill()
        moments = report("x", seed, run, platform, key_of)
        assert moments[WHILE_PLATFORM_WORKED] >= 1, "no kill fell while the platform worked"
        assert moments[AFTER_STORED] >= 1, "no kill fell between the platform and the record"
        asked_twice = {key: n for key, n in platform.requests_per_key().items() if n > 1}
        assert not asked_twice, f"seed {seed}: X was asked twice for {asked_twice}"
        assert_nothing_twice_nothing_lost(platform, key_of, seed)
        unconfirmed = list(Delivery.objects.filter(state=D.UNCONFIRMED))
        assert {d.reason for d in unconfirmed} <= {Reason.WORKER_LOST}
        on_x = platform.posts_per_key()
        landed = sum(1 for d in unconfirmed if key_of[d.pk] in on_x)
        print(f"x: of {len(unconfirmed)} unconfirmed deliveries, {landed} had landed")


# Part 2: each platform failure ends in the right state, in words --------------------------

TIMEOUT = 0.3  # seconds: the connectors' timeout here, so a stalled answer is quick to test
STALL = 0.6  # seconds a stalled answer takes (the test server answers one at a time)


@pytest.fixture
def short_timeouts(settings):  # type: ignore[no-untyped-def]
    options = {"timeout": TIMEOUT}
    settings.ITCELL_CONNECTORS = {
        **settings.ITCELL_CONNECTORS,
        "x": {"BACKEND": "itcell.publishing.connectors.x.XConnector", "OPTIONS": options},
        "webhook": {
            "BACKEND": "itcell.publishing.connectors.webhook.WebhookConnector",
            "OPTIONS": options,
        },
    }


@pytest.fixture
def x_channel(cell, httpserver: HTTPServer, short_timeouts) -> Channel:  # type: ignore[no-untyped-def]
    target = channel(cell.election, handle="@BiharForward", connector="x")
    target.api_url = httpserver.url_for("/")
    target.save()
    return target


@pytest.fixture
def website(cell, httpserver: HTTPServer, short_timeouts) -> Channel:  # type: ignore[no-untyped-def]
    target = channel(
        cell.election, handle="party-website", connector="webhook", platform=Platform.WEBSITE
    )
    target.api_url = httpserver.url_for("/hook")
    target.credentials_sealed = crypto.seal({"secret": fake_platform.SECRET})
    target.save()
    return target


def due_delivery(cell: Cell, target: Channel) -> Delivery:
    """A post scheduled to ``target``, with the clock (on a whole second) at its time."""
    post = cell.scheduled(variants={target.pk: ""})
    assert post.publish_at is not None
    clock.set_now(post.publish_at.replace(microsecond=0) + timedelta(seconds=1))
    return post.deliveries.get()


def created(tweet_id: str = "1880000000000000001") -> dict[str, object]:
    return {"data": {"id": tweet_id, "text": "…", "edit_history_tweet_ids": [tweet_id]}}


def stalled(body: dict[str, object], status: int = 200):  # type: ignore[no-untyped-def]
    """A handler that answers after the connector has stopped waiting."""

    def handler(request: Request) -> Response:
        time.sleep(STALL)
        return Response(json.dumps(body), status=status, content_type="application/json")

    return handler


READABLE = re.compile(r"^[a-z][a-z' ,.-]+$")  # lower case words completing "Not published:"


def assert_told_in_words(delivery: Delivery, cell: Cell, *, notified: bool) -> None:
    """The reason shown is a sentence (not a code, class name or traceback), and the
    author hears of a failed or unconfirmed delivery (not of a retry itcell handles)."""
    delivery.refresh_from_db()
    shown = str(delivery.get_reason_display())
    assert shown != delivery.reason
    assert READABLE.match(shown), shown
    assert len(shown.split()) >= 4, shown
    for jargon in ("Error", "Exception", "Timeout", "Traceback", "httpx", "HTTP", "_"):
        assert jargon not in shown, shown
    told = Notification.objects.filter(recipient=cell.writer, kind=Kind.DELIVERY)
    if not notified:
        assert not told.exists()
        return
    notice = told.get()
    assert notice.body == shown
    assert str(delivery.get_state_display()) in notice.title
    assert delivery.post.title in notice.title


@pytest.mark.django_db
def test_x_rate_limit_waits_until_the_window_resets(cell, x_channel, httpserver):
    delivery = due_delivery(cell, x_channel)
    reset = int(clock.now().timestamp()) + 90
    httpserver.expect_ordered_request("/2/tweets", method="POST").respond_with_json(
        {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
        status=429,
        headers={"x-rate-limit-reset": str(reset), "x-rate-limit-remaining": "0"},
    )
    httpserver.expect_ordered_request("/2/tweets", method="POST").respond_with_json(
        created(), status=201
    )
    assert deliver(delivery_id=delivery.pk) == D.RETRYING
    delivery.refresh_from_db()
    assert delivery.reason == Reason.RATE_LIMITED
    assert delivery.next_attempt_at == clock.now() + timedelta(seconds=90)
    assert_told_in_words(delivery, cell, notified=False)
    assert deliver(delivery_id=delivery.pk) == "skipped"  # not before the window resets
    clock.advance(timedelta(seconds=90))
    assert deliver(delivery_id=delivery.pk) == D.PUBLISHED
    assert len(httpserver.log) == 2


@pytest.mark.django_db
def test_x_server_errors_are_retried_then_fail_with_the_reason(cell, x_channel, httpserver):
    delivery = due_delivery(cell, x_channel)
    httpserver.expect_request("/2/tweets", method="POST").respond_with_data(
        "upstream connect error", status=500
    )
    states = []
    for _ in range(MAX_ATTEMPTS):
        states.append(deliver(delivery_id=delivery.pk))
        clock.advance(timedelta(minutes=10))
    assert states == [D.RETRYING] * (MAX_ATTEMPTS - 1) + [D.FAILED]
    delivery.refresh_from_db()
    assert (delivery.reason, delivery.attempts) == (Reason.SERVER_ERROR, MAX_ATTEMPTS)
    assert "upstream connect error" in delivery.detail  # the platform's words, for whoever digs
    assert Post.objects.get(pk=delivery.post_id).state == PostState.FAILED
    assert_told_in_words(delivery, cell, notified=True)


@pytest.mark.django_db
def test_x_timeout_after_sending_is_unconfirmed_never_retried(cell, x_channel, httpserver):
    delivery = due_delivery(cell, x_channel)
    httpserver.expect_request("/2/tweets", method="POST").respond_with_handler(
        stalled(created(), status=201)
    )
    assert deliver(delivery_id=delivery.pk) == D.UNCONFIRMED
    time.sleep(STALL)  # the stalled answer goes out (and nowhere)
    delivery.refresh_from_db()
    assert delivery.reason == Reason.TIMEOUT
    clock.advance(timedelta(hours=1))
    assert sweep().enqueued == 0
    assert deliver(delivery_id=delivery.pk) == "skipped"
    assert len(httpserver.log) == 1  # X may have posted it: never asked again
    assert_told_in_words(delivery, cell, notified=True)


@pytest.mark.django_db
def test_x_malformed_answer_is_unconfirmed(cell, x_channel, httpserver):
    delivery = due_delivery(cell, x_channel)
    httpserver.expect_request("/2/tweets", method="POST").respond_with_data(
        "<html><body>Over capacity</body></html>", status=200, content_type="text/html"
    )
    assert deliver(delivery_id=delivery.pk) == D.UNCONFIRMED
    delivery.refresh_from_db()
    assert delivery.reason == Reason.BAD_ANSWER
    assert "Over capacity" in delivery.detail
    assert len(httpserver.log) == 1
    assert_told_in_words(delivery, cell, notified=True)


@pytest.mark.django_db
def test_x_answer_without_the_post_is_unconfirmed(cell, x_channel, httpserver):
    delivery = due_delivery(cell, x_channel)
    httpserver.expect_request("/2/tweets", method="POST").respond_with_json(
        {"data": {"text": "no id"}}, status=201
    )
    assert deliver(delivery_id=delivery.pk) == D.UNCONFIRMED
    delivery.refresh_from_db()
    assert delivery.reason == Reason.BAD_ANSWER
    assert_told_in_words(delivery, cell, notified=True)


@pytest.mark.django_db
def test_x_revoked_token_fails_and_asks_for_reauthorisation(cell, x_channel, httpserver):
    delivery = due_delivery(cell, x_channel)
    httpserver.expect_request("/2/tweets", method="POST").respond_with_json(
        {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"},
        status=401,
    )
    assert deliver(delivery_id=delivery.pk) == D.FAILED
    delivery.refresh_from_db()
    x_channel.refresh_from_db()
    assert delivery.reason == Reason.AUTH_EXPIRED
    assert x_channel.status == Channel.Status.NEEDS_REAUTH
    assert "Unauthorized" in delivery.detail
    assert_told_in_words(delivery, cell, notified=True)


class Receiver:
    """A webhook receiver keeping the contract (dedupes on the key), whose first
    ``stall_first`` answers come too late for the connector."""

    def __init__(self, stall_first: int = 0) -> None:
        self.keys: list[str] = []
        self.stored: dict[str, str] = {}
        self.stall_first = stall_first

    def __call__(self, request: Request) -> Response:
        key = request.headers["X-Itcell-Idempotency-Key"]
        self.keys.append(key)
        post_id = self.stored.setdefault(key, f"post-{len(self.stored) + 1}")
        if len(self.keys) <= self.stall_first:
            time.sleep(STALL)
        body = {"id": post_id, "url": f"https://bjp.example/posts/{post_id}"}
        return Response(json.dumps(body), status=200, content_type="application/json")


@pytest.mark.django_db
def test_webhook_timeout_is_retried_and_the_receiver_drops_the_repeat(cell, website, httpserver):
    delivery = due_delivery(cell, website)
    receiver = Receiver(stall_first=1)
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    assert deliver(delivery_id=delivery.pk) == D.RETRYING
    time.sleep(STALL)
    delivery.refresh_from_db()
    assert delivery.reason == Reason.TIMEOUT
    assert_told_in_words(delivery, cell, notified=False)
    clock.advance(timedelta(minutes=1))
    assert deliver(delivery_id=delivery.pk) == D.PUBLISHED
    delivery.refresh_from_db()
    assert receiver.keys == [delivery.idempotency_key] * 2
    assert list(receiver.stored) == [delivery.idempotency_key]  # one post
    assert delivery.remote_id == "post-1"


@pytest.mark.django_db
def test_webhook_malformed_answer_is_retried(cell, website, httpserver):
    delivery = due_delivery(cell, website)
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data(
        "OK", status=200, content_type="text/plain"
    )
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_json(
        {"id": "post-1", "url": "https://bjp.example/posts/post-1"}
    )
    assert deliver(delivery_id=delivery.pk) == D.RETRYING
    delivery.refresh_from_db()
    assert delivery.reason == Reason.BAD_ANSWER
    assert_told_in_words(delivery, cell, notified=False)
    clock.advance(timedelta(minutes=1))
    assert deliver(delivery_id=delivery.pk) == D.PUBLISHED


@pytest.mark.django_db
def test_webhook_rate_limit_and_server_error_are_retried(cell, website, httpserver):
    delivery = due_delivery(cell, website)
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"}
    )
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("oops", status=503)
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_json({"id": "p-9"})
    assert deliver(delivery_id=delivery.pk) == D.RETRYING
    delivery.refresh_from_db()
    assert (delivery.reason, delivery.next_attempt_at) == (
        Reason.RATE_LIMITED,
        clock.now() + timedelta(seconds=120),
    )
    clock.advance(timedelta(seconds=120))
    assert deliver(delivery_id=delivery.pk) == D.RETRYING
    delivery.refresh_from_db()
    assert delivery.reason == Reason.SERVER_ERROR
    assert_told_in_words(delivery, cell, notified=False)
    clock.advance(timedelta(minutes=5))
    assert deliver(delivery_id=delivery.pk) == D.PUBLISHED


@pytest.mark.django_db
def test_webhook_revoked_secret_fails_and_asks_for_reauthorisation(cell, website, httpserver):
    delivery = due_delivery(cell, website)
    httpserver.expect_request("/hook", method="POST").respond_with_data(
        "signature does not match", status=401
    )
    assert deliver(delivery_id=delivery.pk) == D.FAILED
    delivery.refresh_from_db()
    website.refresh_from_db()
    assert delivery.reason == Reason.AUTH_EXPIRED
    assert website.status == Channel.Status.NEEDS_REAUTH
    assert_told_in_words(delivery, cell, notified=True)


@pytest.mark.django_db
def test_webhook_that_never_answers_in_time_is_left_unconfirmed(cell, website, httpserver):
    """Every try timed out, and each may have landed (here each did): once itcell gives
    up, the delivery is for a person to confirm, not "failed"."""
    delivery = due_delivery(cell, website)
    receiver = Receiver(stall_first=MAX_ATTEMPTS)
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver)
    for _ in range(MAX_ATTEMPTS):
        deliver(delivery_id=delivery.pk)
        time.sleep(STALL)
        clock.advance(timedelta(minutes=10))
    delivery.refresh_from_db()
    assert len(receiver.keys) == MAX_ATTEMPTS
    assert receiver.stored == {delivery.idempotency_key: "post-1"}  # it is on the receiver
    assert delivery.state == D.UNCONFIRMED
    assert_told_in_words(delivery, cell, notified=True)
