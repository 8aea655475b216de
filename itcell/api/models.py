"""API tokens, and webhook subscriptions with the log of what was sent to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from itcell.api.scopes import DeskScope, Scope
from itcell.core.models import TimeStampedModel
from itcell.elections.models import Election
from itcell.organisation.models import Desk


class ApiToken(TimeStampedModel):
    """A bearer token for another system. It acts for one member (``user``: what it does is
    theirs on the audit trail), only within its ``scopes`` and its desk scope. Only a digest
    of the secret is kept: the secret is shown once, when the head creates the token."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("acts for"),
    )
    desk = models.ForeignKey(
        Desk,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("desk scope"),
        help_text=_("Empty: wherever the member reaches."),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    prefix = models.CharField(max_length=12, unique=True)  # shown in lists, to tell tokens apart
    digest = models.CharField(max_length=64, unique=True)  # sha256 of the whole token
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_set(self) -> frozenset[Scope]:
        return frozenset(Scope(s) for s in self.scopes if s in set(Scope))

    def desk_scope(self) -> DeskScope:
        if self.desk is None or self.desk.kind == Desk.Kind.HQ:
            return DeskScope()
        return DeskScope(self.desk_id, frozenset(ac.number for ac in self.desk.acs.all()))


class WebhookEvent(models.TextChoices):
    POST_APPROVED = "post.approved", _("Post approved")
    DELIVERY_PUBLISHED = "delivery.published", _("Delivery published")
    DELIVERY_UNCONFIRMED = "delivery.unconfirmed", _("Delivery unconfirmed")
    ALERT_RAISED = "alert.raised", _("Alert raised")
    TAKEDOWN_OPENED = "takedown.opened", _("Takedown opened")
    SILENCE_OPENED = "silence_window.opened", _("Silence window opened")
    PING = "ping", _("Test ping")  # sent by hand from the subscription's page, never subscribed


class WebhookSubscription(TimeStampedModel):
    """Another system's address, told of the chosen events with bodies signed by HMAC-SHA256
    under a secret kept sealed (it must be read back to sign)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    sealed_secret = models.TextField()
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one subscription, with every try's outcome."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    event_id = models.UUIDField(unique=True)  # the receiver's key to drop repeats
    audit_event_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField()
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_status = models.PositiveSmallIntegerField(_("last response"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"))
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"
