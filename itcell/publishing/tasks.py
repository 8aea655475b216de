"""Background jobs of publishing: each takes ids and calls a service. (Services import this
module to enqueue, so each job imports its service when it runs.)"""

from datetime import timedelta

from django.tasks import task

from itcell.core.scheduler import periodic


@task
def deliver(*, delivery_id: int) -> str:
    from itcell.publishing.services.delivery import deliver as deliver_one

    return deliver_one(delivery_id=delivery_id)


@task
def remove_delivery(*, delivery_id: int) -> str:
    from itcell.publishing.services.delivery import remove_delivery as remove

    return remove(delivery_id=delivery_id)


@periodic(every=timedelta(seconds=30))
@task
def sweep_deliveries() -> dict[str, int]:
    from itcell.publishing.services.delivery import sweep

    report = sweep()
    return {"enqueued": report.enqueued, "recovered": report.recovered}


@periodic(every=timedelta(minutes=5))
@task
def escalate_reviews() -> int:
    from itcell.elections.models import Election
    from itcell.publishing.services.review import escalate_reviews as escalate

    return sum(
        escalate(election=e) for e in Election.objects.filter(posts__state="in_review").distinct()
    )


@periodic(every=timedelta(minutes=15))
@task
def collect_engagement() -> int:
    from itcell.publishing.services.engagement import collect

    return collect()


@task
def sample_engagement(*, delivery_id: int) -> None:
    from itcell.publishing.services.engagement import sample

    sample(delivery_id=delivery_id)
