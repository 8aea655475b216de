"""Compliance records: each election's rule book (the thresholds of ECI-RULES.md, editable in
the admin), findings and overrides on posts, MCMC applications and certificates, the
expenditure ledger, takedown incidents, the AI-made media register, print jobs and campaign
events. Rows are written only by ``services`` (and the admin, which audits)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from itcell.compliance.engine import Book, Severity
from itcell.compliance.rules._text import say
from itcell.compliance.rules.precertification import committee_for
from itcell.core import clock
from itcell.core.models import TimeStampedModel
from itcell.elections.models import AssemblyConstituency, Candidacy, Election


def default_unverified() -> list[str]:
    return sorted(Book.unverified)


def default_ai_labels() -> list[str]:
    return list(Book.ai_labels)


def default_ambiguous_place_names() -> list[str]:
    return list(Book.ambiguous_place_names)


def default_print_ad_days() -> list[int]:
    return list(Book.print_ad_days)


class RuleBook(models.Model):
    """One election's thresholds, windows and lists for the rules (defaults: ECI-RULES.md).
    Expenditure ceilings are the election's (``elections.ExpenditureCeiling``)."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="rulebook")
    unverified = models.JSONField(
        _("unverified rules (warn only)"), default=default_unverified, blank=True
    )
    disabled = models.JSONField(_("rules switched off"), default=list, blank=True)
    spend_warn_pct = models.PositiveSmallIntegerField(
        _("warn at this share of the ceiling (per cent)"), default=Book.spend_warn_pct
    )
    cash_limit_inr = models.PositiveIntegerField(
        _("largest cash payment (₹)"), default=Book.cash_limit_inr
    )
    lead_days_party = models.PositiveSmallIntegerField(
        _("MCMC lead time, parties and candidates (days)"), default=Book.lead_days_party
    )
    lead_days_other = models.PositiveSmallIntegerField(
        _("MCMC lead time, others (days)"), default=Book.lead_days_other
    )
    print_ad_days = models.JSONField(
        _("print ads need a certificate this many days before poll day"),
        default=default_print_ad_days,
    )
    imprint_filing_days = models.PositiveSmallIntegerField(
        _("printer files with the DM within (days)"), default=Book.imprint_filing_days
    )
    statement_days = models.PositiveSmallIntegerField(
        _("party spend statement due (days after counting)"), default=Book.statement_days
    )
    account_days = models.PositiveSmallIntegerField(
        _("candidate's account due (days after counting)"), default=Book.account_days
    )
    takedown_hours = models.FloatField(_("takedown within (hours)"), default=Book.takedown_hours)
    escalate_after_hours = models.FloatField(
        _("escalate after (hours)"), default=Book.escalate_after_hours
    )
    ai_labels = models.JSONField(_("accepted AI labels"), default=default_ai_labels)
    ai_label_min_pct = models.FloatField(
        _("AI label: least share of the picture or audio (%)"), default=Book.ai_label_min_pct
    )
    ambiguous_place_names = models.JSONField(
        _("place names that are also common words"),
        default=default_ambiguous_place_names,
        blank=True,
        help_text=_("Never read as a reference to a place (e.g. गया, also “went”)."),
    )
    silence_notice_hours = models.PositiveSmallIntegerField(
        _("say a silence period is coming this many hours ahead"),
        default=Book.silence_notice_hours,
    )
    covid_rules = models.BooleanField(_("COVID-19 rules (2020)"), default=Book.covid_rules)
    door_to_door_max = models.PositiveSmallIntegerField(
        _("door to door: most people"), default=Book.door_to_door_max
    )
    convoy_max_vehicles = models.PositiveSmallIntegerField(
        _("road show: most vehicles per set"), default=Book.convoy_max_vehicles
    )
    convoy_gap_minutes = models.PositiveSmallIntegerField(
        _("road show: least minutes between sets"), default=Book.convoy_gap_minutes
    )
    rally_cap = models.PositiveIntegerField(
        _("rally: most people (0: no limit)"), default=Book.rally_cap
    )
    nomination_companions = models.PositiveSmallIntegerField(
        _("nomination: most companions"), default=Book.nomination_companions
    )
    lexicon_extra = models.JSONField(
        _("extra screening words"),
        default=dict,
        blank=True,
        help_text=_('Per family, e.g. {"communal_appeal": ["…"]}.'),
    )

    class Meta:
        verbose_name = _("rule book")
        verbose_name_plural = _("rule books")

    def __str__(self) -> str:
        return str(self.election)


class Override(models.Model):
    """The head or the spokesperson let one finding pass for one version of a post."""

    post = models.ForeignKey("publishing.Post", on_delete=models.CASCADE, related_name="overrides")
    version = models.PositiveIntegerField()
    rule = models.CharField(_("rule"), max_length=20)
    justification = models.TextField(_("justification"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "version", "rule"], name="override_unique")
        ]
        verbose_name = _("override")
        verbose_name_plural = _("overrides")

    def __str__(self) -> str:
        return f"{self.rule} v{self.version}"


class FindingRecord(models.Model):
    """A finding as it stood at a checkpoint (submit, approve, deliver): for the dossier."""

    post = models.ForeignKey("publishing.Post", on_delete=models.CASCADE, related_name="findings")
    version = models.PositiveIntegerField()
    checkpoint = models.CharField(max_length=10)
    rule = models.CharField(_("rule"), max_length=20)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    message_en = models.TextField()
    message_hi = models.TextField()
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["post", "version"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.severity}"


class Application(TimeStampedModel):
    """An application to an MCMC for pre-certification of an advertisement."""

    class Applicant(models.TextChoices):
        PARTY = "party", _("Registered party")
        CANDIDATE = "candidate", _("Candidate")
        OTHER = "other", _("Other person or unregistered party")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CERTIFIED = "certified", _("Certified")
        REFUSED = "refused", _("Refused")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        "publishing.Post", on_delete=models.CASCADE, related_name="applications"
    )
    applicant = models.CharField(_("applicant"), max_length=10, choices=Applicant.choices)
    candidacy = models.ForeignKey(
        Candidacy, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("candidate")
    )
    intended_release_at = models.DateTimeField(_("first release"))
    submitted_at = models.DateTimeField(_("submitted"))
    production_cost_inr = models.PositiveIntegerField(_("cost of production (₹)"))
    placement_cost_inr = models.PositiveIntegerField(_("cost of placement (₹)"))
    outlets = models.CharField(_("outlets"), max_length=300)
    content_hash = models.CharField(max_length=64)  # the version applied for
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUBMITTED
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("MCMC application")
        verbose_name_plural = _("MCMC applications")

    def __str__(self) -> str:
        return f"{self.post} → {self.committee}"

    @property
    def committee(self) -> say:
        """The MCMC it goes to (R-ADV-4), named in the language of whoever reads it."""
        return committee_for(self.applicant, self.candidacy.ac.district if self.candidacy else "")


class Certificate(models.Model):
    """An MCMC pre-certification: its number and the hash of the content it certifies."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(_("certificate number"), max_length=100)
    content_hash = models.CharField(_("hash of the certified content"), max_length=64)
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "number"], name="certificate_unique")
        ]
        verbose_name = _("MCMC certificate")
        verbose_name_plural = _("MCMC certificates")

    def __str__(self) -> str:
        return self.number


class Spend(TimeStampedModel):
    """One entry of a candidate's expenditure ledger, or the party's (no candidate)."""

    class Category(models.TextChoices):
        ADS = "ads", _("Ads and boosts")
        CONTENT = "content", _("Content creation")
        STAFF = "staff", _("Staff time")
        AGENCY = "agency", _("Agency fees")
        OTHER = "other", _("Other")

    class Mode(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")
        DRAFT = "draft", _("Demand draft")
        UPI = "upi", _("UPI")
        CARD = "card", _("Card")
        CASH = "cash", _("Cash")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    candidacy = models.ForeignKey(
        Candidacy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spends",
        verbose_name=_("candidate"),
        help_text=_("Empty for the party's own spend."),
    )
    on = models.DateField(_("date"))
    vendor = models.CharField(_("vendor"), max_length=200)
    amount_inr = models.PositiveBigIntegerField(_("amount (₹)"))
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    mode = models.CharField(_("payment mode"), max_length=10, choices=Mode.choices)
    post = models.ForeignKey(
        "publishing.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spends",
        verbose_name=_("post"),
    )
    certificate = models.CharField(_("MCMC certificate number"), max_length=100, blank=True)
    ad_reference = models.CharField(
        _("ad-library reference"),
        max_length=200,
        blank=True,
        help_text=_("The ad's id in the platform's ad library, to reconcile its spend."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["election", "candidacy", "on"])]
        verbose_name = _("spend")
        verbose_name_plural = _("spends")

    def __str__(self) -> str:
        return f"{self.on} {self.vendor} ₹{self.amount_inr}"


class Takedown(TimeStampedModel):
    """A notice on a published post: the 3-hour clock (R-AI-5, R-AI-6)."""

    class Source(models.TextChoices):
        ECI = "eci", _("Election Commission")
        CEO = "ceo", _("Chief Electoral Officer")
        PLATFORM = "platform", _("Platform")
        RIVAL = "rival", _("Complaint by a rival")
        OWN = "own", _("Our own review")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(
        "publishing.Delivery", on_delete=models.PROTECT, related_name="takedowns"
    )
    source = models.CharField(_("notice from"), max_length=10, choices=Source.choices)
    reason = models.TextField(_("what the notice says"))
    misinformation = models.BooleanField(_("deepfake or misinformation"), default=False)
    noticed_at = models.DateTimeField(_("noticed"))
    due_at = models.DateTimeField(_("take down by"))
    alerted_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(_("taken down"), null=True, blank=True)
    removed_how = models.CharField(_("taken down how"), max_length=200, blank=True)
    responsible = models.CharField(_("responsible person"), max_length=200, blank=True)
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    breach_reported_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-noticed_at"]
        indexes = [models.Index(fields=["election", "closed_at"])]
        verbose_name = _("takedown incident")
        verbose_name_plural = _("takedown incidents")

    def __str__(self) -> str:
        return f"{self.delivery} ({self.get_source_display()})"


class SyntheticMedium(TimeStampedModel):
    """The AI register (R-AI-7): how an AI-made medium was made, labelled and cleared."""

    class Position(models.TextChoices):
        TOP_BAND = "top_band", _("Top band")
        OTHER = "other", _("Elsewhere")

    medium = models.OneToOneField(
        "publishing.MediaAsset", on_delete=models.CASCADE, related_name="synthetic"
    )
    tool = models.CharField(_("tool"), max_length=200)
    prompt = models.TextField(_("prompt or instructions"), blank=True)
    creator = models.CharField(_("made by (person)"), max_length=200)
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    made_at = models.DateTimeField(_("made"))
    file_hash = models.CharField(_("file hash (SHA-256)"), max_length=64, editable=False)
    label_area_pct = models.FloatField(_("label's share of the picture (%)"), default=0)
    label_position = models.CharField(
        _("label position"), max_length=10, choices=Position.choices, default=Position.TOP_BAND
    )
    audio_label_first_pct = models.FloatField(
        _("audio: label within the first (%)"), null=True, blank=True
    )
    creator_disclosed = models.BooleanField(_("maker named in metadata or caption"))
    depicts = models.JSONField(_("real people shown"), default=list, blank=True)
    consent_from = models.JSONField(_("consent on file from"), default=list, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-made_at"]
        verbose_name = _("AI-made medium")
        verbose_name_plural = _("AI register")

    def __str__(self) -> str:
        return str(self.medium)

    @property
    def without_consent(self) -> tuple[str, ...]:
        consented = {name.casefold() for name in self.consent_from}
        return tuple(name for name in self.depicts if name.casefold() not in consented)


class PrintJob(TimeStampedModel):
    """Printed election matter (s.127A): posters, pamphlets, print ads."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    printer = models.CharField(_("printer's name and address"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher's name and address"), max_length=300, blank=True)
    declaration_on_file = models.BooleanField(_("publisher's declaration on file"), default=False)
    witnesses = models.PositiveSmallIntegerField(_("attesting witnesses"), default=0)
    copies = models.PositiveIntegerField(_("copies"), default=0)
    meeting_notice_only = models.BooleanField(_("only a meeting notice"), default=False)
    printed_at = models.DateTimeField(_("printed"), null=True, blank=True)
    filed_with_dm_at = models.DateTimeField(_("filed with the DM"), null=True, blank=True)
    is_ad = models.BooleanField(_("newspaper ad"), default=False)
    publish_on = models.DateField(_("appears on"), null=True, blank=True)
    acs = models.ManyToManyField(AssemblyConstituency, blank=True, related_name="+")
    certificate = models.CharField(_("MCMC certificate number"), max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")

    def __str__(self) -> str:
        return self.title


class CampaignEvent(TimeStampedModel):
    """An event the cell plans or streams (R-SIL-4, R-COV-*)."""

    class Kind(models.TextChoices):
        DOOR_TO_DOOR = "door_to_door", _("Door to door")
        ROAD_SHOW = "road_show", _("Road show")
        RALLY = "rally", _("Rally")
        NOMINATION = "nomination", _("Nomination")
        PRESS_CONFERENCE = "press_conference", _("Press conference")
        INTERVIEW = "interview", _("Interview")
        LIVE_STREAM = "live_stream", _("Live stream")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    acs = models.ManyToManyField(AssemblyConstituency, blank=True, related_name="+")
    statewide = models.BooleanField(_("whole state"), default=False)
    team_size = models.PositiveSmallIntegerField(_("team size"), default=0)
    vehicles_per_set = models.PositiveSmallIntegerField(_("vehicles per set"), default=0)
    gap_minutes = models.PositiveSmallIntegerField(_("minutes between sets"), default=0)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    venue_approved = models.BooleanField(_("venue on the DEO's list"), default=True)
    attendance = models.PositiveIntegerField(_("expected attendance"), default=0)
    companions = models.PositiveSmallIntegerField(_("companions"), default=0)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed off by"),
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")

    def __str__(self) -> str:
        return self.title
