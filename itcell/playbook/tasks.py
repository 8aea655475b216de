from datetime import timedelta

from django.tasks import task

from itcell.core import clock
from itcell.core.scheduler import periodic
from itcell.elections.models import Election
from itcell.playbook.training import remind_untrained


@periodic(every=timedelta(days=1))
@task
def remind_untrained_members() -> None:
    """Once a day, in every election still to be counted that has core modules: remind the
    members who draft and have not passed them (each at most once a day)."""
    today = clock.today_ist()
    for election in Election.objects.filter(
        counting_date__gte=today, modules__is_core=True, modules__is_active=True
    ).distinct():
        remind_untrained(election=election, actor=None)
