"""Base models, and the two rows the background machinery keeps about itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from itcell.core import clock


class TimeStampedModel(models.Model):
    """A row that knows when it was made and last changed (by the itcell clock)."""

    created_at = models.DateTimeField(_("created"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=clock.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        self.updated_at = clock.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Heartbeat(models.Model):
    """The last time a background process (worker, scheduler) showed it was alive."""

    process = models.CharField(max_length=40, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.process} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class PeriodicRun(models.Model):
    """When the scheduler last enqueued one periodic job. Several schedulers may run: the
    one whose conditional update wins a tick enqueues, the others skip it."""

    job = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.job
