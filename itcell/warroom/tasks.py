from datetime import timedelta

from django.tasks import task

from itcell.core import clock
from itcell.core.clock import IST
from itcell.core.scheduler import periodic
from itcell.elections.models import Election
from itcell.organisation.selectors import day_window
from itcell.warroom.report_files import keep_daily_reports


@periodic(every=timedelta(hours=1))
@task
def keep_yesterdays_reports() -> None:
    """After midnight IST, write the day before's reports (the state's and each district's) for
    each election under way. Hourly and idempotent: a run finds the files written and writes
    only what is missing, so a run that failed halfway is finished by the next."""
    yesterday = clock.now().astimezone(IST).date() - timedelta(days=1)
    window = day_window(yesterday)
    for election in Election.objects.filter(mcc_from__lt=window.end, counting_date__gte=yesterday):
        keep_daily_reports(election=election, day=yesterday)
