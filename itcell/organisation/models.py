"""The cell's organisation for one election: desks and their areas, who holds which role
where, the shift roster, handovers between shifts."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from itcell.core import clock
from itcell.elections.models import AssemblyConstituency, BilingualName, District, Election
from itcell.organisation.roles import ROLE_LABELS, Role


class Desk(BilingualName):
    class Kind(models.TextChoices):
        HQ = "hq", _("Headquarters")
        DISTRICT = "district", _("District desk")
        AC = "ac", _("Constituency desk")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="desks")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="desks",
        verbose_name=_("district"),
    )
    acs = models.ManyToManyField(
        AssemblyConstituency,
        related_name="desks",
        blank=True,
        verbose_name=_("area"),
        help_text=_("The constituencies this desk answers for."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_desks",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    # Lists read HQ first, then districts A–Z, then constituencies by number.
    position = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["election"], condition=Q(kind="hq"), name="one_hq_per_election"
            )
        ]
        verbose_name = _("desk")
        verbose_name_plural = _("desks")


class Membership(models.Model):
    """One role held by one person at one desk. A person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=list(ROLE_LABELS.items()))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "desk", "role"], name="membership_unique")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {Role(self.role).label} @ {self.desk}"


class Invitation(models.Model):
    """A link that lets one person join with one role at one desk, until it expires."""

    token_hash = models.CharField(max_length=64, unique=True)
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=20, choices=list(ROLE_LABELS.items()))
    display_name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.display_name} → {self.desk}"


class ShiftTemplate(models.Model):
    """A day cut into shifts, e.g. 3×8 h from 06:00, applied to desks for a run of days."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    first_start = models.TimeField(_("first shift starts (IST)"))
    shift_hours = models.PositiveSmallIntegerField(_("hours per shift"))

    class Meta:
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")

    def __str__(self) -> str:
        return self.name

    @property
    def shifts_per_day(self) -> int:
        return 24 // self.shift_hours


class Shift(models.Model):
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="shifts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"
            )
        ]
        indexes = [
            models.Index(fields=["desk", "starts_at"]),
            models.Index(fields=["user", "starts_at"]),
        ]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")

    def __str__(self) -> str:
        return f"{self.user} @ {self.desk} {self.starts_at:%Y-%m-%d %H:%M}"


class Handover(models.Model):
    """What one shift leaves to the next at a desk; the next shift acknowledges it."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="handovers")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=clock.now)
    pending_items = models.TextField(_("pending items"), blank=True)
    open_alerts = models.TextField(_("open alerts"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-written_at"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return f"{self.desk} {self.written_at:%Y-%m-%d %H:%M}"
