from datetime import timedelta

from django.tasks import task

from itcell.core import clock
from itcell.core.scheduler import periodic
from itcell.elections.models import Election
from itcell.organisation.alerts import raise_gap_alerts


@periodic(every=timedelta(minutes=15))
@task
def roster_gap_alerts() -> None:
    """Every election still to be counted that has desks: tell people about roster gaps."""
    today = clock.today_ist()
    for election in Election.objects.filter(
        counting_date__gte=today, desks__isnull=False
    ).distinct():
        raise_gap_alerts(election=election)
