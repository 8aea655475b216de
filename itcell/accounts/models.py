from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from itcell.core import clock


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships of desks."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_username()


class SignInFailure(models.Model):
    """One refused password or two-factor code, kept for the lockout window only.

    A table rather than the cache: the embedded install runs several web processes with a
    per-process (locmem) cache, which would each count on their own; rows are shared by every
    process, read the project's clock (so tests move time instead of sleeping) and cost one
    insert per failure, which only an attacker makes many of.
    """

    username = models.CharField(_("username"), max_length=150)  # as typed, lower-cased
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=clock.now)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="signin_failure_username"),
            models.Index(fields=["address", "at"], name="signin_failure_address"),
        ]
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")

    def __str__(self) -> str:
        return f"{self.username} from {self.address or '?'} at {self.at:%Y-%m-%d %H:%M:%S}"


class SignInLock(models.Model):
    """A username or a client address that may not sign in until ``until``."""

    class Kind(models.TextChoices):
        USERNAME = "username", _("username")
        ADDRESS = "address", _("address")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=150)
    until = models.DateTimeField(_("until"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "until"], name="signin_lock_lookup")]
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")

    def __str__(self) -> str:
        return f"{self.kind}: {self.key} until {self.until:%Y-%m-%d %H:%M:%S}"


class TwoFactorDevice(models.Model):
    """A person's authenticator (RFC 6238 TOTP). The secret is sealed at rest like channel
    credentials; ``confirmed_at`` is empty until the person has typed a first good code."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor_device"
    )
    sealed_secret = models.TextField()
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_used_step = models.BigIntegerField(null=True, blank=True)  # refuses a code's replay
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("two-factor device")
        verbose_name_plural = _("two-factor devices")

    def __str__(self) -> str:
        return f"{self.user} — TOTP"
