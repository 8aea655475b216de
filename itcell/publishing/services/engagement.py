"""Engagement: a periodic job samples the counts of recently published posts where the
platform tells them, as a time series per delivery (readings, not decisions: not audited)."""

from datetime import timedelta
from functools import partial

from django.db import transaction

from itcell.core import clock
from itcell.publishing import tasks
from itcell.publishing.connectors import get_connector
from itcell.publishing.errors import ConnectorError
from itcell.publishing.models import Delivery, EngagementSample
from itcell.publishing.services.delivery import account_for

#: Posts are followed for this long after publishing.
FOLLOW_FOR = timedelta(days=3)


def collect() -> int:
    """Enqueue one sampling job per published delivery still followed; returns how many."""
    since = clock.now() - FOLLOW_FOR
    deliveries = Delivery.objects.filter(
        state=Delivery.State.PUBLISHED, finished_at__gte=since
    ).select_related("channel")
    ids = [d.pk for d in deliveries if get_connector(d.channel.connector).supports_metrics]
    for pk in ids:
        transaction.on_commit(partial(tasks.sample_engagement.enqueue, delivery_id=pk), robust=True)
    return len(ids)


def sample(*, delivery_id: int) -> EngagementSample | None:
    delivery = Delivery.objects.select_related("channel").get(pk=delivery_id)
    connector = get_connector(delivery.channel.connector)
    if delivery.state != Delivery.State.PUBLISHED or not connector.supports_metrics:
        return None
    try:
        metrics = connector.metrics(
            account=account_for(delivery.channel), remote_id=delivery.remote_id
        )
    except ConnectorError:
        return None  # the next round tries again; a gap in a series is harmless
    return EngagementSample.objects.create(
        delivery=delivery,
        at=clock.now(),
        likes=metrics.likes,
        shares=metrics.shares,
        replies=metrics.replies,
        views=metrics.views,
    )
