from typing import Any

from django.core.management.base import BaseCommand

from itcell.core.scheduler import run_forever


class Command(BaseCommand):
    help = "Enqueue periodic jobs when they are due (run one per deployment, or more: safe)."

    def handle(self, *args: Any, **options: Any) -> None:
        run_forever()
