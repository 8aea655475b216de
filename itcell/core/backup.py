"""Backups of the whole installation, and restoring one: the database and the media folder in
one ``.tar.gz`` archive.

An archive holds::

    manifest.json        what it is: format, itcell version, database vendor, migrations,
                         row counts per table, the database file's size and SHA-256
    database.sqlite3     SQLite: an online, consistent copy (sqlite3's backup API)
    database.pgdump      PostgreSQL: ``pg_dump --format=custom``
    media/...            the uploaded files (MEDIA_ROOT)

Restoring validates the whole archive first (vendor, checksum, a readable database, known
migrations) and touches nothing until every check has passed.

    BackupError        a backup or restore that cannot go ahead; the message says what to do
"""

import getpass
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from itcell.audit.services import record
from itcell.core import clock
from itcell.core.errors import ItcellError

FORMAT = 1  # bumped when an archive's layout changes; restore refuses formats it does not know
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(ItcellError):
    """A backup or restore that cannot go ahead; nothing was changed."""


@dataclass(frozen=True)
class Backup:
    """An archive written by ``create_backup``."""

    path: Path
    size: int
    manifest: dict[str, Any]


@dataclass
class Restored:
    """What ``restore_backup`` did, and what it found afterwards."""

    manifest: dict[str, Any]
    counts: dict[str, int]  # rows per table after the restore, before its own audit event
    mismatched: dict[str, tuple[int, int]] = field(default_factory=dict)  # table: (saved, now)
    unapplied: list[str] = field(default_factory=list)  # migrations the code has, the backup not


def default_path() -> Path:
    """``VAR_DIR/backups/itcell-<IST time>.tar.gz``."""
    stamp = clock.now().astimezone(clock.IST).strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"itcell-{stamp}-IST.tar.gz"


def vendor() -> str:
    return str(connections[DEFAULT_DB_ALIAS].vendor)


def _version() -> str:
    try:
        return metadata.version("itcell")
    except metadata.PackageNotFoundError:
        return "unknown"


def _applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def table_counts(count: Callable[[str], int] | None = None) -> dict[str, int]:
    """Rows in every table of an installed model, by ``app_label.model``; ``count`` takes a
    quoted table name (default: counted on Django's connection)."""
    connection = connections[DEFAULT_DB_ALIAS]
    existing = set(connection.introspection.table_names())

    def count_here(table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608  (names from the models)
            return int(cursor.fetchone()[0])

    count = count or count_here
    return {
        model._meta.label_lower: count(connection.ops.quote_name(model._meta.db_table))
        for model in apps.get_models()
        if model._meta.managed and model._meta.db_table in existing
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Creating -------------------------------------------------------------------------------


def create_backup(*, path: Path | None = None) -> Backup:
    """Write an archive of the database and the media folder to ``path`` (default:
    ``default_path()``) and record ``backup.created`` in the audit trail. Safe while the web
    and the worker write: the copy is one consistent snapshot."""
    path = Path(path) if path else default_path()
    if path.is_dir():
        path = path / default_path().name
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = vendor()
    if kind not in DATABASE_FILES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {kind}")
    with tempfile.TemporaryDirectory(prefix="itcell-backup-", dir=path.parent) as work:
        database = Path(work) / DATABASE_FILES[kind]
        # The counts are taken from the very snapshot that is saved, so a restore can check
        # them exactly even though the web and the worker went on writing.
        counts = _dump_sqlite(database) if kind == "sqlite" else _dump_postgresql(database)
        media_root = Path(settings.MEDIA_ROOT)
        media_files = (
            sum(1 for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else 0
        )
        manifest = {
            "format": FORMAT,
            "itcell_version": _version(),
            "vendor": kind,
            "created_at": clock.now().astimezone(clock.IST).isoformat(timespec="seconds"),
            "migrations": _applied_migrations(),
            "counts": counts,
            "database": {
                "file": database.name,
                "size": database.stat().st_size,
                "sha256": _sha256(database),
            },
            "media_files": media_files,
        }
        manifest_path = Path(work) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
        partial = Path(work) / "archive.tar.gz"
        # Level 6: about as small as 9 on a database, in half the time.
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            archive.add(manifest_path, arcname=MANIFEST)
            archive.add(database, arcname=database.name)
            if media_root.is_dir():
                archive.add(media_root, arcname=MEDIA)
        partial.chmod(0o600)  # it holds password hashes and sealed credentials
        os.replace(partial, path)  # never a half-written archive under the final name
    size = path.stat().st_size
    record(
        actor=None,
        action="backup.created",
        object_type="backup",
        object_id=path.name,
        object_repr=path.name,
        after={"path": str(path), "size": size, "vendor": kind, "by": _os_user()},
    )
    return Backup(path=path, size=size, manifest=manifest)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _sqlite_path() -> Path:
    name = str(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("the database is in memory: there is no file to back up")
    return Path(name)


def _dump_sqlite(target: Path) -> dict[str, int]:
    source_path = _sqlite_path()
    if not source_path.exists():
        raise BackupError(
            f"no database at {source_path}: run `itcell migrate` or check DATABASE_URL"
        )
    source = sqlite3.connect(source_path, timeout=20)
    copy = sqlite3.connect(target)
    try:
        # One step under one read transaction: a consistent snapshot even while others write.
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        return table_counts(lambda table: _count(copy, table))
    finally:
        copy.close()
        source.close()


def _count(db: sqlite3.Connection, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


def _pg_env() -> dict[str, str]:
    """libpq's variables for the configured database: the password travels by environment,
    never on a command line where ``ps`` would show it."""
    db: dict[str, Any] = dict(settings.DATABASES[DEFAULT_DB_ALIAS])
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    return env


def _run_pg_tool(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    program = shutil.which(tool)
    if program is None:
        raise BackupError(
            f"{tool} is not installed or not on PATH: install PostgreSQL's client tools "
            f"(Debian/Ubuntu: apt-get install postgresql-client) of the server's major version"
        )
    result = subprocess.run(  # noqa: S603  (a fixed program; arguments are ours, not a shell)
        [program, *args], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            f"{tool} failed (exit status {result.returncode}):\n{result.stderr.strip()}"
        )
    return result


def _dump_postgresql(target: Path) -> dict[str, int]:
    # pg_dump reads the snapshot our transaction exported, the one the counts are taken in.
    with transaction.atomic():
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
        counts = table_counts()
        _run_pg_tool("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
    return counts


# --- Restoring ------------------------------------------------------------------------------


@contextmanager
def opened_archive(path: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    """Unpack and check an archive (into a temporary folder beside the database) and yield
    its manifest and the folder. Raises ``BackupError`` for anything wrong with it; nothing
    outside the temporary folder is touched."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    with tempfile.TemporaryDirectory(prefix="itcell-restore-", dir=_staging_dir()) as work:
        folder = Path(work)
        try:
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(folder, filter="data")
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            raise BackupError(
                f"{path} is not a readable itcell backup (damaged or incomplete: {exc}); "
                f"nothing was changed"
            ) from exc
        yield _checked_manifest(folder, path), folder


def _staging_dir() -> Path:
    """Beside the database file for SQLite, so the copy is on the same disk."""
    if vendor() == "sqlite":
        return _sqlite_path().resolve().parent
    staging = Path(settings.VAR_DIR) / "backups"
    staging.mkdir(parents=True, exist_ok=True)
    return staging


def _checked_manifest(folder: Path, path: Path) -> dict[str, Any]:
    refuse = f"{path} cannot be restored, and nothing was changed"
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{refuse}: its {MANIFEST} is missing or unreadable") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{refuse}: it is not an itcell backup of format {FORMAT}")
    kind = manifest.get("vendor")
    here = vendor()
    if kind != here:
        raise BackupError(
            f"{refuse}: it is a {VENDOR_NAMES.get(str(kind), kind)} backup and this installation "
            f"uses {VENDOR_NAMES.get(here, here)}; set DATABASE_URL to a "
            f"{VENDOR_NAMES.get(str(kind), kind)} database to restore it"
        )
    database = manifest.get("database") or {}
    database_path = folder / str(database.get("file", ""))
    if database.get("file") != DATABASE_FILES[here] or not database_path.is_file():
        raise BackupError(f"{refuse}: the database file is missing from the archive")
    if database_path.stat().st_size != database.get("size") or _sha256(
        database_path
    ) != database.get("sha256"):
        raise BackupError(f"{refuse}: the database file is damaged (its checksum does not match)")
    unknown = sorted(set(manifest.get("migrations", [])) - _known_migrations())
    if unknown:
        raise BackupError(
            f"{refuse}: it was made by a newer itcell (migrations this code does not have: "
            f"{', '.join(unknown[:5])}{'…' if len(unknown) > 5 else ''}); upgrade itcell first"
        )
    if here == "sqlite":
        _check_sqlite_file(database_path, refuse)
    else:
        _run_pg_tool("pg_restore", "--list", str(database_path))
    return manifest


def _check_sqlite_file(path: Path, refuse: str) -> None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
            db.execute("SELECT count(*) FROM django_migrations").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{refuse}: its database is not readable ({exc})") from exc
    if verdict != "ok":
        raise BackupError(f"{refuse}: its database fails SQLite's integrity check ({verdict})")


def restore_backup(
    *, path: Path, confirm: Callable[[dict[str, Any]], bool] | None = None
) -> Restored:
    """Replace the database and the media folder with an archive's, after checking all of it.

    ``confirm`` is shown the manifest once the archive has passed its checks; returning False
    stops with nothing changed. Afterwards ``backup.restored`` is recorded in the restored
    database's audit trail.
    """
    with opened_archive(path) as (manifest, folder):
        if confirm is not None and not confirm(manifest):
            raise BackupError("restore cancelled; nothing was changed")
        database = folder / manifest["database"]["file"]
        connections.close_all()  # no connection of ours holds a lock or a stale page
        if manifest["vendor"] == "sqlite":
            _restore_sqlite(database)
        else:
            _run_pg_tool(
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",  # all or nothing: a failure leaves the old database
                f"--dbname={_pg_env()['PGDATABASE']}",
                str(database),
            )
        connections.close_all()
        _replace_media(folder / MEDIA)
    counts = table_counts()
    saved = manifest.get("counts", {})
    result = Restored(
        manifest=manifest,
        counts=counts,
        mismatched={
            label: (saved[label], counts.get(label, 0))
            for label in saved
            if saved[label] != counts.get(label, 0)
        },
        unapplied=sorted(_known_migrations() - set(_applied_migrations())),
    )
    record(
        actor=None,
        action="backup.restored",
        object_type="backup",
        object_id=Path(path).name,
        object_repr=Path(path).name,
        after={
            "path": str(path),
            "created_at": manifest.get("created_at"),
            "vendor": manifest["vendor"],
            "by": _os_user(),
        },
    )
    return result


def _restore_sqlite(database: Path) -> None:
    """Copy the checked file into the live database with sqlite3's backup API: one write
    transaction, so the web and the worker see the old database or the new one, never a mix.
    (Renaming a file over the live one would leave their open connections, and its WAL file,
    on the old database.)"""
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    live = sqlite3.connect(_sqlite_path(), timeout=20)
    try:
        source.backup(live)
        live.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise BackupError(
            f"the database could not be replaced ({exc}); it is unchanged. Stop the web and "
            f"worker if they hold it locked, then try again"
        ) from exc
    finally:
        live.close()
        source.close()


def _replace_media(restored: Path) -> None:
    """Swap the media folder for the archive's by renames (an empty folder if it had none)."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    incoming = media_root.with_name(media_root.name + ".restoring")
    outgoing = media_root.with_name(media_root.name + ".replaced")
    for stale in (incoming, outgoing):
        shutil.rmtree(stale, ignore_errors=True)
    if restored.is_dir():
        shutil.move(restored, incoming)
    else:
        incoming.mkdir()
    if media_root.exists():
        media_root.rename(outgoing)
    incoming.rename(media_root)
    shutil.rmtree(outgoing, ignore_errors=True)
