"""Fault campaigns: what itcell does when its parts fail under it. Each fault prints one line,
``fault: <name> → <state> (<message>)``, and the run exits non-zero on any violation.

    python -m bench                      # every benchmark, on SQLite and on PostgreSQL
    python -m bench.faults               # these, on DATABASE_URL's kind of database
    python -m bench.faults sigkill-x     # one campaign (names below)
    ITCELL_FAULTS_KILLS=5 ...            # fewer kills, to try a change quickly (default 20)

* ``sigkill-webhook``, ``sigkill-x``: the real worker (``manage.py db_worker``) delivers
  posts to a local platform and is SIGKILLed at random moments, 20 times, restarted each
  time; the sweep settles what each death left. Must end with every post on the platform at
  most once, everything recorded published on the platform with its id, and anything on the
  platform published or ``unconfirmed`` for a person (the delivery contract, DESIGN.md). The
  kill loop and the checks are ``publishing/tests/test_reliability.py``'s (which runs 15
  kills in the test suite); the platform is its ``fake_platform.py``.
* ``platform-garbage``, ``platform-hang``: a platform answering 200 with an HTML page, and
  one that never answers within the connector's timeout, through the real connectors and
  the real ``deliver`` service (the suite has one test per failure and connector in
  test_reliability.py; this shows the states side by side).
* ``db-drop-request``, ``db-drop-task`` (PostgreSQL): ``pg_terminate_backend`` on the
  server's and the worker's connections while requests and deliveries run. Requests in
  flight may fail (the error page); the next ones must succeed (CONN_HEALTH_CHECKS), the
  worker must keep working, and every delivery must settle with nothing sent twice.
* ``redis-down`` (PostgreSQL, Celery): a Redis of its own (port 6390, never the shared one)
  stopped while posts are scheduled, then started again. Scheduling must still succeed
  (the enqueue fails after the commit, logged); after the restart the sweep re-enqueues and
  the Celery worker delivers every post, once.
* ``full-disk``: the media storage refuses a file with ENOSPC; the library must refuse the
  upload with a message, keeping nothing (the view's test: publishing/tests/test_faults.py).

Each campaign runs in a process of its own (``ITCELL_TASKS`` is read at start-up) on a fresh
copy of a database prepared once (Bihar 2020, its desks, a writer and a desk lead at AC 52),
with the reliability test's settings (a 2 s lease, 1 s connector timeouts).
"""

import errno
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = (
    ROOT
    / "var"
    / "bench-faults"
    / ("postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
)
PG_PREFIX = os.environ.get("ITCELL_FAULTS_PG_PREFIX", "itcell_bench_faults")  # databases' names
SETTINGS = "itcell.publishing.tests.reliability_settings"
KILLS = int(os.environ.get("ITCELL_FAULTS_KILLS", "20"))
POSTS = 30
REDIS_PORT = 6390  # a Redis of this campaign's own: the shared one on 6379 is never stopped
SCHEDULING_SECONDS = (
    3.0  # at most, per post, to schedule one with Redis down (the enqueue gives up)
)
CAMPAIGNS = [
    "sigkill-webhook",
    "sigkill-x",
    "platform-garbage",
    "platform-hang",
    "db-drop-request",
    "db-drop-task",
    "redis-down",
    "full-disk",
]
POSTGRES_ONLY = {
    "db-drop-request": "SQLite has no server connection to drop",
    "db-drop-task": "SQLite has no server connection to drop",
    "redis-down": "Celery is deployed with PostgreSQL only",
}


class Violation(Exception):
    pass


def say(name: str, state: str, message: str) -> None:
    print(f"fault: {name} → {state} ({message})", flush=True)


# Databases -------------------------------------------------------------------------------


def database_label() -> str:
    return os.environ.get("ITCELL_BENCH_DB") or (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )


def pg_server() -> str:
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0]


def psql(*commands: str) -> None:
    args = ["psql", f"{pg_server()}/postgres", "-q", "-v", "ON_ERROR_STOP=1"]
    for command in commands:
        args += ["-c", command]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def template_url(label: str) -> str:
    if label == "sqlite":
        return f"sqlite:///{VAR / 'template.sqlite3'}"
    return f"{pg_server()}/{PG_PREFIX}_template"


def fresh_copy(label: str, name: str) -> str:
    """A copy of the prepared database for one campaign."""
    if label == "sqlite":
        path = VAR / f"{name}.sqlite3"
        for stale in VAR.glob(f"{name}.sqlite3*"):
            stale.unlink()
        shutil.copyfile(VAR / "template.sqlite3", path)
        return f"sqlite:///{path}"
    database = f"{PG_PREFIX}_{name.replace('-', '_')}"
    psql(
        f"DROP DATABASE IF EXISTS {database} WITH (FORCE)",
        f"CREATE DATABASE {database} TEMPLATE {PG_PREFIX}_template",
    )
    return f"{pg_server()}/{database}"


def child_env(database_url: str, tasks: str = "db") -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "ITCELL_VAR_DIR": str(VAR),
        "ITCELL_TASKS": tasks,
        "ITCELL_MANIFEST_STATIC": "0",
        "ITCELL_LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }


def prepare(label: str) -> None:
    """The template: migrated, Bihar 2020 loaded, the reliability test's cell."""
    if label == "sqlite":
        for stale in VAR.glob("template.sqlite3*"):
            stale.unlink()
    else:
        psql(
            f"DROP DATABASE IF EXISTS {PG_PREFIX}_template WITH (FORCE)",
            f"CREATE DATABASE {PG_PREFIX}_template",
        )
    subprocess.run(
        [sys.executable, "-m", "bench.faults", "prepare"],
        env=child_env(template_url(label)),
        cwd=ROOT,
        check=True,
    )


def build_template() -> None:
    setup_django()
    from django.core.management import call_command

    from itcell.elections.services import load_election
    from itcell.publishing.tests.factories import Cell

    call_command("migrate", verbosity=0)
    Cell.build(load_election(name="bihar-2020").election)


def setup_django() -> None:
    import django

    django.setup()


def the_cell() -> Any:
    """The cell the template holds (``Cell.build`` made it there)."""
    from itcell.accounts.models import User
    from itcell.elections.models import Election
    from itcell.organisation.tests.factories import desk
    from itcell.publishing.models import Channel
    from itcell.publishing.tests.factories import Cell

    election = Election.objects.get(slug="bihar-2020")
    people = {u.username: u for u in User.objects.all()}
    return Cell(
        election=election,
        hq=desk(election, "hq"),
        desk=desk(election, 52),
        writer=people["writer"],
        lead=people["lead"],
        spokesperson=people["spokesperson"],
        head=people["head"],
        channel=Channel.objects.get(handle="@vip_bihar"),
    )


def webhook_channel(cell: Any, url: str, handle: str = "party-website") -> Any:
    from itcell.publishing import crypto
    from itcell.publishing.models import Platform
    from itcell.publishing.tests import fake_platform
    from itcell.publishing.tests.factories import channel

    website = channel(cell.election, handle=handle, connector="webhook", platform=Platform.WEBSITE)
    website.api_url = f"{url}/hook"
    website.credentials_sealed = crypto.seal({"secret": fake_platform.SECRET})
    website.save()
    return website


def x_channel(cell: Any, url: str, handle: str = "@faults_x") -> Any:
    from itcell.publishing.tests.factories import channel

    x = channel(cell.election, handle=handle, connector="x")
    x.api_url = url
    x.save()
    return x


def states() -> dict[str, int]:
    from itcell.publishing.models import Delivery

    return dict(Counter(Delivery.objects.values_list("state", flat=True)))


def reason_words(delivery: Any) -> str:
    return f"{delivery.get_state_display()}: {delivery.get_reason_display()}"


# SIGKILL ---------------------------------------------------------------------------------


def sigkill(connector: str) -> None:
    """test_reliability's kill loop, ``KILLS`` times, and its checks."""
    import pytest

    from itcell.publishing.models import Delivery
    from itcell.publishing.tests import fake_platform
    from itcell.publishing.tests import test_reliability as reliability

    reliability.KILLS = KILLS
    reliability.TIME_FOR_KILLS = 60.0 + 20.0 * KILLS  # a busy shared machine starts slowly
    seed = int(os.environ.get("ITCELL_RELIABILITY_SEED") or random.SystemRandom().randrange(10**6))
    name = f"worker SIGKILLed {KILLS} times ({connector})"
    cell = the_cell()
    database_url = os.environ["DATABASE_URL"]
    with fake_platform.FakePlatform(seed=seed) as platform:
        if connector == "webhook":
            target = webhook_channel(cell, platform.url)
            reliability.make_posts(cell, target, POSTS)
            key_of = dict(Delivery.objects.values_list("pk", "idempotency_key"))
        else:
            target = x_channel(cell, platform.url)
            posts = reliability.make_posts(cell, target, POSTS)
            key_of = {p.deliveries.get().pk: p.variants.get().final_text for p in posts}
        worker = reliability.Worker(
            database_url=database_url, log=VAR / f"sigkill-{connector}-worker.log"
        )
        try:
            run = reliability.deliver_under_kills(worker, platform, random.Random(seed))
            reliability.report(connector, seed, run, platform, key_of)
            reliability.assert_nothing_twice_nothing_lost(platform, key_of, seed)
        except (AssertionError, pytest.fail.Exception) as error:
            say(name, "VIOLATION", str(error).splitlines()[0])
            raise Violation(str(error)) from error
        finally:
            worker.kill()
        counts = states()
        twice = sum(n - 1 for n in platform.posts_per_key().values() if n > 1)
        if connector == "x":
            asked_twice = {k: n for k, n in platform.requests_per_key().items() if n > 1}
            if asked_twice:
                say(name, "VIOLATION", f"X was asked twice for {len(asked_twice)} posts")
                raise Violation(str(asked_twice))
        if connector == "webhook" and counts.get("published", 0) != POSTS:
            # An idempotent platform leaves nothing for a person, unless one delivery lost
            # its worker on every try (then it is unconfirmed, which the contract allows).
            print(f"  note: not all published: {counts}")
        unconfirmed = list(Delivery.objects.filter(state=Delivery.State.UNCONFIRMED))
        words = reason_words(unconfirmed[0]) if unconfirmed else "none left for a person"
        say(
            name,
            ", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
            f"{len(platform.posts)} posts on the platform, {twice} twice, "
            f"{len(platform.requests)} requests; unconfirmed say “{words}”",
        )


# A platform that misbehaves ----------------------------------------------------------------


class Misbehaving(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, mode: str) -> None:
        super().__init__(("127.0.0.1", 0), MisbehavingHandler)
        self.mode = mode
        self.requests = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class MisbehavingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Misbehaving

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests += 1
        if self.server.mode == "hang":
            time.sleep(3)  # the connectors' timeout here is 1 s
        body = b"<html><body>502 Bad Gateway (nginx)</body></html>"
        try:
            self.send_response(200 if self.server.mode == "garbage" else 504)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


def misbehaving_platform(mode: str) -> None:
    """Each connector's first try against the platform, through ``deliver``, as the worker
    runs it; then, for the webhook (which may retry), every retry until it settles."""
    from django.utils import timezone

    from itcell.publishing.models import Delivery
    from itcell.publishing.services.delivery import deliver
    from itcell.publishing.tests import test_reliability as reliability

    cell = the_cell()
    server = Misbehaving(mode)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    failed = False
    try:
        for connector, make in (("webhook", webhook_channel), ("x", x_channel)):
            target = make(cell, server.url, handle=f"{mode}-{connector}")
            (post,) = reliability.make_posts(cell, target, 1)
            delivery = post.deliveries.get()
            tries = 0
            while True:
                tries += 1
                try:
                    deliver(delivery_id=delivery.pk)
                except Exception as error:  # the task would log it and end
                    print(f"  the task raised {error!r}")
                delivery.refresh_from_db()
                if delivery.state != Delivery.State.RETRYING:
                    break
                Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
            settled = delivery.state in (
                Delivery.State.UNCONFIRMED,
                Delivery.State.FAILED,
                Delivery.State.PUBLISHED,
            )
            if connector == "x" and delivery.state != Delivery.State.UNCONFIRMED:
                settled = False  # X cannot be asked again: it must wait for a person
            failed |= not settled
            say(
                f"platform {'answering garbage' if mode == 'garbage' else 'hanging'} ({connector})",
                f"{delivery.state} after {tries} tries" if settled else "VIOLATION",
                f"Not published: {delivery.get_reason_display()}",
            )
    finally:
        server.shutdown()
        server.server_close()
    if failed:
        raise Violation(f"platform-{mode}")


# The database connection dropped -----------------------------------------------------------


def terminate_backends(except_pid: int) -> int:
    """Cut every other connection to this campaign's database; how many were cut."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND usename = current_user AND pid <> %s",
            [except_pid],
        )
        return int(cursor.fetchone()[0])


def my_backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def db_drop_request() -> None:
    """gunicorn (2 workers x 4 threads) answering the war room and the review queue to 8
    clients, its connections cut every half second for 10 s; then 40 requests more."""
    import httpx
    from django.conf import settings
    from django.test import Client

    cell = the_cell()
    client = Client()
    client.force_login(cell.head)
    session = client.cookies["sessionid"].value
    port = free_port()
    env = {**child_env(os.environ["DATABASE_URL"]), "ITCELL_ALLOWED_HOSTS": "127.0.0.1"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["ITCELL_SECRET_KEY"] = settings.SECRET_KEY  # the session above is signed with it
    log = (VAR / "db-drop-gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--worker-class=gthread",
            "--threads=4",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    paths = ["/healthz", "/pub/bihar-2020/review/", "/pub/bihar-2020/posts/"]
    outcomes: Counter[str] = Counter()
    stop_at = 0.0

    def hammer() -> None:
        with httpx.Client(base_url=base, cookies={"sessionid": session}, timeout=60) as http:
            while time.monotonic() < stop_at:
                for path in paths:
                    try:
                        outcomes[str(http.get(path).status_code)] += 1
                    except httpx.HTTPError as error:
                        outcomes[type(error).__name__] += 1

    try:
        deadline = time.monotonic() + 120
        while True:  # warm: every worker has imported the views
            try:
                if all(
                    httpx.get(base + p, cookies={"sessionid": session}, timeout=60).status_code
                    == 200
                    for p in paths * 4
                ):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                say("database connection dropped mid-request", "VIOLATION", "no server to test")
                raise Violation("gunicorn did not serve within 120 s")
            time.sleep(0.5)
        mine = my_backend_pid()
        stop_at = time.monotonic() + 10
        clients = [threading.Thread(target=hammer) for _ in range(8)]
        for thread in clients:
            thread.start()
        cut = 0
        while time.monotonic() < stop_at:
            cut += terminate_backends(mine)
            time.sleep(0.5)
        for thread in clients:
            thread.join()
        during = dict(outcomes)
        after = Counter(
            str(httpx.get(base + p, cookies={"sessionid": session}, timeout=60).status_code)
            for p in paths * 13 + ["/healthz"]
        )
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    bad_after = sum(n for status, n in after.items() if status != "200")
    say(
        "database connection dropped mid-request",
        "VIOLATION" if bad_after else "recovered",
        f"{cut} connections cut in 10 s under 8 clients; answers meanwhile {during}; "
        f"the next {sum(after.values())} requests: {dict(after)}; a request cut mid-flight "
        "gets the error page, the next one reconnects (CONN_HEALTH_CHECKS)",
    )
    if bad_after:
        raise Violation("requests failed after the connections were cut")


def db_drop_task() -> None:
    """Two db workers deliver POSTS posts to the idempotent platform while every connection
    but this process's is cut every 0.3 s; the workers must survive or be restartable, and
    every delivery must settle once."""
    from itcell.publishing.models import Delivery
    from itcell.publishing.services.delivery import sweep
    from itcell.publishing.tests import fake_platform
    from itcell.publishing.tests import test_reliability as reliability

    # ``itcell worker`` (as ``itcell serve`` runs it), not django_tasks_db's bare db_worker,
    # whose loop ends when its connection is cut.
    reliability.WORKER_COMMAND = [sys.executable, "manage.py", "worker"]
    cell = the_cell()
    mine = my_backend_pid()
    with fake_platform.FakePlatform(seed=1) as platform:
        target = webhook_channel(cell, platform.url)
        reliability.make_posts(cell, target, POSTS)
        key_of = dict(Delivery.objects.values_list("pk", "idempotency_key"))
        workers = [
            reliability.Worker(
                database_url=os.environ["DATABASE_URL"], log=VAR / f"db-drop-worker-{n}.log"
            )
            for n in range(2)
        ]
        cut, restarts, requeued = 0, 0, 0
        try:
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.wait_for(b"Starting worker", timeout=90)
            sweep()
            started = time.monotonic()
            while time.monotonic() - started < 20 and reliability.unsettled():
                cut += terminate_backends(mine)
                time.sleep(0.3)
                for worker in workers:
                    assert worker.process is not None
                    if worker.process.poll() is not None:
                        restarts += 1
                        worker.process = None
                        worker.start()
                reliability.bring_retries_forward()
            # A task that died with its connection before it claimed its delivery leaves the
            # delivery pending; the periodic sweep enqueues it again once it is stale (two
            # minutes in production, the lease here, as in test_reliability).
            deadline = time.monotonic() + 60
            while reliability.unsettled() and time.monotonic() < deadline:
                time.sleep(0.5)
                reliability.bring_retries_forward()
                requeued += sweep(stale=timedelta(seconds=reliability.LEASE)).enqueued
            reliability.assert_nothing_twice_nothing_lost(platform, key_of, 0)
            if restarts:
                raise AssertionError(f"a worker exited {restarts} times on a dropped connection")
        except AssertionError as error:
            say("database connection dropped mid-task", "VIOLATION", str(error).splitlines()[0])
            raise Violation(str(error)) from error
        finally:
            for worker in workers:
                worker.kill()
        counts = states()
        reconnects = sum(
            w.log.read_text(errors="replace").count("lost its database connection") for w in workers
        )
        say(
            "database connection dropped mid-task",
            ", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
            f"{cut} connections cut in 20 s; the workers started their loop again "
            f"{reconnects} times and never exited (“The worker lost its database connection "
            f"…; starting again in 2 s.”); the sweep enqueued deliveries cut off "
            f"{requeued} times; {len(platform.posts)} posts on the platform, none twice",
        )


# Redis stopped under Celery ------------------------------------------------------------------


def redis_down() -> None:
    import logging

    from itcell.publishing.models import Delivery
    from itcell.publishing.services.delivery import sweep
    from itcell.publishing.tests import fake_platform
    from itcell.publishing.tests import test_reliability as reliability

    redis_dir = VAR / "redis"
    redis_dir.mkdir(exist_ok=True)

    def redis_up() -> None:
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                str(REDIS_PORT),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(redis_dir),
                "--pidfile",
                str(redis_dir / "redis.pid"),
                "--logfile",
                str(redis_dir / "redis.log"),
            ],
            check=True,
        )
        for _ in range(50):
            ping = subprocess.run(
                ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True
            )
            if ping.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise Violation("redis did not start")

    def redis_down_now() -> None:
        subprocess.run(
            ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True
        )

    class Remember(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.ERROR)
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                text += f" {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
            self.messages.append(text)

    remember = Remember()
    logging.getLogger("django").addHandler(remember)
    cell = the_cell()
    redis_up()
    worker = None
    try:
        with fake_platform.FakePlatform(seed=2) as platform:
            target = webhook_channel(cell, platform.url)
            log = (VAR / "redis-celery-worker.log").open("wb")
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "--hostname=faults@%h",
                ],
                env=os.environ.copy(),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            deadline = time.monotonic() + 90
            while " ready." not in (VAR / "redis-celery-worker.log").read_text():
                if worker.poll() is not None or time.monotonic() > deadline:
                    raise Violation("the Celery worker did not start")
                time.sleep(0.3)
            redis_down_now()
            started = time.monotonic()
            reliability.make_posts(cell, target, 10)
            scheduling_seconds = time.monotonic() - started
            if scheduling_seconds > 10 * SCHEDULING_SECONDS:
                say(
                    "Redis stopped under Celery",
                    "VIOLATION",
                    f"scheduling 10 posts with Redis down took {scheduling_seconds:.0f} s",
                )
                raise Violation("the enqueue blocks while Redis is down")
            lost = Delivery.objects.filter(state=Delivery.State.PENDING).count()
            time.sleep(3)  # the worker, its broker gone, retries its connection
            redis_up()
            deadline = time.monotonic() + 90
            swept = 0
            while reliability.unsettled() and time.monotonic() < deadline:
                swept += sweep(stale=timedelta(seconds=reliability.LEASE)).enqueued
                time.sleep(2)
            counts = states()
            twice = sum(n - 1 for n in platform.posts_per_key().values() if n > 1)
            ok = counts.get("published", 0) == 10 and twice == 0 and worker.poll() is None
            logged = remember.messages[0][:160] if remember.messages else "nothing logged"
            say(
                "Redis stopped under Celery",
                "scheduled, then all published after the restart" if ok else "VIOLATION",
                f"scheduling 10 posts with Redis down took {scheduling_seconds:.1f} s and "
                f"succeeded, {lost} deliveries waiting; logged: “{logged}”; after the restart "
                f"the sweep re-enqueued {swept}: {counts}, {twice} twice",
            )
            if not ok:
                raise Violation("redis-down")
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        redis_down_now()


# A full disk -------------------------------------------------------------------------------


def full_disk() -> None:
    from django.core.files.storage import FileSystemStorage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from itcell.publishing.errors import PostInvalid
    from itcell.publishing.models import MediaAsset
    from itcell.publishing.services import library
    from itcell.publishing.tests.test_library import png_bytes

    def no_space(self: FileSystemStorage, name: str, content: Any) -> str:
        raise OSError(errno.ENOSPC, "No space left on device", name)

    cell = the_cell()
    FileSystemStorage._save = no_space  # type: ignore[attr-defined]
    try:
        library.add_medium(
            election=cell.election,
            desk=cell.desk,
            uploaded_by=cell.writer,
            file=SimpleUploadedFile("camp.png", png_bytes(), content_type="image/png"),
            kind="image",
            title="Relief camp",
            source="Desk photographer",
        )
    except PostInvalid as error:
        kept = MediaAsset.objects.count()
        say(
            "full disk on media upload",
            "refused, nothing saved" if kept == 0 else "VIOLATION",
            "; ".join(f"{p.field}: {p.message}" for p in error.problems),
        )
        if kept:
            raise Violation("a library entry was kept") from error
        return
    except OSError as error:
        say("full disk on media upload", "VIOLATION", f"the error reached the page: {error}")
        raise Violation("full-disk") from error
    say("full disk on media upload", "VIOLATION", "the upload was accepted")
    raise Violation("full-disk")


# The runner ----------------------------------------------------------------------------------


def run(name: str) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    setup_django()
    {
        "sigkill-webhook": lambda: sigkill("webhook"),
        "sigkill-x": lambda: sigkill("x"),
        "platform-garbage": lambda: misbehaving_platform("garbage"),
        "platform-hang": lambda: misbehaving_platform("hang"),
        "db-drop-request": db_drop_request,
        "db-drop-task": db_drop_task,
        "redis-down": redis_down,
        "full-disk": full_disk,
    }[name]()


def main(names: list[str]) -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    label = database_label()
    print(f"\nFault campaigns on {label}", flush=True)
    prepare(label)
    failed = []
    for name in names or CAMPAIGNS:
        if label != "postgresql" and name in POSTGRES_ONLY:
            say(name, "skipped", POSTGRES_ONLY[name])
            continue
        started = time.monotonic()
        tasks = "celery" if name == "redis-down" else "db"
        env = child_env(fresh_copy(label, name), tasks)
        if tasks == "celery":
            broker = f"redis://127.0.0.1:{REDIS_PORT}/0"
            env.update(CELERY_BROKER_URL=broker, CELERY_RESULT_BACKEND=broker)
        code = subprocess.run(
            [sys.executable, "-m", "bench.faults", "run", name], env=env, cwd=ROOT
        ).returncode
        print(f"  ({name}: {time.monotonic() - started:.0f} s)", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"  VIOLATIONS: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["prepare"]:
        build_template()
    elif sys.argv[1:2] == ["run"]:
        try:
            run(sys.argv[2])
        except Violation:
            sys.exit(1)
    else:
        sys.exit(main(sys.argv[1:]))
