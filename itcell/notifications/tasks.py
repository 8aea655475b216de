from django.tasks import task

from itcell.notifications import services


@task
def push_notification(*, notification_id: int, channel: str) -> str:
    """Carry one notification by one channel (enqueued by ``services.notify`` after commit,
    and again with ``run_after`` when the channel asked for a retry). Returns the push's
    state, or "skipped" when it was not waiting to be sent."""
    push = services.send_push(notification_id=notification_id, channel=channel)
    return push.state if push is not None else "skipped"
