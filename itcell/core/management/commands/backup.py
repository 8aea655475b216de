"""``itcell backup [PATH]``: the database and the media folder in one archive (see
``itcell.core.backup``). Safe while the web and the worker run."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from itcell.core.backup import BackupError, create_backup, default_path


class Command(BaseCommand):
    help = "Back up the database and uploaded media into one .tar.gz archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help=f"archive to write, or a folder for it (default: {default_path().parent}/)",
        )

    def handle(self, *args: Any, path: Path | None, **options: Any) -> None:
        started = time.monotonic()
        try:
            backup = create_backup(path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest['vendor']} database "
                f"({sum(manifest['counts'].values()):,} rows) and {manifest['media_files']:,} "
                f"media files to {backup.path}\n"
                f"  {backup.size / 1e6:.1f} MB in {time.monotonic() - started:.1f} s. "
                f"Restore with: itcell restore {backup.path}"
            )
        )
