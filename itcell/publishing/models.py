"""Publishing: the party's official channels, posts and their review, deliveries to each
channel, the media library, manual distribution, engagement, and the sandbox feed.

Rows are written only by ``services``. A post's life is decided by ``workflow`` (pure); a
delivery's by ``services.delivery`` under the contract in DESIGN.md.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from itcell.core import clock
from itcell.core.models import TimeStampedModel
from itcell.elections.models import AssemblyConstituency, Candidacy, Election
from itcell.organisation.models import Desk
from itcell.organisation.roles import ROLE_LABELS
from itcell.publishing import crypto
from itcell.publishing.errors import Reason
from itcell.publishing.workflow import PostState


class Platform(models.TextChoices):
    """Where a channel lives; decides the limits a variant must keep (``limits.py``)."""

    X = "x", "X"
    BLUESKY = "bluesky", "Bluesky"
    MASTODON = "mastodon", "Mastodon"
    TELEGRAM = "telegram", "Telegram"
    FACEBOOK = "facebook", "Facebook"
    WHATSAPP = "whatsapp", "WhatsApp"
    WEBSITE = "website", _("Website")


class Language(models.TextChoices):
    HI = "hi", "हिन्दी"
    EN = "en", "English"


class Channel(TimeStampedModel):
    """One official, attributable handle of the party, a candidate or a desk."""

    class Owner(models.TextChoices):
        PARTY = "party", _("Party")
        CANDIDATE = "candidate", _("Candidate")
        DESK = "desk", _("Desk")

    class Status(models.TextChoices):
        CONNECTED = "connected", _("Connected")
        NEEDS_REAUTH = "needs_reauth", _("Needs re-authorisation")
        PAUSED = "paused", _("Paused")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="channels")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=200)
    name = models.CharField(_("name"), max_length=200)
    owner = models.CharField(_("owner"), max_length=20, choices=Owner.choices)
    candidacy = models.ForeignKey(
        Candidacy, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("candidate")
    )
    desk = models.ForeignKey(
        Desk,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="channels",
        verbose_name=_("desk"),
        help_text=_("The desk whose posts go here; empty for the state's channels."),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    connector = models.CharField(_("connector"), max_length=40)
    api_url = models.CharField(_("API address"), max_length=300, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    credentials_sealed = models.TextField(editable=False, blank=True)  # crypto.seal'd JSON
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONNECTED
    )
    last_published_at = models.DateTimeField(_("last published"), null=True, blank=True)
    last_error_at = models.DateTimeField(_("last error"), null=True, blank=True)
    last_error = models.CharField(
        _("last error"), max_length=30, choices=Reason.choices, blank=True
    )

    class Meta:
        ordering = ["platform", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "platform", "handle"], name="channel_handle_unique"
            )
        ]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.handle}"

    @property
    def credentials(self) -> dict[str, str]:
        return crypto.open_sealed(self.credentials_sealed) if self.credentials_sealed else {}


class PostingSlot(models.Model):
    """A time of day (IST) when a channel likes to post; "next slot" scheduling uses them."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="slots")
    at = models.TimeField(_("time (IST)"))

    class Meta:
        ordering = ["at"]
        constraints = [models.UniqueConstraint(fields=["channel", "at"], name="slot_unique")]
        verbose_name = _("posting slot")
        verbose_name_plural = _("posting slots")

    def __str__(self) -> str:
        return f"{self.channel} {self.at:%H:%M}"


class MediaAsset(TimeStampedModel):
    """An image, video or poster in a desk's library (or the state's, with no desk)."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        VIDEO = "video", _("Video")
        POSTER = "poster", _("Poster")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="media")
    desk = models.ForeignKey(
        Desk, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("desk")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="media/%Y/%m/")
    content_type = models.CharField(_("file type"), max_length=40, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), editable=False)
    alt_text = models.CharField(_("description for screen readers"), max_length=1000, blank=True)
    source = models.CharField(
        _("source"), max_length=300, help_text=_("Who made it, or where it comes from.")
    )
    ai_made = models.BooleanField(_("made or altered with AI"), default=False)
    ai_label = models.CharField(_("AI label shown with it"), max_length=200, blank=True)
    imprint = models.CharField(
        _("printer and publisher"),
        max_length=300,
        blank=True,
        help_text=_("Required on posters: the name and address of the printer and publisher."),
    )
    on_private_property = models.BooleanField(
        _("shows flags or posters on private property"), default=False
    )
    owner_permission = models.BooleanField(_("owner's permission on file"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("medium")
        verbose_name_plural = _("media")

    def __str__(self) -> str:
        return self.title


class Post(TimeStampedModel):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="posts")
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("For the cell only; never published.")
    )
    text_hi = models.TextField(_("text (Hindi)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    acs = models.ManyToManyField(
        AssemblyConstituency, related_name="posts", verbose_name=_("constituencies")
    )
    channels = models.ManyToManyField(
        Channel, through="Variant", related_name="posts", verbose_name=_("channels")
    )
    media = models.ManyToManyField(MediaAsset, blank=True, related_name="posts")
    talking_point = models.ForeignKey(
        "playbook.TalkingPoint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        verbose_name=_("talking point"),
    )
    paid_promotion = models.BooleanField(_("paid promotion"), default=False)
    mcmc_certificate = models.CharField(
        _("MCMC pre-certification number"), max_length=100, blank=True
    )
    fast_lane = models.BooleanField(
        _("rapid response"),
        default=False,
        help_text=_("One approval from an approver on duty instead of every step."),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=PostState.choices, default=PostState.DRAFT
    )
    version = models.PositiveIntegerField(default=1, editable=False)  # +1 on every edit
    round = models.PositiveIntegerField(default=0, editable=False)  # +1 on every submission
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True, help_text=_("Scheduled for this time (IST).")
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["election", "state"]),
            models.Index(fields=["election", "publish_at"]),
        ]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return self.title

    def text_in(self, language: str) -> str:
        return (
            (self.text_hi or self.text_en)
            if language == Language.HI
            else (self.text_en or self.text_hi)
        )


class Claim(models.Model):
    """A factual claim a post makes, with where it can be checked."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="claims")
    text = models.CharField(_("claim"), max_length=500)
    source_url = models.URLField(_("source"), max_length=500)

    class Meta:
        ordering = ["id"]
        verbose_name = _("factual claim")
        verbose_name_plural = _("factual claims")

    def __str__(self) -> str:
        return self.text


class Variant(models.Model):
    """A post as it goes to one channel: its own text, or the post's text in the channel's
    language when blank."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="variants")
    text = models.TextField(_("text for this channel"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "channel"], name="variant_unique")]

    def __str__(self) -> str:
        return f"{self.post} → {self.channel}"

    @property
    def final_text(self) -> str:
        return self.text or self.post.text_in(self.channel.language)


class ApprovalPolicy(models.Model):
    """The review steps a post needs: for one desk, one channel, or (neither) the election.
    The most specific policy applies: channel, then desk, then the election's."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    desk = models.ForeignKey(
        Desk, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("desk")
    )
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("channel")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "desk", "channel"], name="policy_unique"),
            models.UniqueConstraint(
                fields=["election"],
                condition=Q(desk=None, channel=None),
                name="one_election_policy",
            ),
        ]
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")

    def __str__(self) -> str:
        return str(self.channel or self.desk or self.election)


class ApprovalStep(models.Model):
    class Needs(models.TextChoices):
        ANY = "any", _("any one of them")
        ALL = "all", _("all of them")

    policy = models.ForeignKey(ApprovalPolicy, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("role"), max_length=20, choices=list(ROLE_LABELS.items()))
    needs = models.CharField(_("needs"), max_length=3, choices=Needs.choices, default=Needs.ANY)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "position"], name="step_position_unique")
        ]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")

    def __str__(self) -> str:
        return f"{self.position}. {self.get_role_display()} ({self.get_needs_display()})"


class Review(models.Model):
    """One reviewer's word on one round of a post."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REQUEST_CHANGES = "request_changes", _("Asked for changes")
        REJECT = "reject", _("Rejected")
        COMMENT = "comment", _("Commented")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveIntegerField()
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.post} — {self.get_decision_display()}"


def new_key() -> str:
    return uuid.uuid4().hex


class Delivery(models.Model):
    """One post to one channel: at most once on the platform (DESIGN.md, delivery contract)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RETRYING = "retrying", _("Waiting to try again")
        PUBLISHING = "publishing", pgettext_lazy("delivery state", "Publishing")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed")
        CANCELLED = "cancelled", _("Cancelled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="deliveries")
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    idempotency_key = models.CharField(max_length=32, unique=True, default=new_key)
    due_at = models.DateTimeField(_("due"))
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    enqueued_for = models.DateTimeField(null=True, blank=True)  # when its task should run
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    reason = models.CharField(max_length=30, choices=Reason.choices, blank=True)
    detail = models.CharField(max_length=500, blank=True)  # the platform's words
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["post", "channel"], name="delivery_unique")]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["channel", "state"]),
            models.Index(fields=["state", "finished_at"], name="delivery_state_finished"),
        ]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.post} → {self.channel}"


class Pause(models.Model):
    """The "pause all" switch: for the whole election (no desk) or one desk's posts. While
    it is on (not resumed), pending deliveries it covers wait."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    desk = models.ForeignKey(Desk, null=True, blank=True, on_delete=models.CASCADE)
    reason = models.CharField(_("reason"), max_length=300)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    paused_at = models.DateTimeField(default=clock.now)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-paused_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "desk"], condition=Q(resumed_at=None), name="one_active_pause"
            ),
            models.UniqueConstraint(
                fields=["election"],
                condition=Q(resumed_at=None, desk=None),
                name="one_active_election_pause",
            ),
        ]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")

    def __str__(self) -> str:
        return f"{self.desk or self.election}: {self.reason}"


class DistributionTask(models.Model):
    """An approved post for one volunteer to share by hand (WhatsApp groups and the like)."""

    class State(models.TextChoices):
        OPEN = "open", _("To share")
        SHARED = "shared", _("Shared")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tasks")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="distribution_tasks"
    )
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    shared_at = models.DateTimeField(null=True, blank=True)
    link = models.URLField(_("link to the shared post"), max_length=500, blank=True)
    screenshot = models.FileField(_("screenshot"), upload_to="shared/%Y/%m/", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "volunteer"], name="task_unique")
        ]
        verbose_name = _("distribution task")
        verbose_name_plural = _("distribution tasks")

    def __str__(self) -> str:
        return f"{self.delivery} — {self.volunteer}"


class EngagementSample(models.Model):
    """A published post's counts at one time (a time series per delivery)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="samples")
    at = models.DateTimeField()
    likes = models.PositiveIntegerField(null=True)
    shares = models.PositiveIntegerField(null=True)
    replies = models.PositiveIntegerField(null=True)
    views = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["delivery", "at"])]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M}"


class SandboxPost(models.Model):
    """What the sandbox connector "published": the demo's in-app feed."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=32, unique=True)
    text = models.TextField()
    media = models.JSONField(default=list)  # file names, for the feed
    published_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel_id}: {self.text[:40]}"
