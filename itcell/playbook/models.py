"""The party's message and the training to carry it.

The playbook: themes and their talking points (each change reviewed like a post, every approved
version kept), guidance (do's and don'ts, approved hashtags, words and claims to avoid, required
disclaimers), post templates with variables, and the messaging calendar. Training: modules with
a short check, workshops with invitees and attendance, and every attempt with its score.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from itcell.core.models import TimeStampedModel
from itcell.elections.models import Election, Phase


class Bilingual:
    """``pick("title")`` gives ``title_hi`` in Hindi where it is written, else ``title_en``."""

    def pick(self, field: str) -> str:
        hindi = getattr(self, f"{field}_hi")
        return hindi if get_language() == "hi" and hindi else getattr(self, f"{field}_en")


class Theme(Bilingual, TimeStampedModel):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="themes")
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_hi = models.CharField(_("title (Hindi)"), max_length=200, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_hi = models.TextField(_("summary (Hindi)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "title_en"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.pick("title")

    @property
    def title(self) -> str:
        return self.pick("title")


class TalkingPoint(Bilingual, TimeStampedModel):
    """A talking point as currently approved: its fields are those of its latest approved
    revision (the first revision is the point's creation)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="talking_points")
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="talking_points",
        verbose_name=_("theme"),
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_hi = models.CharField(_("title (Hindi)"), max_length=200, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_hi = models.TextField(_("summary (Hindi)"), blank=True)
    #: The facts behind the point: [{"fact_en": .., "fact_hi": .., "source": URL}, ...]
    facts = models.JSONField(_("facts and sources"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title_en"]
        verbose_name = _("talking point")
        verbose_name_plural = _("talking points")

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return self.pick("title")

    @property
    def summary(self) -> str:
        return self.pick("summary")


class Revision(TimeStampedModel):
    """A proposed text of a talking point (``talking_point`` empty: a new point), reviewed like
    a post by someone other than its author. Approved revisions are the point's versions."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Sent back")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    talking_point = models.ForeignKey(
        TalkingPoint, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("theme")
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_hi = models.CharField(_("title (Hindi)"), max_length=200, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_hi = models.TextField(_("summary (Hindi)"), blank=True)
    facts = models.JSONField(_("facts and sources"), default=list, blank=True)
    note = models.TextField(_("why the change"), blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    #: The talking point's version this revision became (approved revisions only).
    version = models.PositiveIntegerField(null=True, blank=True)
    #: The point's version this revision was written against (a stale base is refused).
    based_on = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("reviewer's comment"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["talking_point", "version"], name="playbook_revision_version_unique"
            )
        ]
        indexes = [models.Index(fields=["election", "state"])]
        verbose_name = _("talking-point revision")
        verbose_name_plural = _("talking-point revisions")

    def __str__(self) -> str:
        return f"{self.title_en} ({self.get_state_display()})"


class Guidance(Bilingual, TimeStampedModel):
    """One line of the playbook's guidance; the composer checks posts against the last three
    kinds."""

    class Kind(models.TextChoices):
        DO = "do", _("Do")
        DONT = "dont", _("Don't")
        AVOID = "avoid", _("Word or claim to avoid")
        HASHTAG = "hashtag", _("Approved hashtag")
        DISCLAIMER = "disclaimer", _("Required disclaimer")

    class Applies(models.TextChoices):
        ALWAYS = "always", _("Every post")
        PAID = "paid", _("Paid promotion")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="guidance")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text_en = models.CharField(_("text (English)"), max_length=300, blank=True)
    text_hi = models.CharField(_("text (Hindi)"), max_length=300, blank=True)
    reason_en = models.CharField(_("why (English)"), max_length=300, blank=True)
    reason_hi = models.CharField(_("why (Hindi)"), max_length=300, blank=True)
    applies = models.CharField(
        _("required on"), max_length=6, choices=Applies.choices, default=Applies.ALWAYS
    )

    class Meta:
        ordering = ["kind", "text_en"]
        verbose_name = _("guidance")
        verbose_name_plural = _("guidance")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text_en or self.text_hi}"

    @property
    def text(self) -> str:
        return self.pick("text")

    @property
    def reason(self) -> str:
        return self.pick("reason")


class PostTemplate(TimeStampedModel):
    """A post to start from; ``{candidate}``, ``{ac}``, ``{district}``, ``{date}`` and the
    other names in ``templating.VARIABLES`` fill from reference data."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="post_templates")
    name = models.CharField(_("name"), max_length=120)
    talking_point = models.ForeignKey(
        TalkingPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="templates",
        verbose_name=_("talking point"),
    )
    text_hi = models.TextField(_("text (Hindi)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["election", "name"], name="playbook_template_name")
        ]
        verbose_name = _("post template")
        verbose_name_plural = _("post templates")

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """The theme of one day, for the whole election or for the ACs of one phase."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="calendar")
    date = models.DateField(_("date"))
    phase = models.ForeignKey(
        Phase,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("phase"),
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="days", verbose_name=_("theme")
    )
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)
    note_hi = models.CharField(_("note (Hindi)"), max_length=300, blank=True)

    class Meta:
        ordering = ["date", "phase__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "date", "phase"], name="playbook_day_of_phase"
            ),
            models.UniqueConstraint(
                fields=["election", "date"],
                condition=models.Q(phase=None),
                name="playbook_day_of_all_phases",
            ),
        ]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.theme}"


# --- training -----------------------------------------------------------------------------


class Module(Bilingual, TimeStampedModel):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="modules")
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_hi = models.CharField(_("title (Hindi)"), max_length=200, blank=True)
    content_en = models.TextField(_("content (English)"), blank=True)
    content_hi = models.TextField(_("content (Hindi)"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    #: Set by the head: a member submits posts for review only after every core module.
    is_core = models.BooleanField(_("core"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "title_en"]
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")

    def __str__(self) -> str:
        return self.pick("title")

    @property
    def title(self) -> str:
        return self.pick("title")

    @property
    def content(self) -> str:
        return self.pick("content")


class Question(Bilingual, models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    text_en = models.CharField(_("question (English)"), max_length=400)
    text_hi = models.CharField(_("question (Hindi)"), max_length=400, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.pick("text")

    @property
    def text(self) -> str:
        return self.pick("text")


class Choice(Bilingual, models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text_en = models.CharField(_("answer (English)"), max_length=300)
    text_hi = models.CharField(_("answer (Hindi)"), max_length=300, blank=True)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.pick("text")

    @property
    def text(self) -> str:
        return self.pick("text")


class Attempt(models.Model):
    """One go at a module's check; a module is completed by a passing attempt."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="attempts")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_attempts"
    )
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    answers = models.JSONField(default=dict)  # question id → chosen choice id
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["member", "module", "passed"])]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")

    def __str__(self) -> str:
        return f"{self.member} {self.module_id} {self.score}%"


class Workshop(TimeStampedModel):
    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("trainer"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    modules = models.ManyToManyField(
        Module, blank=True, related_name="workshops", verbose_name=_("modules covered")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPCOMING
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """An invitee of a workshop; ``attended`` is unknown until the trainer marks it."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshops"
    )
    attended = models.BooleanField(_("attended"), null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "member"], name="playbook_attendance_once")
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.member} @ {self.workshop_id}"
