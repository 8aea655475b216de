"""The at-scale path: the same @task functions on Celery with a real Redis broker."""

import time
from datetime import UTC, datetime

import pytest

from itcell.core import clock
from itcell.core.models import Heartbeat

T0 = datetime(2020, 10, 26, 12, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_celery_worker_on_redis_runs_the_heartbeat(settings) -> None:  # type: ignore[no-untyped-def]
    from celery.contrib.testing.worker import start_worker
    from django.tasks import task_backends

    from config.celery import app

    settings.TASKS = {"default": {"BACKEND": "django_tasks_celery.CeleryBackend", "QUEUES": []}}
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.conf.result_backend = settings.CELERY_RESULT_BACKEND
    assert type(task_backends["default"]).__name__ == "CeleryBackend"

    from itcell.core.tasks import worker_heartbeat

    with clock.frozen(T0), start_worker(app, pool="solo", perform_ping_check=False):
        worker_heartbeat.enqueue()
        deadline = time.monotonic() + 20
        while not Heartbeat.objects.filter(process="worker").exists():
            assert time.monotonic() < deadline, "the Celery worker did not run the task in 20 s"
            time.sleep(0.1)
    assert Heartbeat.objects.get(process="worker").seen_at == T0
