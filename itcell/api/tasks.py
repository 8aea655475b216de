"""Background jobs of the API app: sending webhooks. Each takes ids and calls a service in
``webhooks`` (which imports this module to enqueue, so each job imports it when it runs)."""

from datetime import timedelta

from django.tasks import task

from itcell.core.scheduler import periodic


@task
def send_webhook(*, delivery_id: int) -> str:
    """Try one delivery (enqueued after commit when it is created or retried by hand)."""
    from itcell.api.webhooks import send_delivery

    return send_delivery(delivery_id=delivery_id)


@periodic(every=timedelta(minutes=1))
@task
def send_due_webhooks() -> int:
    """Send what fell due again after a failed try, or was left by a lost task."""
    from itcell.api.webhooks import send_due

    return send_due()
