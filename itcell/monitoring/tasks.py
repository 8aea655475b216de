"""Background jobs of monitoring: each takes ids (or nothing) and calls a service."""

import time
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.tasks import task

from itcell.core.scheduler import periodic

MEANING_SECONDS = 25  # a run of matching by meaning stops starting batches after this long


@task
def poll_source(*, source_id: int) -> dict[str, object]:
    from itcell.core import clock
    from itcell.monitoring.models import Source
    from itcell.monitoring.services import poll_source as poll

    source = Source.objects.select_related("election").filter(pk=source_id, enabled=True).first()
    if source is None:
        return {"skipped": "disabled or deleted"}
    polled = poll(source=source, now=clock.now())
    if not polled.ok or polled.ingested is None:
        return {"ok": False, "error": polled.error}
    return {"ok": True, "new": polled.ingested.new, "duplicates": polled.ingested.duplicates}


@periodic(every=timedelta(seconds=30))
@task
def poll_due_sources() -> int:
    """Claim every source due a poll and enqueue one poll each."""
    from itcell.core import clock
    from itcell.monitoring.services import claim_due_sources

    with transaction.atomic():
        claimed = claim_due_sources(now=clock.now())
        for source_id in claimed:
            transaction.on_commit(partial(poll_source.enqueue, source_id=source_id))
    return len(claimed)


@periodic(every=timedelta(minutes=1))
@task
def raise_alerts() -> int:
    """Spike alerts for every election with monitoring sources."""
    from itcell.core import clock
    from itcell.elections.models import Election
    from itcell.monitoring.alerts import raise_spike_alerts

    now = clock.now()
    elections = Election.objects.filter(sources__enabled=True).distinct()
    return sum(len(raise_spike_alerts(election=e, now=now)) for e in elections)


@periodic(every=timedelta(seconds=30))
@task
def group_narratives() -> int:
    """Group new items into narratives, for every election with monitoring sources."""
    from itcell.elections.models import Election
    from itcell.monitoring.narratives import group_narratives as group

    elections = Election.objects.filter(sources__enabled=True).distinct()
    return sum(group(election=e) for e in elections)


@periodic(every=timedelta(seconds=30))
@task
def match_claims_by_meaning() -> int:
    """Match new items against the claims library by meaning (when embeddings are on), for
    every election with monitoring sources, for up to ``MEANING_SECONDS`` a run."""
    from itcell.elections.models import Election
    from itcell.monitoring.alerts import match_claims_by_meaning as match

    started, matched = time.monotonic(), 0
    for election in Election.objects.filter(sources__enabled=True).distinct():
        while time.monotonic() - started < MEANING_SECONDS and (done := match(election=election)):
            matched += done
    return matched


@periodic(every=timedelta(minutes=5))
@task
def train_stance_models() -> int:
    """Retrain the stance classifier of every election whose analysts' labels changed."""
    from itcell.core import clock
    from itcell.elections.models import Election
    from itcell.monitoring.stance import train_stance_model

    now = clock.now()
    elections = Election.objects.filter(sources__enabled=True).distinct()
    return sum(train_stance_model(election=e, now=now) is not None for e in elections)
