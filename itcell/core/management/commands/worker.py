import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError, connections

#: Seconds before the database worker starts again after losing its connection.
RECONNECT_SECONDS = 2.0


class Command(BaseCommand):
    help = "Run a background task worker for the configured backend (ITCELL_TASKS)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASKS_BACKEND == "db":
            self.run_db_worker()
        elif settings.TASKS_BACKEND == "celery":
            from config.celery import app

            app.worker_main(["worker", "--loglevel=INFO", "--concurrency=2"])
        else:
            raise CommandError("ITCELL_TASKS=immediate runs tasks in the web process: no worker")

    def run_db_worker(self) -> None:
        """django_tasks_db's worker, started again when the database drops its connection (a
        restart, a failover): its loop ends with the error, and ``itcell serve`` stops the whole
        site when the worker exits. A task cut off is failed; the sweep enqueues its delivery
        again (bench/faults.py, "db-drop-task")."""
        while True:
            try:
                call_command("db_worker", queue_name="*", interval=0.5)
                return
            except (OperationalError, InterfaceError) as error:
                self.stderr.write(
                    f"The worker lost its database connection ({str(error).strip()}); "
                    f"starting again in {RECONNECT_SECONDS:.0f} s."
                )
                connections.close_all()
                time.sleep(RECONNECT_SECONDS)
