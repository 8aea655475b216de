"""The load test: 50 concurrent clients for 60 s each against the review queue, the war room
(its page and its summary fragment) and an API list, on loopback, through gunicorn as the
deployment runs it. Zero errors allowed; requests per second are reported as a ratio to a
trivial view (``/healthz``, one query) loaded the same way in the same run (these machines
are shared and noisy, so the ratio is the figure to compare between runs).

    python -m bench                      # every benchmark, on SQLite and on PostgreSQL
    python -m bench.load                 # this one, on DATABASE_URL's kind of database
    ITCELL_LOAD_SECONDS=10 ...           # shorter, to try a change quickly (default 60)
    ITCELL_LOAD_CONNECTIONS=50 ...       # concurrent clients (default 50)

The data are the demo's (``itcell demo``: Bihar 2020, its exercise copy, 282 desks, the demo
users, posts, playbook and monitoring traffic), in a database of this benchmark's own (a file
under var/bench-load for SQLite; ``itcell_bench_load`` on DATABASE_URL's PostgreSQL server),
remade each run, so the figures do not depend on what other benchmarks filled. The clients
are signed in as the cell head (a session cookie made by Django's session engine) and, for
the API, hold one read-only token each (a token may make 10,000 requests a minute, so 50
clients on one token would measure the rate limit, not the server).

The load generator is ``wrk`` (Debian's package; installed with apt-get when missing), with
a Lua script that counts every answer outside 2xx: a redirect to the login page is an error
here, not a success. Socket errors (connect, read, write, timeout) count too. Exits non-zero
on any error.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-load"
PG_DATABASE = "itcell_bench_load"
SECONDS = int(os.environ.get("ITCELL_LOAD_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("ITCELL_LOAD_CONNECTIONS", "50"))
WRK_THREADS = 2  # the machine's cores
# A slower answer is an error: gunicorn's own default worker timeout. Latency is what p99 is
# for; on a shared machine loaded five-fold a few answers take over 10 s.
WRK_TIMEOUT = "30s"
GUNICORN_WORKERS = 4
GUNICORN_THREADS = 4
API_TOKENS = CONNECTIONS  # one per client
TOKEN_RATE = 10_000  # a minute: the most a token may be given
# Each gunicorn worker imports the views on its first request (seconds on a busy machine):
# a few seconds of load on each target first, not counted, so every worker is warm.
WARM_UP_SECONDS = 5
WARM_UP_TIMEOUT = "60s"

LUA = """
local threads = {}
local tokens = {%(tokens)s}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  bad = 0
  statuses = ""
  n = 0
end
function request()
  n = n + 1
  local headers = {}
  %(auth)s
  return wrk.format("GET", nil, headers)
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end
function done(summary, latency, requests)
  local total_bad = 0
  local seen = ""
  for _, t in ipairs(threads) do
    total_bad = total_bad + t:get("bad")
    seen = seen .. t:get("statuses")
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "bad_status": %%d, "statuses": "%%s", ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, ' ..
    '"p50_us": %%.1f, "p99_us": %%.1f}\\n',
    summary.requests, summary.duration, total_bad, seen,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    auth: str  # "none", "session" or "token"


@dataclass(frozen=True)
class Result:
    target: Target
    requests: int
    seconds: float
    bad_status: int
    statuses: str
    socket_errors: int
    socket_detail: str
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> int:
        return self.bad_status + self.socket_errors


def database_label() -> str:
    return os.environ.get("ITCELL_BENCH_DB") or (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )


def fresh_database(label: str) -> str:
    """This benchmark's own database, empty: a file, or a database on the server that
    DATABASE_URL names."""
    if label == "sqlite":
        path = VAR / "load.sqlite3"
        for stale in VAR.glob("load.sqlite3*"):
            stale.unlink()
        return f"sqlite:///{path}"
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    subprocess.run(
        [
            "psql",
            f"{server}/postgres",
            "-qc",
            f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)",
            "-c",
            f"CREATE DATABASE {PG_DATABASE}",
        ],
        check=True,
    )
    return f"{server}/{PG_DATABASE}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "ITCELL_VAR_DIR": str(VAR),
        "ITCELL_MANIFEST_STATIC": "0",
        "ITCELL_ALLOWED_HOSTS": "127.0.0.1",
        "ITCELL_LOG_LEVEL": "WARNING",
        "ITCELL_TASKS": "db",
        "PYTHONUNBUFFERED": "1",
    }


def prepare(database_url: str) -> tuple[str, str, list[str]]:
    """The demo's data; returns the exercise's slug, a session key of the head's, and the
    API tokens' secrets."""
    env = server_env(database_url)
    subprocess.run(
        [sys.executable, "-m", "itcell", "demo"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "ITCELL_VAR_DIR", "ITCELL_TASKS")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test import Client

    from itcell.accounts.models import User
    from itcell.api.scopes import Scope
    from itcell.api.tokens import TokenInput, create_token
    from itcell.elections.models import Election

    settings.ALLOWED_HOSTS = ["*"]
    head = User.objects.get(username="head")
    election = Election.objects.get(slug__endswith="-exercise")
    client = Client()
    client.force_login(head)  # a session row made by the session engine, as a login makes
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    secrets = [
        create_token(
            election=election,
            data=TokenInput(
                name=f"load client {n}",
                user=head,
                scopes=(Scope.POSTS_READ.value,),
                rate_per_minute=TOKEN_RATE,
            ),
            actor=head,
        )[1]
        for n in range(API_TOKENS)
    ]
    connections.close_all()
    return election.slug, session, secrets


def start_gunicorn(database_url: str, port: int) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    log = (VAR / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            gunicorn,
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={GUNICORN_WORKERS}",
            "--worker-class=gthread",
            f"--threads={GUNICORN_THREADS}",
            "--backlog=2048",
            "--timeout=60",
        ],
        env=server_env(database_url),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {VAR / 'gunicorn.log'}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not listen within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def lua_script(target: Target, session: str, secrets: list[str]) -> Path:
    auth = {
        "none": "",
        "session": f'headers["Cookie"] = "sessionid={session}"',
        "token": 'headers["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1]',
    }[target.auth]
    tokens = ", ".join(f'"{s}"' for s in secrets) if target.auth == "token" else ""
    path = VAR / f"wrk-{target.auth}.lua"
    path.write_text(LUA % {"auth": auth, "tokens": tokens})
    return path


def check_once(base: str, target: Target, session: str, secrets: list[str]) -> None:
    """One request before the load, so a wrong address or a sign-in that does not take fails
    with its status rather than as a million errors."""
    import httpx

    headers = {
        "none": {},
        "session": {"Cookie": f"sessionid={session}"},
        "token": {"Authorization": f"Bearer {secrets[0]}"},
    }[target.auth]
    answer = httpx.get(base + target.path, headers=headers, timeout=120)
    if answer.status_code != 200:
        raise RuntimeError(f"{target.path} answers {answer.status_code} before any load")


def load(
    base: str,
    target: Target,
    session: str,
    secrets: list[str],
    *,
    seconds: int = SECONDS,
    timeout: str = WRK_TIMEOUT,
) -> Result:
    wrk = shutil.which("wrk")
    assert wrk is not None
    out = subprocess.run(
        [
            wrk,
            f"-t{WRK_THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            f"--timeout={timeout}",
            "-s",
            str(lua_script(target, session, secrets)),
            base + target.path,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    raw: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return Result(
        target=target,
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        bad_status=raw["bad_status"],
        statuses=raw["statuses"].strip(),
        socket_errors=raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
        socket_detail=", ".join(
            f"{raw[k]} {k}" for k in ("connect", "read", "write", "timeout") if raw[k]
        ),
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
    )


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    print("  (installing wrk from Debian's packages)", flush=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def report(label: str, results: list[Result]) -> None:
    baseline = results[0]
    print(
        f"\nLoad on {label}: {CONNECTIONS} clients x {SECONDS} s per target, gunicorn "
        f"{GUNICORN_WORKERS} workers x {GUNICORN_THREADS} threads, wrk {WRK_THREADS} threads"
    )
    print(
        f"  {'what':<36}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'x baseline':>12}"
    )
    for r in results:
        ratio = f"{r.rps / baseline.rps:>12.2f}" if baseline.requests else f"{'-':>12}"
        print(
            f"  {r.target.name:<36}{r.requests:>10,}{r.rps:>9.1f}{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}"
            f"{r.errors:>8}{ratio}"
        )
        if r.errors:
            print(
                f"    errors: {r.bad_status} answers outside 2xx ({r.statuses}), "
                f"{r.socket_errors} socket errors ({r.socket_detail})"
            )


def main() -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    ensure_wrk()
    label = database_label()
    database_url = fresh_database(label)
    print(f"  preparing the demo's data on {label} ...", flush=True)
    slug, session, secrets = prepare(database_url)
    targets = [
        Target("GET /healthz (baseline)", "/healthz", "none"),
        Target("GET review queue", f"/pub/{slug}/review/", "session"),
        Target("GET war room", f"/war/{slug}/", "session"),
        Target("GET war room summary (htmx)", f"/war/{slug}/summary/", "session"),
        Target("GET /api/posts (token)", "/api/posts", "token"),
    ]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(database_url, port)
    try:
        for target in targets:
            check_once(base, target, session, secrets)
        print(f"  warming up every target for {WARM_UP_SECONDS} s ...", flush=True)
        for target in targets:
            load(base, target, session, secrets, seconds=WARM_UP_SECONDS, timeout=WARM_UP_TIMEOUT)
        results = []
        for target in targets:
            print(f"  loading {target.path} for {SECONDS} s ...", flush=True)
            results.append(load(base, target, session, secrets))
    finally:
        stop(server)
    report(label, results)
    failed = [r.target.name for r in results if r.errors or not r.requests]
    if failed:
        print(f"  ERRORS under load: {', '.join(failed)}; see {VAR / 'gunicorn.log'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
