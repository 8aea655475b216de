from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run a background task worker for the configured backend (ITCELL_TASKS)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASKS_BACKEND == "db":
            call_command("db_worker", queue_name="*", interval=0.5)
        elif settings.TASKS_BACKEND == "celery":
            from config.celery import app

            app.worker_main(["worker", "--loglevel=INFO", "--concurrency=2"])
        else:
            raise CommandError("ITCELL_TASKS=immediate runs tasks in the web process: no worker")
