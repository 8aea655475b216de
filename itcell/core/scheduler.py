"""Periodic jobs: a registry of tasks with an interval, and one tick that enqueues what is due.

Jobs register next to their task::

    @periodic(every=timedelta(minutes=1))
    @task
    def sweep_due_deliveries() -> None: ...

``itcell serve`` runs the scheduler loop in its own process; at scale run ``itcell scheduler``
once (or more: ticks are claimed row by row, so two schedulers never enqueue the same run).
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from itcell.core import clock
from itcell.core.models import PeriodicRun
from itcell.core.registry import Registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    task: Any  # a django.tasks Task
    every: timedelta

    @property
    def name(self) -> str:
        return str(self.task.module_path)


jobs: Registry[PeriodicJob] = Registry("periodic job")


def periodic(*, every: timedelta) -> Callable[[Any], Any]:
    def decorator(task: Any) -> Any:
        job = PeriodicJob(task=task, every=every)
        jobs.register(job.name)(job)
        return task

    return decorator


def is_due(*, last: datetime | None, every: timedelta, now: datetime) -> bool:
    return last is None or now - last >= every


def claim(*, job: PeriodicJob, now: datetime) -> bool:
    """Mark ``job`` as enqueued at ``now`` if it is due and no other scheduler got there first."""
    run, _ = PeriodicRun.objects.get_or_create(job=job.name)
    if not is_due(last=run.last_enqueued_at, every=job.every, now=now):
        return False
    won = PeriodicRun.objects.filter(pk=run.pk, last_enqueued_at=run.last_enqueued_at).update(
        last_enqueued_at=now
    )
    return won == 1


def tick(registry: Registry[PeriodicJob] = jobs) -> list[str]:
    """Enqueue every due job once; return the names enqueued."""
    now = clock.now()
    enqueued = []
    for name, job in registry.items():
        with transaction.atomic():
            if claim(job=job, now=now):
                transaction.on_commit(job.task.enqueue)
                enqueued.append(name)
    return enqueued


def run_forever(*, tick_seconds: float | None = None, max_ticks: int | None = None) -> None:
    from django.utils.module_loading import autodiscover_modules

    from itcell.core.services import beat

    autodiscover_modules("tasks")  # each app's tasks module registers its periodic jobs
    tick_seconds = tick_seconds or settings.ITCELL_SCHEDULER_TICK_SECONDS
    ticks = 0
    log.info("scheduler started: %d periodic jobs, tick %.1fs", len(list(jobs)), tick_seconds)
    while max_ticks is None or ticks < max_ticks:
        try:
            beat(process="scheduler")
            for name in tick():
                log.info("enqueued %s", name)
        except Exception:
            # One bad tick (a dropped connection, a locked database) must not stop the loop.
            log.exception("scheduler tick failed; retrying next tick")
        ticks += 1
        time.sleep(tick_seconds)
