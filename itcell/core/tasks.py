from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.tasks import task

from itcell.core.scheduler import periodic
from itcell.core.services import beat


@periodic(every=timedelta(seconds=30))
@task
def worker_heartbeat() -> None:
    """Runs on a worker, so its row shows the workers are taking jobs, not only that
    the scheduler is enqueueing them."""
    beat(process="worker")


@periodic(every=timedelta(hours=6))
@task
def prune_task_results() -> None:
    """The database queue keeps a row per finished job (two heartbeats a minute alone): keep a
    week of successes and a month of failures, for the duty officer to look into."""
    if settings.TASKS_BACKEND == "db":
        call_command(
            "prune_db_task_results",
            queue_name="*",
            min_age_days=7,
            failed_min_age_days=30,
            verbosity=0,
        )
