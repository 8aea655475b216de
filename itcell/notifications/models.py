"""What the cell tells its members: inbox items, the pushes that carried them by email or
Telegram, and each member's choice of channels. Rows are written only by ``services``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from itcell.core import clock
from itcell.core.templatetags.itcell import ist
from itcell.notifications.errors import WHAT_TO_DO, Reason


class Kind(models.TextChoices):
    REVIEW_REQUEST = "review_request", _("Review request")
    ALERT = "alert", _("Alert")
    ROSTER_GAP = "roster_gap", _("Roster gap")
    HANDOVER = "handover", _("Handover")
    TAKEDOWN = "takedown", _("Takedown")
    DELIVERY = "delivery", _("Delivery problem")
    TRAINING = "training", _("Training")
    SYSTEM = "system", _("System")


class Channel(models.TextChoices):
    """The push channels; each name is also an alias in ITCELL_NOTIFICATION_CHANNELS."""

    EMAIL = "email", _("Email")
    TELEGRAM = "telegram", _("Telegram")


def all_kinds() -> list[str]:
    return list(Kind.values)


class Notification(models.Model):
    """One thing one member should know or do, in their inbox, in their language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)  # a path inside itcell
    created_at = models.DateTimeField(_("created"), default=clock.now, editable=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    dedupe_key = models.CharField(
        _("dedupe key"),
        max_length=200,
        blank=True,
        help_text=_("While one item with this key is unread, the same alert is not added again."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Only unread items are unique: once a member has read "AC 52 has no one on
            # shift", the same gap may alert them again.
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=Q(read_at__isnull=True) & ~Q(dedupe_key=""),
                name="notification_unread_dedupe_key",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title


class Push(models.Model):
    """One notification carried to its recipient by one channel, and how that went."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        RETRYING = "retrying", _("will be tried again")
        SENT = "sent", _("sent")
        FAILED = "failed", _("could not be sent")
        UNREACHABLE = "unreachable", _("could not reach the recipient")
        CANCELLED = "cancelled", _("not sent: read already, or the channel was turned off")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="pushes")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)  # the service's words
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=clock.now)

    class Meta:
        ordering = ["channel"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="one_push_per_channel")
        ]
        verbose_name = _("push")
        verbose_name_plural = _("pushes")

    def __str__(self) -> str:
        return f"{self.channel} #{self.notification_id}: {self.state}"

    @property
    def notice(self) -> str:
        """What the recipient should know about this push, in the active language; empty
        when there is nothing to say (sent, or still on its way)."""
        params = {
            "channel": self.get_channel_display(),
            "reason": self.get_reason_display(),
            "what_to_do": WHAT_TO_DO.get(self.reason, ""),
        }
        if self.state == self.State.UNREACHABLE:
            return gettext("%(channel)s could not reach you: %(reason)s. %(what_to_do)s") % params
        if self.state == self.State.FAILED:
            return (
                gettext("%(channel)s could not deliver this: %(reason)s. %(what_to_do)s") % params
            )
        if self.state == self.State.RETRYING:
            return gettext(
                "%(channel)s could not deliver this yet: %(reason)s. It will try again at %(at)s."
            ) % {**params, "at": ist(self.next_attempt_at, "H:i")}
        return ""


class ChannelPreference(models.Model):
    """How one member wants to be reached beyond the inbox, which always gets everything.
    Email and Telegram stay off until the member turns them on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email_enabled = models.BooleanField(_("email"), default=False)
    email_kinds = models.JSONField(_("kinds sent by email"), default=all_kinds, blank=True)
    telegram_enabled = models.BooleanField(_("Telegram"), default=False)
    telegram_chat_id = models.CharField(_("Telegram chat ID"), max_length=32, blank=True)
    telegram_kinds = models.JSONField(_("kinds sent by Telegram"), default=all_kinds, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=clock.now)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"notification preferences of {self.user}"

    def channels_for(self, kind: str) -> list[str]:
        """The push channels that carry ``kind`` for this member."""
        channels = []
        if self.email_enabled and kind in self.email_kinds:
            channels.append(Channel.EMAIL.value)
        if self.telegram_enabled and self.telegram_chat_id and kind in self.telegram_kinds:
            channels.append(Channel.TELEGRAM.value)
        return channels
