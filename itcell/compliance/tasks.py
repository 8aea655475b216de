"""Background jobs of compliance: each takes ids (or nothing) and calls a service."""

from datetime import timedelta

from django.tasks import task

from itcell.core.scheduler import periodic


@periodic(every=timedelta(minutes=1))
@task
def tick_takedowns() -> int:
    from itcell.compliance.services import tick_takedowns as tick

    return tick()


@periodic(every=timedelta(minutes=1))
@task
def hold_silenced() -> int:
    from itcell.compliance.services import hold_silenced as hold

    return hold()
