"""The Celery app, used only when ITCELL_TASKS=celery. App code never imports it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("itcell")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
