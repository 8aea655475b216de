"""Reads of the inbox and of a member's channel preferences."""

from django.db.models import QuerySet
from django.http import Http404

from itcell.accounts.models import User
from itcell.notifications.models import ChannelPreference, Notification


def count_unread(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def list_inbox(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """Newest first, each with its pushes (to show what could not be delivered)."""
    notifications = Notification.objects.filter(recipient=user).prefetch_related("pushes")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def access_notification(*, user: User, notification_id: int) -> Notification:
    """One of the user's own notifications; another member's is "not found" like a missing one."""
    notification = (
        Notification.objects.filter(recipient=user, pk=notification_id)
        .prefetch_related("pushes")
        .first()
    )
    if notification is None:
        raise Http404
    return notification


def get_preferences(user: User) -> ChannelPreference:
    """The member's preferences, or the defaults (unsaved) if they never chose."""
    return ChannelPreference.objects.filter(user=user).first() or ChannelPreference(user=user)
