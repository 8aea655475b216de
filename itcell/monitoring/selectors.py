"""Reads of the monitoring app. Counts come from ``HourlyCount``, never from scanning items."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from itcell.core import clock
from itcell.elections.models import Election
from itcell.monitoring.models import ALL_ACS, ALL_PARTIES, HourlyCount, Source
from itcell.monitoring.services import hour_of

HOUR = timedelta(hours=1)


class Health(StrEnum):
    OK = "ok"
    FAILING = "failing"  # the last poll failed
    NEVER = "never"  # not polled yet
    DISABLED = "disabled"


HEALTH_LABELS = {
    Health.OK: _("Working"),
    Health.FAILING: _("Failing"),
    Health.NEVER: _("Not polled yet"),
    Health.DISABLED: _("Disabled"),
}


@dataclass(frozen=True)
class SourceHealth:
    source: Source
    health: Health
    items_24h: int  # items published in the last 24 hours, by the hourly counts

    @property
    def label(self) -> str:
        return str(HEALTH_LABELS[self.health])


def health_of(source: Source) -> Health:
    if not source.enabled:
        return Health.DISABLED
    if source.consecutive_failures:
        return Health.FAILING
    if source.last_polled_at is None:
        return Health.NEVER
    return Health.OK


def list_sources_health(*, election: Election, now: datetime | None = None) -> list[SourceHealth]:
    """Every source of the election with its health, failing ones first (two queries)."""
    now = now or clock.now()
    counts = dict(
        HourlyCount.objects.filter(
            election=election,
            ac_number=ALL_ACS,
            party=ALL_PARTIES,
            hour__gte=hour_of(now - timedelta(hours=24)),
        )
        .values("source")
        .annotate(n=Sum("count"))
        .values_list("source", "n")
    )
    order = [Health.FAILING, Health.NEVER, Health.OK, Health.DISABLED]
    rows = [
        SourceHealth(source=s, health=health_of(s), items_24h=counts.get(s.pk) or 0)
        for s in Source.objects.filter(election=election)
    ]
    return sorted(rows, key=lambda r: (order.index(r.health), r.source.name))


def count_by_hour(
    *,
    election: Election,
    since: datetime,
    until: datetime | None = None,
    ac: int | None = None,
    party: str = ALL_PARTIES,
    source: Source | None = None,
) -> list[tuple[datetime, int]]:
    """Items per hour (UTC hours, oldest first, hours without items as 0) from ``since`` to
    ``until`` (now): of the whole election, or of one AC when ``ac`` is given; of every
    party, or of those naming ``party``; of every source, or of one. One query."""
    first, last = hour_of(since), hour_of(until or clock.now())
    rows = HourlyCount.objects.filter(
        election=election,
        ac_number=ALL_ACS if ac is None else ac,
        party=party,
        hour__gte=first,
        hour__lte=last,
    )
    if source is not None:
        rows = rows.filter(source=source)
    found = dict(rows.values("hour").annotate(n=Sum("count")).values_list("hour", "n"))
    hours = []
    at = first
    while at <= last:
        hours.append((at, found.get(at) or 0))
        at += HOUR
    return hours
