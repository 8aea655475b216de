"""Monitoring: the sources itcell listens to, what they said (items), what each item is about
(tags), its engagement over time, and the hourly counts dashboards read.

Rows are written only by ``services``: ``ingest`` writes items, tags, snapshots and counts in
one transaction, so the counts always agree with the items. Tables are kept narrow and indexed
for millions of items; screens read counts from ``HourlyCount``, never by scanning items.
"""

from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from itcell.core.models import TimeStampedModel
from itcell.elections.models import Election
from itcell.monitoring.nlp import Kind

#: ``HourlyCount.ac_number`` of the rows that count every item of the election once.
ALL_ACS = 0
#: ``HourlyCount.party`` of the rows that count every item, whatever parties it names.
ALL_PARTIES = ""
#: ``HourlyCount.ac_number`` is NULL for items that name no AC; the unique index needs a value.
NO_AC_KEY = -1


class Source(TimeStampedModel):
    """One place itcell listens to (a news site's feed, an export file, the demo's replay),
    read by the backend its alias names in ``MONITORING_SOURCES``, with its cursor and health."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="sources", verbose_name=_("election")
    )
    name = models.CharField(_("name"), max_length=120)
    backend = models.CharField(
        _("backend"),
        max_length=40,
        help_text=_("An alias from the MONITORING_SOURCES setting: rss, file_import, replay..."),
    )
    options = models.JSONField(
        _("options"),
        default=dict,
        blank=True,
        help_text=_('The backend\'s options, e.g. {"url": "https://example.com/feed.xml"}.'),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    interval_seconds = models.PositiveIntegerField(
        _("poll every (seconds)"),
        default=300,
        help_text=_("How long to wait between polls when all is well."),
    )
    cursor = models.JSONField(
        _("cursor"),
        null=True,
        blank=True,
        help_text=_("Where the backend stopped reading (its own format; empty: from the start)."),
    )
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_ok_at = models.DateTimeField(_("last polled without error"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    next_poll_at = models.DateTimeField(
        _("next poll"), null=True, blank=True, help_text=_("Empty: as soon as possible.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["election", "name"], name="source_unique_name")
        ]
        indexes = [models.Index(fields=["enabled", "next_poll_at"], name="source_due")]

    def __str__(self) -> str:
        return self.name


class AuthorKind(models.TextChoices):
    PARTY = "party", _("Party")
    CANDIDATE = "candidate", _("Candidate")
    MEDIA = "media", _("Media")
    PUBLIC = "public", _("Public")


class Stance(models.TextChoices):
    """What an item says of the party and its allies."""

    NONE = "", _("Not classified")
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    NEUTRAL = "neutral", _("Neutral")


class Item(models.Model):
    """One thing said in public: a post, a comment, a headline. Deduplicated on the
    platform's own id, so reading it again (a retried poll, an overlapping export) stores
    nothing twice."""

    # Foreign keys covered by a composite index below get no index of their own: every
    # index costs each insert of millions.
    election = models.ForeignKey(
        Election,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("election"),
        db_index=False,
    )
    # Items are the record of what was said: a source with items is disabled, not deleted.
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("source"),
        db_index=False,
    )
    platform = models.CharField(_("platform"), max_length=30)
    external_id = models.CharField(_("id on the platform"), max_length=255)
    url = models.URLField(_("link"), max_length=1000, blank=True, default="")
    author = models.CharField(_("author"), max_length=200, blank=True, default="")
    author_kind = models.CharField(
        _("author kind"), max_length=10, choices=AuthorKind.choices, default=AuthorKind.PUBLIC
    )
    #: The author's followers (subscribers, members) when the platform says; None: not said.
    author_followers = models.PositiveBigIntegerField(
        _("author's followers"), null=True, blank=True
    )
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    script = models.CharField(_("script"), max_length=8, blank=True, default="")
    published_at = models.DateTimeField(_("published"))
    fetched_at = models.DateTimeField(_("fetched"))
    #: The narrative (near-duplicates) the item belongs to: the id of the group's first item;
    #: NULL until ``services.group_narratives`` has seen it.
    narrative = models.BigIntegerField(_("narrative"), null=True, blank=True)
    #: The text's MinHash signature (``nlp.dedupe``), kept so the grouping can be rebuilt.
    signature = models.BinaryField(null=True, editable=False)
    #: False until the item is matched against the claims library by meaning (embeddings),
    #: which runs after ingest (``alerts.match_claims_by_meaning``); True when embeddings are
    #: off, as ingest then matches lexically only.
    meaning_matched = models.BooleanField(_("matched by meaning"), default=True)
    #: What the item says of the party: the stance classifier's guess with its confidence,
    #: until an analyst labels it (``stance_by``; the confidence is then 1).
    stance = models.CharField(
        _("stance"), max_length=10, blank=True, default="", choices=Stance.choices
    )
    stance_confidence = models.FloatField(_("stance confidence"), null=True, blank=True)
    stance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stance labelled by"),
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="item_unique_id")
        ]
        indexes = [
            # The feed: newest first, for the election and for one source.
            models.Index(F("election"), F("published_at").desc(), name="item_feed"),
            models.Index(F("source"), F("published_at").desc(), name="item_source_feed"),
            models.Index(fields=["election", "narrative"], name="item_narrative"),
            # The items waiting to be matched by meaning, oldest first.
            models.Index(
                fields=["election", "id"],
                name="item_meaning_pending",
                condition=Q(meaning_matched=False),
            ),
            # The analysts' labels, which the stance classifier learns from.
            models.Index(
                fields=["election", "stance_by"],
                name="item_stance_labels",
                condition=Q(stance_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_id}"


class EngagementSnapshot(models.Model):
    """An item's engagement as its platform counted it at one moment (None: not said)."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("item")
    )
    at = models.DateTimeField(_("at"))
    likes = models.PositiveIntegerField(_("likes"), null=True, blank=True)
    shares = models.PositiveIntegerField(_("shares"), null=True, blank=True)
    replies = models.PositiveIntegerField(_("replies"), null=True, blank=True)
    views = models.PositiveBigIntegerField(_("views"), null=True, blank=True)

    class Meta:
        verbose_name = _("engagement snapshot")
        verbose_name_plural = _("engagement snapshots")
        indexes = [models.Index(fields=["item", "at"], name="snapshot_item_at")]

    def __str__(self) -> str:
        return f"{self.item_id} @ {self.at:%Y-%m-%d %H:%M}"


class ItemTag(models.Model):
    """What an item is about: one AC, district, party, candidate or leader, with the language
    pipeline's confidence. Keys follow ``itcell.monitoring.nlp`` ("128", "RJD", ...)."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="tags", verbose_name=_("item"), db_index=False
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=[
            (Kind.AC.value, _("Assembly constituency")),
            (Kind.DISTRICT.value, _("District")),
            (Kind.PARTY.value, _("Party")),
            (Kind.CANDIDATE.value, _("Candidate")),
            (Kind.LEADER.value, _("Leader")),
        ],
    )
    key = models.CharField(_("key"), max_length=160)
    confidence = models.FloatField(_("confidence"))

    class Meta:
        verbose_name = _("item tag")
        verbose_name_plural = _("item tags")
        constraints = [
            models.UniqueConstraint(fields=["item", "kind", "key"], name="itemtag_unique")
        ]
        # The feed filtered by AC, party...: newest items (highest ids) first.
        indexes = [models.Index(F("kind"), F("key"), F("item").desc(), name="itemtag_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


def hour_of(at: datetime) -> datetime:
    """The hour (UTC) an instant counts in: ``HourlyCount.hour``, ``TopicCount.hour``."""
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class HourlyCount(models.Model):
    """Items per hour (UTC, by publication time), kept up to date on ingest by one upsert per
    batch, so dashboards and spike alerts never scan items.

    An item counts once in each cell it belongs to:

    - ``ac_number``: each AC it names; NULL when it names none; and ``ALL_ACS`` (0) once, so
      the election's total is exact even for items naming several ACs.
    - ``party``: each party it names, and ``ALL_PARTIES`` ("") once: the "" rows are the
      totals, whatever parties (if any) the item names.
    - ``stance``: the item's stance (``Item.stance``): the classifier's at ingest, moved to
      the analyst's label when one is given.

    So "items about AC 128 in an hour" is one row (``ac_number=128, party=""``), summed over
    sources.
    """

    election = models.ForeignKey(
        Election,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("election"),
        db_index=False,
    )
    hour = models.DateTimeField(_("hour (UTC)"))
    ac_number = models.PositiveSmallIntegerField(_("AC number"), null=True, blank=True)
    party = models.CharField(_("party"), max_length=80, blank=True, default=ALL_PARTIES)
    stance = models.CharField(
        _("stance"), max_length=10, blank=True, default="", choices=Stance.choices
    )
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="+", verbose_name=_("source")
    )
    count = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("hourly count")
        verbose_name_plural = _("hourly counts")
        constraints = [
            # The upsert's conflict target (``services.ROLLUP_UPSERT``): NULL (no AC) must
            # meet NULL, which a plain unique constraint never does.
            models.UniqueConstraint(
                F("election"),
                F("hour"),
                Coalesce(F("ac_number"), Value(NO_AC_KEY)),
                F("party"),
                F("stance"),
                F("source"),
                name="hourlycount_cell",
            )
        ]
        indexes = [
            models.Index(fields=["election", "ac_number", "hour"], name="hourlycount_ac_hour"),
            # Every AC's mentions over a day (the war room): covering, so neither database
            # visits the table. Key columns rather than INCLUDE, which SQLite lacks.
            models.Index(
                fields=["election", "party", "hour", "ac_number", "stance", "count"],
                name="hourlycount_party_hour",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00 AC {self.ac_number} {self.party}: {self.count}"


class TopicCount(models.Model):
    """Items per hour naming a district, party, candidate or leader (keys as in ``ItemTag``;
    an AC's district counts when only the AC is named), summed over sources: what the spike
    alerts per district and per topic read. Kept up to date on ingest like ``HourlyCount``."""

    election = models.ForeignKey(
        Election,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("election"),
        db_index=False,
    )
    hour = models.DateTimeField(_("hour (UTC)"))
    kind = models.CharField(_("kind"), max_length=10)
    key = models.CharField(_("key"), max_length=160)
    count = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("topic count")
        verbose_name_plural = _("topic counts")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "hour", "kind", "key"], name="topiccount_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00 {self.kind}:{self.key}: {self.count}"


class StanceModel(models.Model):
    """A stance classifier trained on the analysts' labels of one election's items
    (``nlp.stance``); the newest is the one used on ingest."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="+", verbose_name=_("election")
    )
    trained_at = models.DateTimeField(_("trained"))
    labels = models.PositiveIntegerField(_("labelled items"))
    #: Accuracy on labels held out of training (cross-validated); None with too few labels.
    accuracy = models.FloatField(_("accuracy"), null=True, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict)

    class Meta:
        ordering = ["-trained_at"]
        get_latest_by = "trained_at"
        verbose_name = _("stance model")
        verbose_name_plural = _("stance models")
        indexes = [models.Index(fields=["election", "-trained_at"], name="stancemodel_latest")]

    def __str__(self) -> str:
        return f"{self.election_id} @ {self.trained_at:%Y-%m-%d %H:%M}"


class Tip(TimeStampedModel):
    """What a member forwarded to the tipline (seen in a WhatsApp group, say): a link, a text,
    a screenshot, through the form or the Telegram bot. Each tip is also an item of the
    election's tipline source, so it is tagged, counted and matched like anything else."""

    class Via(models.TextChoices):
        FORM = "form", _("Form")
        TELEGRAM = "telegram", _("Telegram bot")

    item = models.OneToOneField(
        Item, on_delete=models.CASCADE, related_name="tip", verbose_name=_("item")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("forwarded by"),
    )
    via = models.CharField(_("via"), max_length=10, choices=Via.choices)
    screenshot = models.FileField(_("screenshot"), upload_to="tips/%Y/%m/", blank=True)
    note = models.TextField(_("where it was seen"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")

    def __str__(self) -> str:
        return f"{self.get_via_display()} {self.item_id}"


class TelegramLink(TimeStampedModel):
    """A member's Telegram account, linked by the member (a one-time code sent to the
    tipline bot), so the bot takes tips from members only and knows who sent each."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="telegram_link",
        verbose_name=_("member"),
    )
    telegram_user_id = models.BigIntegerField(_("Telegram user id"), unique=True)

    class Meta:
        verbose_name = _("Telegram link")
        verbose_name_plural = _("Telegram links")

    def __str__(self) -> str:
        return f"{self.user_id} ~ {self.telegram_user_id}"


class Claim(TimeStampedModel):
    """A known claim in the library: misinformation going round (with the cell's rebuttal), or
    an opponent's line (with the party's answer). New items are matched against it; a match is
    a suggestion an analyst confirms."""

    class Kind(models.TextChoices):
        MISINFORMATION = "misinformation", _("Misinformation")
        REBUTTAL = "rebuttal", _("Our rebuttal")
        OPPONENT_LINE = "opponent_line", _("Opponent's line")

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="claims", verbose_name=_("election")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    summary = models.CharField(_("summary (for the cell)"), max_length=200)
    forms = models.TextField(
        _("how people write it"),
        help_text=_(
            "One form per line: in Hindi, in Hindi typed in Latin letters, in English. Items "
            "are matched against each line."
        ),
    )
    answer_hi = models.TextField(_("our answer (Hindi)"), blank=True)
    answer_en = models.TextField(_("our answer (English)"), blank=True)
    talking_point = models.ForeignKey(
        "playbook.TalkingPoint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("talking point"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["summary"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self) -> str:
        return self.summary

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.forms.splitlines() if line.strip())


class ClaimMatch(models.Model):
    """The pipeline's suggestion that an item repeats a claim, and an analyst's decision."""

    class Decision(models.TextChoices):
        PENDING = "", _("To check")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Not this claim")

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="claim_matches", verbose_name=_("item")
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="matches", verbose_name=_("claim")
    )
    score = models.FloatField(_("score"))
    decision = models.CharField(
        _("decision"), max_length=10, blank=True, default="", choices=Decision.choices
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim match")
        verbose_name_plural = _("claim matches")
        constraints = [models.UniqueConstraint(fields=["item", "claim"], name="claimmatch_unique")]

    def __str__(self) -> str:
        return f"{self.item_id} ~ {self.claim_id} ({self.score:.2f})"


class Alert(TimeStampedModel):
    """Something a desk should look at now: a spike in the conversation about an AC, a
    district or a topic; a new item repeating known misinformation; a large account naming a
    focus seat's candidate. Routed to the desk responsible at the time (the organisation's
    fallback chain: AC desk, district desk, HQ; HQ for a state-wide topic)."""

    class Kind(models.TextChoices):
        SPIKE = "spike", _("Spike")
        CLAIM = "claim", _("Known claim")
        MENTION = "mention", _("Large account")

    class Severity(models.IntegerChoices):
        """How soon to look (``alerts.severity_of``): set when raised, ordered high first."""

        HIGH = 3, _("High")
        MEDIUM = 2, _("Medium")
        LOW = 1, _("Low")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        RESPONDED = "responded", _("Response drafted")
        DISMISSED = "dismissed", _("Dismissed")

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="+", verbose_name=_("election")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    #: What the alert is about, for dedupe: "ac:128", "district:Munger" or "party:RJD" for a
    #: spike, "claim:7" for a claim, "mention:128:<name>" for a large account's mention.
    key = models.CharField(_("key"), max_length=80)
    hour = models.DateTimeField(_("hour (UTC)"))  # the spike's hour; a claim match's item hour
    ac_number = models.PositiveSmallIntegerField(_("AC number"), null=True, blank=True)
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    desk = models.ForeignKey(
        "organisation.Desk", on_delete=models.PROTECT, related_name="+", verbose_name=_("desk")
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    item = models.ForeignKey(
        Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    post = models.ForeignKey(
        "publishing.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("response"),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(fields=["election", "key", "hour"], name="alert_once")
        ]
        indexes = [models.Index(fields=["election", "state", "desk"], name="alert_inbox")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"

    @property
    def feed_query(self) -> str:
        """The feed's filter for what the alert is about ("ac=128", "district=Munger"), or
        "" when the feed has no filter for it."""
        if self.ac_number:
            return urlencode({"ac": self.ac_number})
        kind, _sep, key = self.key.partition(":")
        return urlencode({kind: key}) if kind in (Kind.DISTRICT, Kind.PARTY) else ""
