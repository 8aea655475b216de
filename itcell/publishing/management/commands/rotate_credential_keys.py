"""``itcell rotate-credential-keys``: seal every stored credential again with the first key of
ITCELL_CREDENTIAL_KEYS, so older keys can be dropped. ``--generate-key`` prints a new key.
Neither ever prints a stored secret."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from itcell.publishing import crypto
from itcell.publishing.services.credential_keys import reseal_all


class Command(BaseCommand):
    help = (
        "Re-seal all stored credentials with the first key in ITCELL_CREDENTIAL_KEYS. "
        "Procedure: docs/backup.md, 'Rotating the credential keys'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--generate-key",
            action="store_true",
            help="print a new key to put first in ITCELL_CREDENTIAL_KEYS, and change nothing",
        )

    def handle(self, *args: Any, generate_key: bool, **options: Any) -> None:
        if generate_key:
            self.stdout.write(crypto.generate_key())
            self.stderr.write(
                "Put this key FIRST in ITCELL_CREDENTIAL_KEYS, keeping the current keys after\n"
                "it (or SECRET_KEY if the setting is empty), restart the web, worker and\n"
                "scheduler, then run `itcell rotate-credential-keys`. Keep the key as secret\n"
                "as the database password. Procedure: docs/backup.md."
            )
            return
        try:
            counts = reseal_all()
        except ImproperlyConfigured as exc:
            raise CommandError(f"{exc}. Nothing was changed.") from exc
        for label, count in counts.items():
            self.stdout.write(f"  {label}: {count:,} resealed")
        self.stdout.write(
            self.style.SUCCESS(
                f"All {sum(counts.values()):,} sealed values now open with the first key alone.\n"
                f"Remove the older keys from ITCELL_CREDENTIAL_KEYS and restart the web, "
                f"worker and scheduler."
            )
        )
