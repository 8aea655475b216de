"""``itcell restore PATH``: replace the database and the media folder with a backup's, after
checking the whole archive; then check the audit chain."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from itcell.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `itcell backup` (replaces the database and media)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the .tar.gz archive to restore")
        parser.add_argument(
            "--yes",
            "--no-input",
            "--noinput",
            action="store_true",
            dest="yes",
            help="do not ask for confirmation",
        )

    def handle(self, *args: Any, path: Path, yes: bool, **options: Any) -> None:
        try:
            restored = restore_backup(path=path, confirm=None if yes else self.confirm)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = restored.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} "
                f"({sum(restored.counts.values()):,} rows, "
                f"{manifest['media_files']:,} media files)."
            )
        )
        for label, (saved, now) in sorted(restored.mismatched.items()):
            self.stderr.write(f"  warning: {label} held {saved:,} rows when saved, {now:,} now")
        if restored.unapplied:
            self.stdout.write(
                f"  The backup predates {len(restored.unapplied)} migration(s) of this itcell: "
                f"run `itcell migrate` before starting the web and the worker."
            )
        self.stdout.write("Audit chain: ", ending="")
        call_command("audit", "verify", stdout=self.stdout, stderr=self.stderr)

    def confirm(self, manifest: dict[str, Any]) -> bool:
        database = settings.DATABASES[DEFAULT_DB_ALIAS]
        self.stdout.write(
            f"This REPLACES the {manifest['vendor']} database {database['NAME']} and the media "
            f"folder {settings.MEDIA_ROOT}\nwith the backup made {manifest['created_at']} "
            f"(itcell {manifest['itcell_version']}, {sum(manifest['counts'].values()):,} rows, "
            f"{manifest['media_files']:,} media files).\n"
            f"Stop the web, worker and scheduler first. Anything written since the backup is lost."
        )
        try:
            answer = input("Type 'yes' to restore: ")
        except EOFError:  # no one at the keyboard (a script, a pipe)
            self.stdout.write("\nNo answer: pass --yes to restore without asking.")
            return False
        return answer.strip().lower() == "yes"
