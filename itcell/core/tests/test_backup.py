"""``itcell backup`` and ``itcell restore``, run as a person would (subprocesses) on the demo
loaded into a real file database (SQLite) and a scratch PostgreSQL database: a round trip
brings back every row and the media, and a bad archive is refused with the database intact."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PG_URL_FILE = ROOT / "var" / "test-database-url"


def pg_admin_url() -> str:
    """The PostgreSQL test server's maintenance database (``scripts/services.sh up`` names the
    server; a test needing a missing service fails, it never skips)."""
    if not PG_URL_FILE.exists():
        pytest.fail(f"no PostgreSQL test server: run scripts/services.sh up ({PG_URL_FILE})")
    return PG_URL_FILE.read_text().strip().rsplit("/", 1)[0] + "/postgres"


AUDIT_TABLE = "audit_auditevent"
CHAIN_HEAD = "audit_chainhead"


@dataclass
class Installation:
    """One itcell installation: its own var folder and database."""

    vendor: str
    var: Path
    database_url: str

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "ITCELL_VAR_DIR": str(self.var),
            "ITCELL_SECRET_KEY": "backup-test-secret",
            "DJANGO_SETTINGS_MODULE": "itcell.core.tests.backup_settings",
        }

    def start(self, *args: str, stdin: str = "") -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "itcell", *args],
            cwd=ROOT,
            env=self.env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        process = self.start(*args)
        out, err = process.communicate(stdin, timeout=120)
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)

    def counts(self) -> dict[str, int]:
        """Rows in every table, read beside itcell (not through it)."""
        if self.vendor == "sqlite":
            db = sqlite3.connect(self.database_url.removeprefix("sqlite:///"))
            try:
                tables = [
                    name
                    for (name,) in db.execute(
                        "SELECT name FROM sqlite_master WHERE type='table' "
                        "AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
            finally:
                db.close()
        rows = psql(
            self.database_url,
            "SELECT table_name, (xpath('/row/c/text()', query_to_xml("
            "format('SELECT count(*) AS c FROM %I', table_name), false, true, '')))[1]::text "
            "FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE'",
        )
        return {name: int(count) for name, count in (line.split("|") for line in rows.splitlines())}

    def execute(self, sql: str) -> None:
        if self.vendor == "sqlite":
            db = sqlite3.connect(self.database_url.removeprefix("sqlite:///"))
            db.execute("PRAGMA foreign_keys = OFF")
            db.executescript(sql)
            db.close()
        else:
            psql(self.database_url, sql)

    def last_audit_action(self) -> str:
        query = f"SELECT action FROM {AUDIT_TABLE} ORDER BY id DESC LIMIT 1"  # noqa: S608
        if self.vendor == "postgresql":
            return psql(self.database_url, query)
        db = sqlite3.connect(self.database_url.removeprefix("sqlite:///"))
        try:
            return str(db.execute(query).fetchone()[0])
        finally:
            db.close()

    def fingerprint(self) -> str:
        """Everything the database holds, as one hash: equal before and after means untouched."""
        return hashlib.sha256(json.dumps(sorted(self.counts().items())).encode()).hexdigest() + (
            self.sqlite_digest() if self.vendor == "sqlite" else ""
        )

    def sqlite_digest(self) -> str:
        db = sqlite3.connect(self.database_url.removeprefix("sqlite:///"))
        try:
            return hashlib.sha256("\n".join(db.iterdump()).encode()).hexdigest()
        finally:
            db.close()


def psql(url: str, sql: str) -> str:
    result = subprocess.run(  # noqa: S603
        ["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def finished(process: subprocess.Popen[str]) -> None:
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, f"{' '.join(map(str, process.args))}:\n{out}\n{err}"


@pytest.fixture(scope="module")
def installations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Installation]]:
    """The demo, loaded (at the same time) into a SQLite file and a scratch database on the
    PostgreSQL test server; each with one uploaded image."""
    base = tmp_path_factory.mktemp("backup")
    found = {
        "sqlite": Installation("sqlite", base / "sqlite", f"sqlite:///{base}/sqlite/db.sqlite3")
    }
    scratch = f"itcell_backup_test_{os.getpid()}"
    admin = pg_admin_url()
    psql(admin, f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")
    psql(admin, f"CREATE DATABASE {scratch}")
    found["postgresql"] = Installation(
        "postgresql", base / "pg", admin.rsplit("/", 1)[0] + f"/{scratch}"
    )
    try:
        for installation in found.values():
            installation.var.mkdir()
        loading = [installation.start("demo") for installation in found.values()]
        for process in loading:
            finished(process)
        for installation in found.values():
            media = installation.var / "media" / "library"
            media.mkdir(parents=True)
            (media / "poster.png").write_bytes(b"\x89PNG poster of " + installation.vendor.encode())
        yield found
    finally:  # a failed load must not leave the scratch database behind
        psql(admin, f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")


def round_trip(installation: Installation) -> None:
    original = installation.counts()
    archive = installation.var / "saved.tar.gz"
    backup = installation.run("backup", str(archive))
    assert backup.returncode == 0, backup.stderr
    assert original["publishing_post"] > 0

    installation.execute(  # every post gone, and what hangs off them on PostgreSQL
        "DELETE FROM publishing_post"
        if installation.vendor == "sqlite"
        else "TRUNCATE publishing_post CASCADE"
    )
    poster = installation.var / "media" / "library" / "poster.png"
    poster.unlink()
    (installation.var / "media" / "stray.txt").write_text("written after the backup")
    assert installation.counts()["publishing_post"] == 0

    restore = installation.run("restore", "--yes", str(archive))

    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "chain intact" in restore.stdout
    assert "warning" not in restore.stderr
    after = installation.counts()
    assert {t: n for t, n in after.items() if t not in (AUDIT_TABLE, CHAIN_HEAD)} == {
        t: n for t, n in original.items() if t not in (AUDIT_TABLE, CHAIN_HEAD)
    }
    # The backup's own event came after its snapshot; the restore's is the newest.
    assert after[AUDIT_TABLE] == original[AUDIT_TABLE] + 1
    assert poster.read_bytes().startswith(b"\x89PNG")
    assert not (installation.var / "media" / "stray.txt").exists()
    assert installation.last_audit_action() == "backup.restored"


def test_sqlite_round_trip_brings_back_every_row_the_media_and_an_intact_chain(installations):
    round_trip(installations["sqlite"])


def test_postgresql_round_trip_brings_back_every_row_the_media_and_an_intact_chain(
    installations,
):
    round_trip(installations["postgresql"])


def rewritten(archive: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of ``archive`` with members replaced (bytes) or left out (None)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            if member.name in change:
                data = change[member.name]
                if data is None:
                    continue
                member.size = len(data)
                copy.addfile(member, io.BytesIO(data))
            else:
                copy.addfile(member, source.extractfile(member) if member.isfile() else None)
    return target


@pytest.fixture(scope="module")
def good_archive(installations: dict[str, Installation]) -> Path:
    """A backup of the SQLite installation, where it goes by default."""
    installation = installations["sqlite"]
    result = installation.run("backup")
    assert result.returncode == 0, result.stderr
    (archive,) = (installation.var / "backups").glob("itcell-*-IST.tar.gz")
    return archive


def test_a_backup_holds_the_database_the_media_and_what_it_is(good_archive):
    with tarfile.open(good_archive) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
        names = archive.getnames()

    assert manifest["vendor"] == "sqlite"
    assert manifest["created_at"].endswith("+05:30")
    assert manifest["counts"]["publishing.post"] > 0
    assert "publishing.0001_initial" in manifest["migrations"]
    assert {"manifest.json", "database.sqlite3", "media/library/poster.png"} <= set(names)


def manifest_of(archive: Path) -> dict[str, object]:
    with tarfile.open(archive) as opened:
        return json.load(opened.extractfile("manifest.json"))  # type: ignore[arg-type]


def refused(installation: Installation, archive: Path, *args: str, stdin: str = "") -> str:
    before = installation.fingerprint()
    media_before = sorted(p.name for p in (installation.var / "media").rglob("*"))
    result = installation.run("restore", *args, str(archive), stdin=stdin)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "nothing was changed" in result.stderr
    assert installation.fingerprint() == before
    assert sorted(p.name for p in (installation.var / "media").rglob("*")) == media_before
    return result.stderr


def test_a_truncated_archive_is_refused_and_the_database_untouched(installations, good_archive):
    broken = good_archive.with_name("truncated.tar.gz")
    broken.write_bytes(good_archive.read_bytes()[: good_archive.stat().st_size // 2])

    message = refused(installations["sqlite"], broken, "--yes")

    assert "damaged or incomplete" in message


def test_a_damaged_database_file_is_refused_by_its_checksum(installations, good_archive):
    with tarfile.open(good_archive) as opened:
        data = bytearray(opened.extractfile("database.sqlite3").read())  # type: ignore[union-attr]
    data[len(data) // 2] ^= 0xFF
    broken = rewritten(
        good_archive, good_archive.with_name("damaged.tar.gz"), {"database.sqlite3": bytes(data)}
    )

    message = refused(installations["sqlite"], broken, "--yes")

    assert "checksum does not match" in message


def test_an_archive_without_its_database_is_refused(installations, good_archive):
    broken = rewritten(
        good_archive, good_archive.with_name("hollow.tar.gz"), {"database.sqlite3": None}
    )

    assert "database file is missing" in refused(installations["sqlite"], broken, "--yes")


def test_a_postgresql_archive_is_refused_by_a_sqlite_installation(installations, good_archive):
    manifest = {**manifest_of(good_archive), "vendor": "postgresql"}
    other = rewritten(
        good_archive,
        good_archive.with_name("other-vendor.tar.gz"),
        {"manifest.json": json.dumps(manifest).encode()},
    )

    message = refused(installations["sqlite"], other, "--yes")

    assert "PostgreSQL backup and this installation uses SQLite" in message


def test_a_sqlite_archive_is_refused_by_a_postgresql_installation(installations, good_archive):

    message = refused(installations["postgresql"], good_archive, "--yes")

    assert "SQLite backup and this installation uses PostgreSQL" in message


def test_restore_asks_first_and_an_answer_other_than_yes_changes_nothing(
    installations, good_archive
):
    message = refused(installations["sqlite"], good_archive, stdin="no\n")

    assert "cancelled" in message


def backup_with_path(installation: Installation, path: str) -> subprocess.CompletedProcess[str]:
    process = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "itcell", "backup", str(installation.var / "never.tar.gz")],
        cwd=ROOT,
        env={**installation.env, "PATH": path},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert process.returncode != 0
    assert "Traceback" not in process.stderr
    assert not (installation.var / "never.tar.gz").exists()
    return process


def test_a_missing_pg_dump_is_named_with_what_to_install(installations, tmp_path):

    result = backup_with_path(installations["postgresql"], str(tmp_path))

    assert "pg_dump is not installed" in result.stderr
    assert "postgresql-client" in result.stderr


def test_a_failing_pg_dump_shows_its_own_error(installations, tmp_path):
    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump: error: server version mismatch' >&2\nexit 1\n")
    fake.chmod(0o755)

    result = backup_with_path(installations["postgresql"], f"{tmp_path}:{os.environ['PATH']}")

    assert "pg_dump failed (exit status 1)" in result.stderr
    assert "server version mismatch" in result.stderr
    assert "itcell:itcell@" not in result.stderr + result.stdout  # the password never shows
