from datetime import timedelta

from django.tasks import task

from itcell.core.scheduler import periodic
from itcell.core.services import beat


@periodic(every=timedelta(seconds=30))
@task
def worker_heartbeat() -> None:
    """Runs on a worker, so its row shows the workers are taking jobs, not only that
    the scheduler is enqueueing them."""
    beat(process="worker")
