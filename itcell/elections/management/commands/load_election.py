from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from itcell.core.errors import InvalidInput, ItcellError
from itcell.elections.services import load_election

SHOWN = 30


class Command(BaseCommand):
    help = "Load an election's reference data (a bundled name such as bihar-2020, or a folder)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="bundled dataset name or path to a data folder")

    def handle(self, *args: Any, name: str, **options: Any) -> None:
        try:
            report = load_election(name=name)
        except InvalidInput as error:
            shown = [str(p) for p in error.problems[:SHOWN]]
            if len(error.problems) > SHOWN:
                shown.append(f"... and {len(error.problems) - SHOWN} more problems")
            raise CommandError("refused, nothing written:\n" + "\n".join(shown)) from error
        except ItcellError as error:
            raise CommandError(str(error)) from error
        changes = report.changes
        if not changes.changed:
            self.stdout.write(f"{report.election.slug}: already up to date, nothing changed")
            return
        parts = [f"{n} {k}" for k, n in sorted(changes.created.items())]
        parts += [f"{n} {k} updated" for k, n in sorted(changes.updated.items())]
        self.stdout.write(self.style.SUCCESS(f"{report.election.slug}: " + ", ".join(parts)))
