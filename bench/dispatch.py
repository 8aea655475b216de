"""Delivery at scale, the issue's benchmark: 10,000 deliveries due in the same minute to a
local fake platform, with two workers, on each task backend the database allows (SQLite: the
database backend; PostgreSQL: the database backend, then Celery with Redis). Reports the time
from the due time until all are published, requests the platform got twice for one delivery
(must be 0), deliveries left unpublished (must be 0), and the time against the fake platform's
own: how long two clients take to send it the same number of requests, in the same run
("x baseline", as in ``bench.pages``). Exits non-zero when a delivery was sent twice or left
unpublished.

    python -m bench                    # every benchmark, on SQLite and on PostgreSQL
    ITCELL_BENCH_DELIVERIES=500 ...    # fewer deliveries, to try a change quickly

One process per role, all started from here and stopped in ``finally``:

* ``python -m bench.dispatch``: runs one measurement per backend, each in a child process
  (``ITCELL_TASKS`` is read once, at start-up);
* ``... run <backend>``: the fake platform, the data, the baseline, two workers, the sweep;
* ``... serve``: the fake platform, a threaded HTTP server that keeps the webhook contract
  (verifies the signature, dedupes on the idempotency key, answers ``{"id", "url"}``) and
  counts every request per key;
* ``... load``: one client of the baseline, posting the requests the connector would send,
  as fast as it can, without the database.
"""

import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
CHANNELS = 4
#: Celery's broker and results, on a Redis database no other part of itcell uses.
REDIS_URL = "redis://127.0.0.1:6379/9"
READY_TIMEOUT = 90.0  # seconds for a worker to start
STALL_TIMEOUT = 60.0  # seconds without a delivery finishing before the run is called stuck
TEXT_HI = "बहादुरगंज में राहत शिविर आज से खुले हैं। हेल्पलाइन 1800-345-6145 पर कॉल करें। #बाढ़_राहत"
TEXT_EN = "Relief camps in Bahadurganj are open from today. Call 1800-345-6145. #FloodRelief"


def deliveries_wanted() -> int:
    return int(os.environ.get("ITCELL_BENCH_DELIVERIES", "10000"))


def backends_for(database: str) -> list[str]:
    # Celery is measured on PostgreSQL only: SQLite with Celery is not a deployment target.
    return ["db", "celery"] if database == "postgresql" else ["db"]


def raise_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so ``finally`` stops what this process started."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# The fake platform ---------------------------------------------------------------------


class Platform(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, secret: str) -> None:
        super().__init__(("127.0.0.1", 0), Receiver)
        self.secret = secret
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.ids: dict[str, str] = {}


class Receiver(BaseHTTPRequestHandler):
    """The receiver's side of the webhook contract (``connectors/webhook.py``)."""

    protocol_version = "HTTP/1.1"
    # One write per answer, sent at once: headers and body in separate small writes meet
    # Nagle's algorithm and delayed ACKs, and the fake platform would wait 40 ms per request.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server: Platform

    def do_POST(self) -> None:
        from itcell.publishing.connectors.webhook import verify_signature

        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/reset":
            with self.server.lock:
                self.server.counts.clear()
                self.server.ids.clear()
            self.answer(200, {})
            return
        signed = verify_signature(
            self.server.secret,
            self.headers.get("X-Itcell-Timestamp", ""),
            body,
            self.headers.get("X-Itcell-Signature", ""),
            time.time(),
        )
        if not signed:
            self.answer(401, {"error": "bad signature"})
            return
        key = json.loads(body)["idempotency_key"]
        if key != self.headers.get("X-Itcell-Idempotency-Key"):
            self.answer(400, {"error": "the key in the body is not the key in the header"})
            return
        with self.server.lock:
            self.server.counts[key] += 1
            remote_id = self.server.ids.setdefault(key, str(len(self.server.ids) + 1))
        self.answer(200, {"id": remote_id, "url": f"https://platform.invalid/p/{remote_id}"})

    def do_GET(self) -> None:
        with self.server.lock:
            counts = dict(self.server.counts)
        self.answer(200, {"counts": counts})

    def answer(self, status: int, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve() -> None:
    platform = Platform(os.environ["ITCELL_BENCH_SECRET"])
    print(f"http://127.0.0.1:{platform.server_address[1]}", flush=True)
    platform.serve_forever()


# One client of the baseline ------------------------------------------------------------


def load() -> None:
    """Post ``ITCELL_BENCH_LOAD_COUNT`` requests from ``ITCELL_BENCH_LOAD_AT`` (unix time) on,
    one after another, as fast as one client can; print when it started and ended. Each
    request is what the webhook connector sends for one delivery (same body, same signature),
    over one kept-alive connection: the platform's capacity, not the connector's."""
    import httpx

    from itcell.publishing.connectors.webhook import signed_request

    url = os.environ["ITCELL_BENCH_URL"] + "/hooks/capacity"
    secret = os.environ["ITCELL_BENCH_SECRET"]
    count = int(os.environ["ITCELL_BENCH_LOAD_COUNT"])
    with httpx.Client(timeout=20) as client:
        time.sleep(max(float(os.environ["ITCELL_BENCH_LOAD_AT"]) - time.time(), 0))
        started = time.time()
        for _ in range(count):
            raw, headers = signed_request(
                secret=secret,
                idempotency_key=uuid.uuid4().hex,
                text=TEXT_HI,
                handle="@capacity",
                now=datetime.now(UTC),
            )
            client.post(url, content=raw, headers=headers).raise_for_status()
    print(json.dumps({"started": started, "ended": time.time(), "requests": count}))


# One backend ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    backend: str
    deliveries: int
    capacity_seconds: float
    enqueue_seconds: float
    seconds: float  # from the due time until the last delivery was recorded published
    first_claim_seconds: float  # from the due time until a worker claimed the first one
    claim_to_done_ms: float  # median, claimed -> recorded published, one delivery
    states: dict[str, int]
    duplicates: int
    unknown_keys: int  # keys the platform received that are not a published delivery's
    missing_keys: int  # published deliveries whose key the platform never received
    task_errors: Counter[str]  # what the tasks that raised said last, from the worker logs
    load: tuple[float, float]  # the machine's 1-minute load average at the due time, at the end


def child_env(backend: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
        "ITCELL_TASKS": backend,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "PYTHONUNBUFFERED": "1",
    }


def wait_for_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line:
        raise RuntimeError(f"{process.args!r} exited before saying where it listens")
    return line


def measure_capacity(*, url: str, secret: str, requests: int, log_dir: Path) -> float:
    """Seconds ``WORKERS`` clients take to post ``requests`` signed requests, with nothing
    else in the way: what the fake platform can take on this machine, now."""
    share = math.ceil(requests / WORKERS)
    start_at = time.time() + 5  # after every client has started, on a busy machine too
    env = {
        **child_env("immediate"),
        "ITCELL_BENCH_URL": url,
        "ITCELL_BENCH_SECRET": secret,
        "ITCELL_BENCH_LOAD_COUNT": str(share),
        "ITCELL_BENCH_LOAD_AT": str(start_at),
    }
    clients = []
    for n in range(WORKERS):
        with (log_dir / f"dispatch-load-{n}.log").open("w") as log:
            clients.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bench.dispatch", "load"],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                )
            )
    try:
        reports = []
        for client in clients:
            out, _ = client.communicate(timeout=600)
            if client.returncode != 0:
                raise RuntimeError(f"a baseline client failed; see {log_dir}/dispatch-load-*.log")
            reports.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for client in clients:
            stop(client)
    seconds = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    return seconds * requests / sum(r["requests"] for r in reports)


def start_workers(backend: str, log_dir: Path) -> list[subprocess.Popen[Any]]:
    """Two workers as an operator would run them: ``db_worker`` with the options of
    ``itcell worker``, or Celery with one task at a time per process."""
    commands = {
        "db": lambda n: [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name=*",
            "--interval=0.5",
            "--no-reload",
            f"--worker-id=bench-{n}",
        ],
        "celery": lambda n: [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            f"--hostname=bench{n}@%h",
        ],
    }
    ready = {"db": "Starting worker", "celery": " ready."}[backend]
    workers = []
    for n in range(WORKERS):
        with (log_dir / f"dispatch-{backend}-worker-{n}.log").open("w") as log:
            workers.append(
                subprocess.Popen(
                    commands[backend](n),
                    env=child_env(backend),
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    deadline = time.monotonic() + READY_TIMEOUT
    for n, worker in enumerate(workers):
        path = log_dir / f"dispatch-{backend}-worker-{n}.log"
        while ready not in path.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {n} did not start; see {path}")
            time.sleep(0.2)
    return workers


def run(backend: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if backend == "celery":
        # Enqueue through itcell's Celery app, configured from settings as the workers are.
        # (The web and scheduler processes do not import it: their enqueues go through
        # Celery's default app, which reads only the CELERY_BROKER_URL environment variable.)
        import redis

        import config.celery  # noqa: F401

        redis.Redis.from_url(REDIS_URL).flushdb()
    import django

    django.setup()
    from django.conf import settings

    assert backend == settings.TASKS_BACKEND, "ITCELL_TASKS differs from the backend asked for"
    log_dir = Path(settings.VAR_DIR)
    secret = uuid.uuid4().hex
    with (log_dir / "dispatch-platform.log").open("w") as log:
        platform = subprocess.Popen(
            [sys.executable, "-m", "bench.dispatch", "serve"],
            env={**child_env(backend), "ITCELL_BENCH_SECRET": secret},
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    workers: list[subprocess.Popen[Any]] = []
    try:
        url = wait_for_line(platform)
        outcome = measure(backend, url=url, secret=secret, log_dir=log_dir, workers=workers)
    finally:
        for process in [*workers, platform]:
            stop(process)
        if backend == "celery":
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
    report(outcome)
    healthy = (
        outcome.duplicates == 0
        and outcome.states.get("published", 0) == outcome.deliveries
        and outcome.unknown_keys == 0
        and outcome.missing_keys == 0
    )
    return 0 if healthy else 1


def measure(
    backend: str, *, url: str, secret: str, log_dir: Path, workers: list[subprocess.Popen[Any]]
) -> Outcome:
    import httpx
    from django.db import connections
    from django.db.models import Count, Min

    from itcell.publishing.models import Delivery, Post
    from itcell.publishing.services.delivery import sweep

    n = deliveries_wanted()
    channels = prepare(n=n, url=url, secret=secret)
    mine = Delivery.objects.filter(channel__in=channels)
    connections.close_all()

    capacity = measure_capacity(url=url, secret=secret, requests=n, log_dir=log_dir)
    httpx.post(f"{url}/reset")

    workers.extend(start_workers(backend, log_dir))
    due = datetime.fromtimestamp(math.ceil(time.time()) + 2, UTC)
    mine.update(due_at=due)
    Post.objects.filter(pk__in=mine.values("post_id")).update(publish_at=due)
    connections.close_all()
    time.sleep(max(due.timestamp() - time.time(), 0))
    load_at_start = os.getloadavg()[0]

    # The measured path: the sweep enqueues every due delivery (as it does after a pause is
    # lifted, or for a delivery whose deferred task was lost), each task runs
    # ``services.delivery.deliver``: claim under row locks, the webhook call, the record.
    swept = sweep(limit=n, stale=timedelta(0))
    enqueue_seconds = time.time() - due.timestamp()
    if swept.enqueued != n:
        raise RuntimeError(f"the sweep enqueued {swept.enqueued} deliveries, not {n}")

    waiting = [Delivery.State.PENDING, Delivery.State.RETRYING, Delivery.State.PUBLISHING]
    last_change, last_open = time.monotonic(), n
    while True:
        time.sleep(0.5)
        open_ = mine.filter(state__in=waiting).count()
        connections.close_all()
        if open_ == 0:
            break
        if open_ != last_open:
            last_change, last_open = time.monotonic(), open_
        elif time.monotonic() - last_change > STALL_TIMEOUT:
            break
        for worker in workers:
            if worker.poll() is not None:
                raise RuntimeError(f"a worker exited early; see {log_dir}/dispatch-*.log")

    states = dict(mine.values_list("state").annotate(n=Count("id")).order_by())
    published = mine.filter(state=Delivery.State.PUBLISHED)
    spans = [(c, f) for c, f in published.values_list("claimed_at", "finished_at") if c and f]
    seconds = max((f - due).total_seconds() for _, f in spans) if spans else math.inf
    first = mine.aggregate(first=Min("claimed_at"))["first"]
    counts: dict[str, int] = httpx.get(url, timeout=30).json()["counts"]
    keys = set(published.values_list("idempotency_key", flat=True))
    return Outcome(
        backend=backend,
        deliveries=n,
        capacity_seconds=capacity,
        enqueue_seconds=enqueue_seconds,
        seconds=seconds,
        first_claim_seconds=(first - due).total_seconds() if first else math.inf,
        claim_to_done_ms=statistics.median((f - c).total_seconds() * 1000 for c, f in spans)
        if spans
        else math.inf,
        states=states,
        duplicates=sum(c - 1 for c in counts.values()),
        unknown_keys=len(counts.keys() - keys),
        missing_keys=len(keys - counts.keys()),
        task_errors=task_errors(log_dir.glob(f"dispatch-{backend}-worker-*.log")),
        load=(load_at_start, os.getloadavg()[0]),
    )


def task_errors(logs: Iterable[Path]) -> Counter[str]:
    """The exception each failed task ended with ("OperationalError: deadlock detected")."""
    errors: Counter[str] = Counter()
    for log in logs:
        for entry in re.split(r"\n(?=\[?\d{4}-\d\d-\d\d )", log.read_text()):
            if "state=FAILED" in entry:
                raised = re.findall(r"^(?:\w+\.)*([A-Z]\w*[a-z]\w*: .*)$", entry, re.MULTILINE)
                errors[raised[-1][:80] if raised else "?"] += 1
    return errors


def prepare(*, n: int, url: str, secret: str) -> list[Any]:
    """Bihar 2020, its desks, a writer and a desk lead at AC 52, ``CHANNELS`` webhook
    channels of the party on the fake platform, and ``n`` pending deliveries of scheduled
    posts. Returns the channels (whose deliveries are this run's)."""
    from django.core.management import call_command
    from django.db import transaction

    from itcell.accounts.services import create_user
    from itcell.core import clock
    from itcell.elections.models import AssemblyConstituency, Election
    from itcell.elections.services import load_election
    from itcell.organisation.models import Desk
    from itcell.organisation.roles import Role
    from itcell.organisation.services import create_desks, grant_role
    from itcell.publishing import crypto
    from itcell.publishing.connectors import get_connector
    from itcell.publishing.connectors.webhook import WebhookConnector
    from itcell.publishing.models import Channel, Delivery, Platform, Post, Variant
    from itcell.publishing.services.posts import PostInput, create_post, submit_post
    from itcell.publishing.services.review import approve_post
    from itcell.publishing.workflow import PostState

    if not isinstance(get_connector("webhook"), WebhookConnector):
        raise RuntimeError("ITCELL_CONNECTORS must map 'webhook' to the WebhookConnector")
    call_command("migrate", verbosity=0)
    # What an earlier run on this database left undone (PostgreSQL runs the database backend,
    # then Celery) must not be swept into this one: it would be measured, or recovered, here.
    left = Delivery.objects.filter(
        state__in=[Delivery.State.PENDING, Delivery.State.RETRYING, Delivery.State.PUBLISHING]
    ).update(state=Delivery.State.CANCELLED, detail="left undone by an earlier benchmark run")
    if left:
        print(f"  ({left} deliveries an earlier run left undone are cancelled, not measured)")
    load_election(name="bihar-2020")
    election = Election.objects.get(slug="bihar-2020")
    create_desks(election=election)
    desk = Desk.objects.get(election=election, kind=Desk.Kind.AC, acs__number=52)
    # A tag for this run's rows: on PostgreSQL both backends' runs share one database.
    run = uuid.uuid4().hex[:8]
    writer, lead = (
        create_user(username=f"bench-{role}-{run}", password="bench-password-1")
        for role in ("writer", "lead")
    )
    grant_role(user=writer, desk=desk, role=Role.WRITER, actor=None)
    grant_role(user=lead, desk=desk, role=Role.DESK_LEAD, actor=None)
    sealed = crypto.seal({"secret": secret})
    channels = [
        Channel.objects.create(
            election=election,
            platform=Platform.WEBSITE,
            handle=f"@bench-{run}-{i}",
            name=f"Bench {i}",
            owner=Channel.Owner.PARTY,
            language="hi" if i % 2 == 0 else "en",
            connector="webhook",
            api_url=f"{url}/hooks/{run}-{i}",
            credentials_sealed=sealed,
        )
        for i in range(CHANNELS)
    ]
    # One post is written, submitted and approved through the services; the other posts are
    # bulk copies of it in the state scheduling leaves them in (post "scheduled", one pending
    # delivery per channel), because thousands of posts through the services would take
    # minutes of set-up. Only the set-up is a shortcut: every delivery then goes the real way.
    template = create_post(
        desk=desk,
        author=writer,
        data=PostInput(
            title="Flood relief camps",
            text_hi=TEXT_HI,
            text_en=TEXT_EN,
            variants={c.pk: "" for c in channels},
            ac_numbers=frozenset({52}),
        ),
    )
    submit_post(post=template, author=writer)
    approve_post(post=template, reviewer=lead)
    template.refresh_from_db()
    assert template.state == PostState.APPROVED, template.state
    later = clock.now() + timedelta(days=1)  # moved to the due time just before it
    ac = AssemblyConstituency.objects.get(state=election.state, number=52)
    with transaction.atomic():
        Post.objects.filter(pk=template.pk).update(state=PostState.SCHEDULED, publish_at=later)
        copies = Post.objects.bulk_create(
            Post(
                election=election,
                desk=desk,
                author=writer,
                title=f"{template.title} {i}",
                text_hi=f"{TEXT_HI} ({i})",
                text_en=f"{TEXT_EN} ({i})",
                state=PostState.SCHEDULED,
                version=template.version,
                round=template.round,
                submitted_at=template.submitted_at,
                approved_at=template.approved_at,
                publish_at=later,
            )
            for i in range(1, math.ceil(n / CHANNELS))
        )
        Post.acs.through.objects.bulk_create(
            Post.acs.through(post_id=post.pk, assemblyconstituency_id=ac.pk) for post in copies
        )
        Variant.objects.bulk_create(
            Variant(post=post, channel=channel) for post in copies for channel in channels
        )
        pairs = [(post, channel) for post in [template, *copies] for channel in channels][:n]
        Delivery.objects.bulk_create(
            Delivery(post=post, channel=channel, due_at=later) for post, channel in pairs
        )
    return channels


def report(outcome: Outcome) -> None:
    database = os.environ.get("ITCELL_BENCH_DB", "?")
    n = outcome.deliveries
    backend = {"db": "database backend", "celery": "Celery + Redis"}[outcome.backend]
    print(f"\nDispatch on {database}, {backend}, {WORKERS} workers ({n:,} deliveries due at once)")
    print(f"  {'what':<40}{'seconds':>10}{'per second':>12}{'x baseline':>12}")
    published = outcome.states.get("published", 0)
    unpublished = n - published
    # Rates, so a run that left some unpublished still compares with the baseline.
    rows = [
        ("fake platform, 2 clients (baseline)", outcome.capacity_seconds, n),
        (
            f"due -> last published ({published:,}), NOT ALL"
            if unpublished
            else "due -> all published",
            outcome.seconds,
            published,
        ),
    ]
    capacity = n / outcome.capacity_seconds
    for name, seconds, count in rows:
        rate = count / seconds
        print(f"  {name:<40}{seconds:>10.2f}{rate:>12.1f}{capacity / rate:>12.1f}")
    others = ", ".join(f"{s} {c}" for s, c in sorted(outcome.states.items()) if s != "published")
    print(
        f"  the sweep took {outcome.enqueue_seconds:.2f} s; first claim after "
        f"{outcome.first_claim_seconds:.2f} s; claim -> published {outcome.claim_to_done_ms:.0f} ms"
        " (median)"
    )
    print(
        f"  sent twice {outcome.duplicates} (must be 0); unpublished {unpublished} (must be 0)"
        + (f": {others}" if others else "")
    )
    if outcome.unknown_keys or outcome.missing_keys:
        print(
            f"  on the platform but not recorded published {outcome.unknown_keys}; "
            f"recorded published but never received {outcome.missing_keys}"
        )
    if outcome.task_errors:
        failed = ", ".join(f"{n} x {error}" for error, n in outcome.task_errors.most_common(3))
        print(f"  tasks that raised: {failed} (worker logs in $ITCELL_VAR_DIR)")
    print(
        f"  machine: {os.cpu_count()} CPUs, load average {outcome.load[0]:.1f} at the due time, "
        f"{outcome.load[1]:.1f} at the end"
    )


# Every backend -------------------------------------------------------------------------


def main() -> int:
    database = os.environ.get("ITCELL_BENCH_DB")
    if not database or "DATABASE_URL" not in os.environ:
        print("bench.dispatch: run it through `python -m bench` (it needs ITCELL_BENCH_DB and")
        print("DATABASE_URL naming a database made for it).")
        return 2
    failed = 0
    for backend in backends_for(database):
        child = subprocess.Popen(
            [sys.executable, "-m", "bench.dispatch", "run", backend],
            env=child_env(backend),
            cwd=ROOT,
        )
        try:
            failed += child.wait() != 0
        finally:
            stop(child)
    return 1 if failed else 0


if __name__ == "__main__":
    raise_on_sigterm()
    role = sys.argv[1] if len(sys.argv) > 1 else ""
    if role == "serve":
        serve()
    elif role == "load":
        load()
    elif role == "run":
        sys.exit(run(sys.argv[2]))
    else:
        sys.exit(main())
