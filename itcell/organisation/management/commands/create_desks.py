from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from itcell.elections.models import Election
from itcell.organisation.services import create_desks


class Command(BaseCommand):
    help = "Create HQ, one desk per district and one per constituency for an election."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--election", required=True, help="election slug, e.g. bihar-2020")

    def handle(self, *args: Any, election: str, **options: Any) -> None:
        found = Election.objects.filter(slug=election).first()
        if found is None:
            slugs = ", ".join(Election.objects.values_list("slug", flat=True)) or "none loaded"
            raise CommandError(f"no election {election!r} (elections: {slugs})")
        counts = create_desks(election=found)
        self.stdout.write(
            f"{found.slug}: {counts.created} desks created, "
            f"{counts.created + counts.existing} in all"
        )
