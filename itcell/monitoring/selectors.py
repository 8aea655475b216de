"""Reads of the monitoring app. Counts come from ``HourlyCount``, never from scanning items."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from itcell.accounts.models import User
from itcell.core import clock
from itcell.elections.models import Election
from itcell.monitoring.models import (
    ALL_ACS,
    ALL_PARTIES,
    Alert,
    Claim,
    ClaimMatch,
    HourlyCount,
    Item,
    ItemTag,
    Source,
    Stance,
    StanceModel,
    TelegramLink,
    Tip,
    hour_of,
)
from itcell.monitoring.nlp import Kind
from itcell.monitoring.stance import LABELS, MIN_LABELS, count_labels, predict_stances
from itcell.organisation.access import Asker
from itcell.organisation.permissions import Target
from itcell.organisation.roles import Action

HOUR = timedelta(hours=1)


class Health(StrEnum):
    OK = "ok"
    FAILING = "failing"  # the last poll failed
    NEVER = "never"  # not polled yet
    DISABLED = "disabled"


HEALTH_LABELS = {
    Health.OK: _("Working"),
    Health.FAILING: _("Failing"),
    Health.NEVER: _("Not polled yet"),
    Health.DISABLED: _("Disabled"),
}


@dataclass(frozen=True)
class SourceHealth:
    source: Source
    health: Health
    items_24h: int  # items published in the last 24 hours, by the hourly counts

    @property
    def label(self) -> str:
        return str(HEALTH_LABELS[self.health])


def health_of(source: Source) -> Health:
    if not source.enabled:
        return Health.DISABLED
    if source.consecutive_failures:
        return Health.FAILING
    if source.last_polled_at is None:
        return Health.NEVER
    return Health.OK


def list_sources_health(*, election: Election, now: datetime | None = None) -> list[SourceHealth]:
    """Every source of the election with its health, failing ones first (two queries)."""
    now = now or clock.now()
    counts = dict(
        HourlyCount.objects.filter(
            election=election,
            ac_number=ALL_ACS,
            party=ALL_PARTIES,
            hour__gte=hour_of(now - timedelta(hours=24)),
        )
        .values("source")
        .annotate(n=Sum("count"))
        .values_list("source", "n")
    )
    order = [Health.FAILING, Health.NEVER, Health.OK, Health.DISABLED]
    rows = [
        SourceHealth(source=s, health=health_of(s), items_24h=counts.get(s.pk) or 0)
        for s in Source.objects.filter(election=election)
    ]
    return sorted(rows, key=lambda r: (order.index(r.health), r.source.name))


def count_by_hour(
    *,
    election: Election,
    since: datetime,
    until: datetime | None = None,
    ac: int | None = None,
    party: str = ALL_PARTIES,
    source: Source | None = None,
) -> list[tuple[datetime, int]]:
    """Items per hour (UTC hours, oldest first, hours without items as 0) from ``since`` to
    ``until`` (now): of the whole election, or of one AC when ``ac`` is given; of every
    party, or of those naming ``party``; of every source, or of one. One query."""
    first, last = hour_of(since), hour_of(until or clock.now())
    rows = HourlyCount.objects.filter(
        election=election,
        ac_number=ALL_ACS if ac is None else ac,
        party=party,
        hour__gte=first,
        hour__lte=last,
    )
    if source is not None:
        rows = rows.filter(source=source)
    found = dict(rows.values("hour").annotate(n=Sum("count")).values_list("hour", "n"))
    hours = []
    at = first
    while at <= last:
        hours.append((at, found.get(at) or 0))
        at += HOUR
    return hours


# The feed, an item, alerts ---------------------------------------------------------------


@dataclass(frozen=True)
class FeedFilter:
    """The feed's filters, as the screen's form gives them ("" or None: any)."""

    ac: int | None = None
    district: str = ""
    party: str = ""
    language: str = ""
    source: int | None = None
    flag: str = ""  # "claims": items with a claim suggestion or match
    narrative: int | None = None
    stance: str = ""  # "for", "against", "neutral", or UNCLASSIFIED
    before: datetime | None = None  # the next page: items published before this

    TAGGED = (("ac", Kind.AC), ("district", Kind.DISTRICT), ("party", Kind.PARTY))


FEED_PAGE = 50
#: ``FeedFilter.stance`` of the items neither labelled nor confidently guessed.
UNCLASSIFIED = "none"


def list_feed(*, election: Election, where: FeedFilter, limit: int = FEED_PAGE) -> list[Item]:
    """The newest items matching ``where``, with their tags and claim matches."""
    items = Item.objects.filter(election=election)
    for name, kind in FeedFilter.TAGGED:
        value = getattr(where, name)
        if value:
            items = items.filter(
                pk__in=ItemTag.objects.filter(kind=kind, key=str(value)).values("item")
            )
    if where.language:
        items = items.filter(language=where.language)
    if where.source:
        items = items.filter(source_id=where.source)
    if where.narrative:
        items = items.filter(narrative=where.narrative)
    if where.stance:
        items = items.filter(stance="" if where.stance == UNCLASSIFIED else where.stance)
    if where.flag == "claims":
        items = items.filter(
            pk__in=ClaimMatch.objects.exclude(decision=ClaimMatch.Decision.REJECTED).values("item")
        )
    if where.before:
        items = items.filter(published_at__lt=where.before)
    return list(
        items.select_related("source")
        .prefetch_related("tags", "claim_matches__claim")
        .order_by("-published_at", "-pk")[:limit]
    )


def access_item(*, election: Election, item_id: int) -> Item:
    item = (
        Item.objects.filter(election=election, pk=item_id)
        .select_related("source")
        .prefetch_related("tags", "snapshots", "claim_matches__claim")
        .first()
    )
    if item is None:
        raise Http404
    return item


def item_target(item: Item) -> Target:
    """What acting on an item touches: the constituencies it names (its tags prefetched).
    An item naming none is the state's, for the state-wide roles and the HQ desk."""
    return Target(acs=frozenset(int(t.key) for t in item.tags.all() if t.kind == Kind.AC))


def alert_target(alert: Alert) -> Target:
    return Target(
        desk_id=alert.desk_id,
        acs=frozenset({alert.ac_number}) if alert.ac_number else frozenset(),
    )


def list_alerts(*, asker: Asker, state: str = Alert.State.OPEN, limit: int = 200) -> list[Alert]:
    """Alerts within the person's reach (their desks' and their area's), the most severe
    first, then the newest."""
    alerts = (
        Alert.objects.filter(election=asker.election, state=state)
        .select_related("desk", "claim", "item", "post")
        .order_by("-severity", "-created_at")[:limit]
    )
    return [a for a in alerts if asker.may(Action.MONITOR, alert_target(a))]


def list_tagged_parties(*, election: Election) -> list[str]:
    """The parties the election's items have named (for the feed's filter)."""
    return sorted(
        HourlyCount.objects.filter(election=election, ac_number=ALL_ACS)
        .exclude(party=ALL_PARTIES)
        .values_list("party", flat=True)
        .distinct()
    )


def with_match_counts(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """The claims with how many items were suggested (``suggested``) and confirmed."""
    return claims.annotate(
        suggested=Count("matches", filter=~Q(matches__decision=ClaimMatch.Decision.REJECTED)),
        confirmed=Count("matches", filter=Q(matches__decision=ClaimMatch.Decision.CONFIRMED)),
    )


@dataclass(frozen=True)
class Narrative:
    first: Item  # the item that started it
    items: int  # items in it within the period
    last_at: datetime


def list_narratives(
    *, election: Election, since: datetime, least: int = 2, limit: int = 50
) -> list[Narrative]:
    """The biggest narratives of items published since ``since`` (at least ``least`` items
    each), biggest first."""
    groups = list(
        Item.objects.filter(election=election, published_at__gte=since, narrative__isnull=False)
        .values("narrative")
        .annotate(n=Count("id"), last=Max("published_at"))
        .filter(n__gte=least)
        .order_by("-n", "-last")[:limit]
    )
    firsts = Item.objects.prefetch_related("tags").in_bulk([g["narrative"] for g in groups])
    return [
        Narrative(first=firsts[g["narrative"]], items=g["n"], last_at=g["last"])
        for g in groups
        if g["narrative"] in firsts
    ]


# The tipline ------------------------------------------------------------------------------


def list_my_tips(*, election: Election, user: User, limit: int = 50) -> list[Tip]:
    """The person's own tips in the election, newest first."""
    return list(
        Tip.objects.filter(member=user, item__election=election)
        .select_related("item")
        .order_by("-created_at", "-pk")[:limit]
    )


def access_tip(*, asker: Asker, item_id: int) -> Tip:
    """The tip of the item, for its sender or for those who may see the election's items
    (``monitor``); the same 404 when it is missing or not theirs to see."""
    tip = (
        Tip.objects.filter(item__election=asker.election, item_id=item_id)
        .select_related("item", "member")
        .first()
    )
    if tip is None or not (tip.member_id == asker.user.pk or asker.may(Action.MONITOR)):
        raise Http404
    return tip


def get_tipline_bot(*, election: Election) -> str:
    """The @username of the election's tipline bot ("" when it has none): the member's
    link to it is ``https://t.me/<username>?start=<code>``."""
    for source in Source.objects.filter(election=election, backend="tipline", enabled=True):
        options = source.options if isinstance(source.options, dict) else {}
        if options.get("token") and isinstance(options.get("username"), str):
            return str(options["username"]).removeprefix("@")
    return ""


def get_telegram_link(*, user: User) -> TelegramLink | None:
    return TelegramLink.objects.filter(user=user).first()


# Stance ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StanceStatus:
    """The stance classifier as the queue screen shows it."""

    model: StanceModel | None  # the newest; None: none trained yet
    labels: dict[str, int]  # the analysts' labels now, per stance
    needed: int  # labels still needed before the first model (0: enough)

    @property
    def labelled(self) -> int:
        return sum(self.labels.values())

    @property
    def per_stance(self) -> list[tuple[str, int]]:
        """Each stance an analyst may give, with its labels so far."""
        return [(str(s.label), self.labels.get(s.value, 0)) for s in LABELS]


def get_stance_status(*, election: Election) -> StanceStatus:
    labels = count_labels(election=election)
    model = (
        StanceModel.objects.filter(election=election)
        .order_by("-trained_at", "-pk")
        .defer("parameters")
        .first()
    )
    return StanceStatus(
        model=model,
        labels=dict(labels),
        needed=max(MIN_LABELS - sum(labels.values()), 0),
    )


@dataclass(frozen=True)
class StanceGuess:
    """The newest model's likeliest stance for an item, however unsure."""

    stance: str
    confidence: float

    @property
    def label(self) -> str:
        return str(Stance(self.stance).label)


def guess_stance(*, election: Election, item: Item) -> StanceGuess | None:
    """The newest model's guess for one item; None: no model yet."""
    found = predict_stances(election=election, texts=[item.text])
    return StanceGuess(*found[0]) if found else None


@dataclass(frozen=True)
class ToLabel:
    item: Item
    guess: StanceGuess | None  # None: no model yet


#: The queue ranks this many of the newest unlabelled items (those within the person's reach).
LABEL_WINDOW = 500


def list_to_label(*, asker: Asker, limit: int = 30) -> list[ToLabel]:
    """Unlabelled items the person may label, the ones the newest model is least sure of
    first (an analyst's label teaches it most there); without a model, the newest first."""
    items = [
        item
        for item in Item.objects.filter(election=asker.election, stance_by__isnull=True)
        .select_related("source")
        .prefetch_related("tags")
        .order_by("-published_at", "-pk")[:LABEL_WINDOW]
        if asker.may(Action.MONITOR, item_target(item))
    ]
    guesses = predict_stances(election=asker.election, texts=[i.text for i in items])
    if guesses is None:
        return [ToLabel(item, None) for item in items[:limit]]
    rows = [ToLabel(item, StanceGuess(*g)) for item, g in zip(items, guesses, strict=True)]
    # Stable: among equally unsure items, the newest first.
    rows.sort(key=lambda row: row.guess.confidence if row.guess else 0.0)
    return rows[:limit]
