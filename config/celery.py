"""The Celery app, used only when ITCELL_TASKS=celery. App code never imports it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("itcell")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# With Redis down, an enqueue (run in the request that scheduled a post) waited on the result
# store's reconnection: 20 one-second retries per task by Celery's default, so a post with three
# channels held its request a minute. One short retry instead: the enqueue then fails, logged,
# and the sweep enqueues the delivery once Redis is back (bench/faults.py, "redis-down").
app.conf.result_backend_transport_options = {
    "retry_policy": {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.5,
        "interval_max": 0.5,
    }
}
