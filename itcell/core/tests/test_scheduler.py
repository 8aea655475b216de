from datetime import UTC, datetime, timedelta

import pytest
from django.tasks import task

from itcell.core import clock
from itcell.core.models import Heartbeat, PeriodicRun
from itcell.core.registry import Registry
from itcell.core.scheduler import PeriodicJob, claim, is_due, jobs, tick

T0 = datetime(2020, 10, 26, 12, 0, tzinfo=UTC)
calls: list[str] = []


@task
def count_call() -> None:
    calls.append("ran")


@pytest.fixture
def registry() -> Registry[PeriodicJob]:
    registry: Registry[PeriodicJob] = Registry("periodic job")
    registry.register("count")(PeriodicJob(task=count_call, every=timedelta(minutes=1)))
    calls.clear()
    return registry


@pytest.mark.parametrize(
    ("last", "now", "due"),
    [
        (None, T0, True),
        (T0, T0 + timedelta(seconds=59), False),
        (T0, T0 + timedelta(seconds=60), True),
    ],
    ids=["never-run", "one-second-early", "exactly-due"],
)
def test_is_due(last: datetime | None, now: datetime, due: bool) -> None:
    assert is_due(last=last, every=timedelta(minutes=1), now=now) is due


@pytest.mark.django_db(transaction=True)
def test_tick_enqueues_each_due_job_once(registry: Registry[PeriodicJob], settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with clock.frozen(T0):
        assert tick(registry) == ["count"]
        assert tick(registry) == []  # not due again within the minute
        clock.advance(timedelta(minutes=1))
        assert tick(registry) == ["count"]
    assert calls == ["ran", "ran"]


@pytest.mark.django_db
def test_a_second_scheduler_loses_the_claim() -> None:
    job = PeriodicJob(task=count_call, every=timedelta(minutes=1))
    PeriodicRun.objects.create(job=job.name, last_enqueued_at=T0 - timedelta(minutes=5))
    stale = PeriodicRun.objects.get(job=job.name)
    assert claim(job=job, now=T0)
    # The other scheduler read the row before our update: its conditional update matches nothing.
    won = PeriodicRun.objects.filter(pk=stale.pk, last_enqueued_at=stale.last_enqueued_at).update(
        last_enqueued_at=T0
    )
    assert won == 0


def test_the_worker_heartbeat_is_a_registered_periodic_job() -> None:
    import itcell.core.tasks  # noqa: F401

    assert "itcell.core.tasks.worker_heartbeat" in jobs


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_the_heartbeat() -> None:
    """The default backend end to end: enqueue into the database, a real worker takes it."""
    from django.core.management import call_command

    from itcell.core.tasks import worker_heartbeat

    with clock.frozen(T0):
        worker_heartbeat.enqueue()
        assert not Heartbeat.objects.filter(process="worker").exists()
        call_command("db_worker", queue_name="*", batch=True, no_startup_delay=True, verbosity=0)
    assert Heartbeat.objects.get(process="worker").seen_at == T0


@pytest.mark.django_db(transaction=True)
def test_old_finished_jobs_are_pruned_and_recent_ones_kept() -> None:
    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from itcell.core.tasks import prune_task_results, worker_heartbeat

    old, recent = worker_heartbeat.enqueue(), worker_heartbeat.enqueue()
    call_command("db_worker", queue_name="*", batch=True, no_startup_delay=True, verbosity=0)
    DBTaskResult.objects.filter(id=old.id).update(finished_at=timezone.now() - timedelta(days=8))
    prune_task_results.call()
    assert [str(i) for i in DBTaskResult.objects.values_list("id", flat=True)] == [recent.id]
