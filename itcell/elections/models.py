"""Reference data: the map (states, districts, constituencies) and the contest (elections,
phases, polls, parties, alliances, candidacies). Loaded from data folders by
``elections.loader``; changed afterwards only through the admin (poll close hours, handles).
"""

import json
from datetime import time
from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Bounded:
    """A place with an outline. The GeoJSON is kept as text and parsed only when drawn:
    lists of places must not pay for decoding every outline."""

    boundary: str

    @property
    def geometry(self) -> dict[str, Any] | None:
        return json.loads(self.boundary) if self.boundary else None


class BilingualName(models.Model):
    """Something with an English and a Hindi name; ``name`` gives the one for the
    active language, falling back to English where no Hindi name is known."""

    name_en = models.CharField(_("name (English)"), max_length=120)
    name_hi = models.CharField(_("name (Hindi)"), max_length=120, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_hi if get_language() == "hi" and self.name_hi else self.name_en


class Reservation(models.TextChoices):
    GEN = "GEN", _("General")
    SC = "SC", _("Scheduled Caste")
    ST = "ST", _("Scheduled Tribe")


class State(BilingualName):
    code = models.CharField(_("code"), max_length=8, unique=True)

    class Meta:
        verbose_name = _("state")
        verbose_name_plural = _("states")


class District(Bounded, BilingualName):
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="districts")
    eci_name = models.CharField(_("ECI name"), max_length=80)  # join key in the data files
    census_name = models.CharField(_("Census 2011 name"), max_length=80, blank=True)
    census_code = models.PositiveSmallIntegerField(_("Census 2011 code"), null=True, blank=True)
    boundary = models.TextField(_("boundary (GeoJSON geometry)"), blank=True, default="")

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.UniqueConstraint(fields=["state", "eci_name"], name="district_unique_name")
        ]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class ParliamentaryConstituency(BilingualName):
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="pcs")
    number = models.PositiveSmallIntegerField(_("number"))
    reservation = models.CharField(_("reservation"), max_length=3, choices=Reservation.choices)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["state", "number"], name="pc_unique_no")]
        verbose_name = _("parliamentary constituency")
        verbose_name_plural = _("parliamentary constituencies")


class AssemblyConstituency(Bounded, BilingualName):
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="acs")
    number = models.PositiveSmallIntegerField(_("number"))
    reservation = models.CharField(_("reservation"), max_length=3, choices=Reservation.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="acs")
    pc = models.ForeignKey(
        ParliamentaryConstituency,
        on_delete=models.PROTECT,
        related_name="acs",
        verbose_name=_("parliamentary constituency"),
    )
    boundary = models.TextField(_("boundary (GeoJSON geometry)"), blank=True, default="")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["state", "number"], name="ac_unique_no")]
        verbose_name = _("assembly constituency")
        verbose_name_plural = _("assembly constituencies")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Party(BilingualName):
    short_name = models.CharField(_("short name"), max_length=80, unique=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.short_name


class Election(BilingualName):
    """One contest, with the windows the election rules are computed from. Every instant is
    stored in UTC; the data folder gives them in IST."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="elections")
    mcc_from = models.DateTimeField(_("Model Code of Conduct in force from"))
    mcc_until = models.DateTimeField(_("Model Code of Conduct in force until"))
    counting_date = models.DateField(_("counting date"))
    exit_poll_ban_from = models.DateTimeField(_("exit-poll ban from"))
    exit_poll_ban_until = models.DateTimeField(_("exit-poll ban until"))
    silence_hours = models.PositiveSmallIntegerField(
        _("silence period (hours before the close of poll)"),
        default=48,
        help_text=_("Section 126 of the Representation of the People Act: 48 hours."),
    )
    lwe_poll_closes = models.TimeField(
        _("close of poll assumed in early-closing areas (IST)"),
        default=time(16, 0),
        help_text=_(
            "Constituencies marked as closing early (Left-Wing-Extremism areas) fall silent "
            "48 hours before this hour on their poll day, unless their own close is earlier."
        ),
    )
    own_party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("our party"),
        help_text=_("The party this IT cell works for."),
    )
    exercise_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exercises",
        verbose_name=_("exercise copy of"),
        help_text=_("A rehearsal of a past election with its dates moved."),
    )
    shifted_by_days = models.IntegerField(_("days shifted"), default=0)

    class Meta:
        ordering = ["-counting_date", "slug"]
        verbose_name = _("election")
        verbose_name_plural = _("elections")


class ExpenditureCeiling(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="ceilings")
    effective_from = models.DateField(_("effective from"))
    amount_inr = models.PositiveBigIntegerField(_("ceiling per candidate (₹)"))
    source = models.URLField(_("source"), max_length=400, blank=True)

    class Meta:
        ordering = ["effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["election", "effective_from"], name="ceiling_unique")
        ]
        verbose_name = _("expenditure ceiling")
        verbose_name_plural = _("expenditure ceilings")

    def __str__(self) -> str:
        return f"₹{self.amount_inr:,} from {self.effective_from}"


class Phase(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("phase"))
    poll_date = models.DateField(_("poll date"))
    poll_opens = models.TimeField(_("poll opens (IST)"))
    poll_closes = models.TimeField(_("poll closes (IST)"))

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["election", "number"], name="phase_unique_no")
        ]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return f"{self.election.slug} phase {self.number}"


class ACPoll(models.Model):
    """When one constituency votes in one election. ``poll_close_at`` starts as the phase's
    close hour and is edited for constituencies that close early (Left-Wing-Extremism areas):
    the silence window is computed from it."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="polls")
    ac = models.ForeignKey(
        AssemblyConstituency,
        on_delete=models.PROTECT,
        related_name="polls",
        verbose_name=_("constituency"),
    )
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="polls")
    poll_close_at = models.DateTimeField(_("poll closes at"))
    closes_early = models.BooleanField(
        _("closes early (Left-Wing-Extremism area)"),
        default=False,
        help_text=_("Fail safe: its silence starts from the election's early close hour."),
    )

    class Meta:
        ordering = ["ac__number"]
        constraints = [models.UniqueConstraint(fields=["election", "ac"], name="acpoll_unique_ac")]
        verbose_name = _("constituency poll")
        verbose_name_plural = _("constituency polls")

    def __str__(self) -> str:
        return f"{self.election.slug} AC {self.ac.number}"


class Alliance(BilingualName):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="alliances")
    short_name = models.CharField(_("short name"), max_length=20)
    parties = models.ManyToManyField(Party, related_name="alliances", verbose_name=_("parties"))

    class Meta:
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(fields=["election", "short_name"], name="alliance_unique")
        ]
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")

    def __str__(self) -> str:
        return self.short_name


class SeatAllocation(models.Model):
    """Which party of an alliance contests a constituency (seat sharing)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="seats")
    ac = models.ForeignKey(AssemblyConstituency, on_delete=models.PROTECT, related_name="+")
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="seats")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "ac", "alliance"], name="seat_unique")
        ]
        verbose_name = _("seat allocation")
        verbose_name_plural = _("seat allocations")

    def __str__(self) -> str:
        return f"{self.alliance} {self.party} AC {self.ac_id}"


class Candidacy(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        OTHER = "O", _("Other")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidacies")
    ac = models.ForeignKey(
        AssemblyConstituency, on_delete=models.PROTECT, related_name="candidacies"
    )
    name = models.CharField(_("name"), max_length=150)
    name_hi = models.CharField(_("name (Hindi)"), max_length=150, blank=True)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="candidacies")
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    declared_handles = models.JSONField(
        _("declared social-media handles (Form 26)"), default=list, blank=True
    )

    class Meta:
        ordering = ["ac__number", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "ac", "name", "party"], name="candidacy_unique"
            )
        ]
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")

    def __str__(self) -> str:
        return f"{self.name} ({self.party})"
