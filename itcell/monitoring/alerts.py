"""Writes about alerts and the claims library: spikes and known claims become alerts at the
desk responsible for the AC now, and an alert becomes a response in the publishing fast lane.

- ``raise_spike_alerts`` reads the hourly counts (never the items) of the last day, asks
  ``spikes.detect_spike`` about each AC's current and last hour, and raises each spike once.
- ``match_claims`` runs on ingest: new items are matched against the election's claims
  library; a match is a suggestion an analyst confirms; a match to known misinformation
  raises an alert (once per claim per hour).
- ``respond_to_alert`` turns an alert into a draft for its desk, pre-filled with the claim's
  answer (for a spike, the answer to the claim its items repeat most) and its talking point,
  and sends it for review in the fast lane; with nothing to pre-fill it, the draft carries
  the alert's summary and waits for its writer.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itcell.accounts.models import User
from itcell.audit.services import record
from itcell.core import clock
from itcell.elections.models import Candidacy, District, Election
from itcell.monitoring import spikes
from itcell.monitoring.errors import MonitoringError
from itcell.monitoring.models import (
    ALL_PARTIES,
    Alert,
    Claim,
    ClaimMatch,
    HourlyCount,
    Item,
    ItemTag,
    TopicCount,
    hour_of,
)
from itcell.monitoring.nlp import Kind, Tags
from itcell.monitoring.nlp.claims import Claim as LibraryClaim
from itcell.monitoring.nlp.claims import ClaimIndex, ClaimKind, build_claim_index
from itcell.monitoring.nlp.embeddings import load_embedder
from itcell.monitoring.spikes import DEFAULT_POLICY, SpikePolicy, detect_spike
from itcell.notifications.models import Kind as NoticeKind
from itcell.notifications.services import notify
from itcell.organisation import selectors as org
from itcell.organisation.models import Desk
from itcell.playbook.models import TalkingPoint
from itcell.playbook.training import is_trained
from itcell.publishing.models import Channel, Post
from itcell.publishing.services.posts import PostInput, create_post, submit_post

HOUR = timedelta(hours=1)
BASELINE_HOURS = 24  # the hours before the current one that make an AC's usual rate
MATCHES_PER_ITEM = 3  # claim suggestions kept per item, best first
MEANING_BATCH = 128  # items matched by meaning per call (about five seconds a core)
MENTION_CONFIDENCE = 0.6  # a candidate named at least this surely, for a large-account alert


# Claims library ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Library:
    """The election's active claims, searchable, with each claim's kind."""

    index: ClaimIndex
    kinds: dict[int, str]  # claim id -> Claim.Kind


def claim_library(*, election: Election, by_meaning: bool = False) -> Library | None:
    """The active claims as an index: lexical, or ``by_meaning`` lexical and embeddings
    together (None then when embeddings are off or not installed); None when the library
    is empty. Rebuilt when the library changes: cached per process, keyed by the library's
    size and last change and the model, so the claims' vectors are computed once."""
    embedder = load_embedder(settings.MONITORING_EMBEDDINGS) if by_meaning else None
    if by_meaning and embedder is None:
        return None
    active = Claim.objects.filter(election=election, is_active=True)
    version = active.aggregate(n=Count("id"), last=Max("updated_at"))
    if not version["n"]:
        return None
    model = embedder.name if embedder else "lexical"
    key = f"monitoring.claims.{election.pk}.{version['n']}.{version['last'].timestamp()}.{model}"
    library = cache.get(key)
    if library is None:
        claims = [LibraryClaim(c.pk, ClaimKind(c.kind), c.texts) for c in active if c.texts]
        library = Library(
            build_claim_index(claims, embedder=embedder), {c.id: c.kind.value for c in claims}
        )
        cache.set(key, library, timeout=3600)
    return library


def matches_by_meaning() -> bool:
    """Whether new items wait to be matched by meaning after ingest (embeddings are on)."""
    return load_embedder(settings.MONITORING_EMBEDDINGS) is not None


@transaction.atomic
def create_claim(
    *,
    election: Election,
    actor: User | None,
    kind: str,
    summary: str,
    forms: str,
    answer_hi: str = "",
    answer_en: str = "",
    talking_point: TalkingPoint | None = None,
) -> Claim:
    claim = Claim.objects.create(
        election=election,
        kind=kind,
        summary=summary.strip(),
        forms=forms.strip(),
        answer_hi=answer_hi.strip(),
        answer_en=answer_en.strip(),
        talking_point=talking_point,
    )
    record(actor=actor, action="claim.created", obj=claim, after={"summary": claim.summary})
    return claim


def match_claims(*, election: Election, items: Sequence[tuple[int, str]]) -> list[ClaimMatch]:
    """Suggest the known claims each new item (id, text) repeats, lexically; raise an alert
    for each new item that repeats known misinformation. Runs inside ``ingest``'s
    transaction, so it must be quick: matching by meaning comes after."""
    library = claim_library(election=election)
    return _store_matches(library, _suggest(library, items)) if library else []


def match_claims_by_meaning(*, election: Election, limit: int = MEANING_BATCH) -> int:
    """Match the oldest items waiting (at most ``limit``) against the library lexically and
    by meaning (embeddings, ~25 texts a second a core: too slow for ingest) and mark them
    matched; returns how many. The embedding runs outside any transaction; two workers on
    the same items store the same suggestions once."""
    pending = list(
        Item.objects.filter(election=election, meaning_matched=False)
        .order_by("pk")
        .values_list("pk", "text")[:limit]
    )
    if not pending:
        return 0
    library = claim_library(election=election, by_meaning=True)
    matches = _suggest(library, pending) if library else []
    with transaction.atomic():
        _store_matches(library, matches)
        Item.objects.filter(pk__in=[pk for pk, _text in pending]).update(meaning_matched=True)
    return len(pending)


def _suggest(library: Library, items: Sequence[tuple[int, str]]) -> list[ClaimMatch]:
    found = library.index.match_batch([text for _id, text in items], limit=MATCHES_PER_ITEM)
    return [
        ClaimMatch(item_id=item_id, claim_id=m.claim_id, score=round(m.score, 3))
        for (item_id, _text), best in zip(items, found, strict=True)
        for m in best
    ]


def _store_matches(library: Library | None, matches: list[ClaimMatch]) -> list[ClaimMatch]:
    if library is None or not matches:
        return []
    ClaimMatch.objects.bulk_create(matches, ignore_conflicts=True)
    for match in matches:
        if library.kinds.get(match.claim_id) == Claim.Kind.MISINFORMATION:
            _raise_claim_alert(match)
    return matches


def _raise_claim_alert(match: ClaimMatch) -> None:
    item = Item.objects.select_related("election").get(pk=match.item_id)
    acs = ItemTag.objects.filter(item=item, kind=Kind.AC).order_by("-confidence")
    ac = acs.values_list("key", flat=True).first()
    _raise(
        election=item.election,
        kind=Alert.Kind.CLAIM,
        key=f"claim:{match.claim_id}",
        hour=hour_of(item.published_at),
        ac_number=int(ac) if ac else None,
        figures={"score": match.score},
        severity=Alert.Severity.HIGH,
        claim_id=match.claim_id,
        item=item,
    )


@transaction.atomic
def decide_match(*, match: ClaimMatch, user: User, confirmed: bool) -> ClaimMatch:
    match.decision = ClaimMatch.Decision.CONFIRMED if confirmed else ClaimMatch.Decision.REJECTED
    match.decided_by, match.decided_at = user, clock.now()
    match.save(update_fields=["decision", "decided_by", "decided_at"])
    record(
        actor=user,
        action="claim_match.decided",
        obj=match.item,
        after={"claim": match.claim_id, "decision": match.decision},
    )
    return match


# Alerts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    desk: Desk
    people: list[User]


def route(*, election: Election, ac_number: int | None, at: datetime, district: str = "") -> Route:
    """The desk responsible for the AC at ``at`` (AC desk, district desk or HQ, whichever is
    staffed first) and who there is on duty; for a district (its key, as tagged) without an
    AC, its district desk or HQ; with neither, the HQ desk."""
    if ac_number is not None:
        duty = org.get_on_duty(election=election, ac_number=ac_number, at=at)
        return Route(duty.desk, duty.members or list(org.list_desk_members(desk=duty.desk)))
    area = (
        District.objects.filter(
            Q(census_name=district) | Q(name_en=district), state_id=election.state_id
        ).first()
        if district
        else None
    )
    on_duty = area and org.get_district_on_duty(election=election, district=area, at=at)
    if on_duty:
        return Route(*on_duty)
    hq = Desk.objects.get(election=election, kind=Desk.Kind.HQ)
    return Route(hq, list(org.list_desk_members(desk=hq)))


@transaction.atomic
def _raise(
    *,
    election: Election,
    kind: str,
    key: str,
    hour: datetime,
    ac_number: int | None,
    figures: dict[str, Any],
    severity: int,
    claim_id: int | None = None,
    item: Item | None = None,
    district: str = "",
) -> Alert | None:
    """The alert at the desk responsible now, whose people on duty are told; None when the
    same key alerted within the hour already (a burst across two hours is one alert)."""
    now = clock.now()
    if (
        Alert.objects.filter(election=election, key=key)
        .filter(Q(hour=hour) | Q(created_at__gte=now - HOUR))
        .exists()
    ):
        return None
    to = route(election=election, ac_number=ac_number, at=now, district=district)
    alert = Alert.objects.create(
        election=election,
        kind=kind,
        key=key,
        hour=hour,
        ac_number=ac_number,
        severity=severity,
        desk=to.desk,
        figures=figures,
        claim_id=claim_id,
        item=item,
    )
    record(actor=None, action="alert.raised", obj=alert, after={"key": key, "desk": to.desk.pk})
    transaction.on_commit(partial(_tell, alert.pk, [u.pk for u in to.people]))
    return alert


def _tell(alert_id: int, user_ids: list[int]) -> None:
    alert = Alert.objects.select_related("election", "desk", "claim").get(pk=alert_id)
    notify(
        recipients=User.objects.filter(pk__in=user_ids),
        kind=NoticeKind.ALERT,
        title=title_of(alert),
        body=describe(alert),
        url=reverse("monitoring:alerts", args=[alert.election.slug]) + f"#alert-{alert.pk}",
        dedupe_key=f"alert:{alert.pk}",
    )


_SPIKE_TITLES = {
    Kind.AC: gettext_lazy("Spike in AC {name}"),
    Kind.DISTRICT: gettext_lazy("Spike in {name} district"),
    Kind.PARTY: gettext_lazy("Spike in talk of {name}"),
    Kind.CANDIDATE: gettext_lazy("Spike in talk of candidate {name}"),
    Kind.LEADER: gettext_lazy("Spike in talk of {name}"),
}


def title_of(alert: Alert) -> Any:
    if alert.kind == Alert.Kind.SPIKE:
        kind, _sep, name = alert.key.partition(":")
        if kind == Kind.CANDIDATE:  # "128:Name"
            name = name.partition(":")[2]
        return format_lazy(_SPIKE_TITLES[Kind(kind)], name=name)
    if alert.kind == Alert.Kind.MENTION:
        return format_lazy(
            gettext_lazy("A large account names {candidate} (AC {ac})"),
            candidate=alert.figures.get("candidate"),
            ac=alert.ac_number,
        )
    return format_lazy(gettext_lazy("Known claim going round: {claim}"), claim=alert.claim)


def describe(alert: Alert) -> Any:
    """The alert's statistic as a sentence, in the reader's language."""
    if alert.kind == Alert.Kind.SPIKE:
        return spikes.describe(
            spikes.Spike.from_figures(key=alert.key, hour=alert.hour, figures=alert.figures)
        )
    if alert.kind == Alert.Kind.MENTION:
        return format_lazy(
            gettext_lazy(
                "{author}, followed by {followers}, wrote about a focus seat's candidate."
            ),
            author=alert.figures.get("author"),
            followers=f"{alert.figures.get('followers', 0):,}",
        )
    return format_lazy(
        gettext_lazy("An item repeats it (match score {score}): check it and answer."),
        score=alert.figures.get("score"),
    )


def focus_seats(*, election: Election) -> set[int]:
    """The ACs where the party stands itself: their candidates are watched most closely."""
    if election.own_party_id is None:
        return set()
    return set(
        Candidacy.objects.filter(election=election, party_id=election.own_party_id).values_list(
            "ac__number", flat=True
        )
    )


def alert_large_accounts(
    *, election: Election, items: Sequence[tuple[int, int | None, Tags]]
) -> list[Alert]:
    """An alert for each new item (id, author's followers, tags) by a large account (at least
    ``MONITORING_LARGE_ACCOUNT_FOLLOWERS``) that names a candidate of a focus seat: once per
    candidate per hour, at the desk responsible for the seat. Runs inside ``ingest``."""
    threshold = settings.MONITORING_LARGE_ACCOUNT_FOLLOWERS
    large = [
        (item_id, followers, key)
        for item_id, followers, found in items
        if followers is not None and followers >= threshold
        for key, confidence in found.candidates.items()
        if confidence >= MENTION_CONFIDENCE
    ]
    focus = focus_seats(election=election) if large else set()
    raised = []
    for item_id, followers, key in large:
        ac_number = _ac_of(Kind.CANDIDATE, key)
        if ac_number not in focus:
            continue
        item = Item.objects.get(pk=item_id)
        alert = _raise(
            election=election,
            kind=Alert.Kind.MENTION,
            key=f"mention:{key}"[:80],
            hour=hour_of(item.published_at),
            ac_number=ac_number,
            figures={
                "followers": followers,
                "author": item.author,
                "candidate": key.partition(":")[2],
            },
            severity=Alert.Severity.HIGH,
            item=item,
        )
        if alert is not None:
            raised.append(alert)
    return raised


def raise_spike_alerts(
    *, election: Election, now: datetime, policy: SpikePolicy = DEFAULT_POLICY
) -> list[Alert]:
    """An alert for each AC, district and topic (party, candidate, leader) whose current or
    last hour is a spike against the hours before it (the last hour too, so a burst that
    straddles the hour is seen whole once the hour is over). The baseline starts when
    monitoring of the election started, never before its first counted hour, so a new
    deployment does not see every busy AC as a spike.

    A burst in one AC also lifts its district and the parties it names: a district or topic
    spike that the hour's AC spikes account for (half its items or more) is not raised again;
    the AC's alert already says it."""
    counts = HourlyCount.objects.filter(election=election, party=ALL_PARTIES)
    first = counts.aggregate(first=Min("hour"))["first"]
    if first is None:
        return []
    current = hour_of(now)
    window = {"hour__gte": current - (BASELINE_HOURS + 1) * HOUR, "hour__lte": current}
    series: dict[str, Counter[datetime]] = defaultdict(Counter)
    for ac_number, at, n in counts.filter(ac_number__gt=0, **window).values_list(
        "ac_number", "hour", "count"
    ):
        series[f"{Kind.AC}:{ac_number}"][at] += n  # summed over sources and stances
    topics = TopicCount.objects.filter(election=election, **window)
    for kind, key, at, n in topics.values_list("kind", "key", "hour", "count"):
        series[f"{kind}:{key}"][at] += n
    found = [
        spike
        for key, by_hour in sorted(series.items())
        for hour in (current - HOUR, current)
        if (
            spike := detect_spike(
                key=key,
                hour=hour,
                current=by_hour[hour],
                baseline=[
                    by_hour[hour - k * HOUR]
                    for k in range(1, BASELINE_HOURS + 1)
                    if hour - k * HOUR >= first
                ],
                policy=policy,
            )
        )
    ]
    spiked_acs: dict[datetime, set[int]] = defaultdict(set)
    for spike in found:
        kind, _sep, name = spike.key.partition(":")
        if kind == Kind.AC:
            spiked_acs[spike.hour].add(int(name))
    focus = focus_seats(election=election) if spiked_acs else set()
    raised = []
    for spike in found:
        kind, _sep, name = spike.key.partition(":")
        acs = spiked_acs[spike.hour]
        if kind != Kind.AC and _explained(election, spike, acs):
            continue
        alert = _raise(
            election=election,
            kind=Alert.Kind.SPIKE,
            key=spike.key,
            hour=spike.hour,
            ac_number=_ac_of(kind, name),
            figures=spike.figures(),
            severity=spike_severity(kind, name, focus),
            district=name if kind == Kind.DISTRICT else "",
        )
        if alert is not None:
            raised.append(alert)
    return raised


def spike_severity(kind: str, name: str, focus: set[int]) -> int:
    """A spike in a focus seat is high, in another seat or a district medium, in a
    state-wide topic (a party, a candidate, a leader) low. Known misinformation repeated and
    a large account naming a focus seat's candidate are always high."""
    if kind == Kind.AC:
        return Alert.Severity.HIGH if int(name) in focus else Alert.Severity.MEDIUM
    return Alert.Severity.MEDIUM if kind == Kind.DISTRICT else Alert.Severity.LOW


def _explained(election: Election, spike: spikes.Spike, acs: set[int]) -> bool:
    """Whether the ACs that spiked in the same hour hold half the topic's items or more."""
    if not acs:
        return False
    kind, _sep, name = spike.key.partition(":")
    items = Item.objects.filter(
        election=election,
        published_at__gte=spike.hour,
        published_at__lt=spike.hour + HOUR,
        tags__kind=kind,
        tags__key=name,
    )
    in_acs = ItemTag.objects.filter(kind=Kind.AC, key__in=[str(n) for n in acs]).values("item")
    return 2 * items.filter(pk__in=in_acs).distinct().count() >= spike.current


def _ac_of(kind: str, key: str) -> int | None:
    """The AC a spike's key belongs to: an AC's number, a candidate's seat ("128:Name")."""
    if kind in (Kind.AC, Kind.CANDIDATE):
        number = key.partition(":")[0]
        return int(number) if number.isdigit() else None
    return None


@transaction.atomic
def dismiss_alert(*, alert: Alert, user: User, source_address: str | None = None) -> Alert:
    alert = _open(alert)
    alert.state, alert.closed_by = Alert.State.DISMISSED, user
    alert.save(update_fields=["state", "closed_by", "updated_at"])
    record(actor=user, action="alert.dismissed", obj=alert, source_address=source_address)
    return alert


def _open(alert: Alert) -> Alert:
    alert = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("desk", "claim")
        .get(pk=alert.pk)
    )
    if alert.state != Alert.State.OPEN:
        raise MonitoringError(_("This alert was dealt with already."))
    return alert


@transaction.atomic
def respond_to_alert(*, alert: Alert, user: User, source_address: str | None = None) -> Post:
    """A draft answering the alert, for its desk, in the fast lane. Pre-filled with the
    claim's answer (or the spike's most repeated claim's), it goes for review at once;
    otherwise, or while the responder has not passed the core training modules, it stays a
    draft for its writer to finish."""
    alert = _open(alert)
    claim = alert.claim or _main_claim(alert)
    desk = alert.desk
    channels = list(Channel.objects.filter(election=alert.election, desk=desk)) or list(
        Channel.objects.filter(election=alert.election, desk=None)
    )
    answer_hi = claim.answer_hi if claim else ""
    answer_en = claim.answer_en if claim else ""
    answered = bool(answer_hi or answer_en)
    if not answered:  # the writer starts from what the alert says, in both languages
        answer_hi, answer_en = (_brief(alert, language) for language in ("hi", "en"))
    post = create_post(
        desk=desk,
        author=user,
        data=PostInput(
            title=str(format_lazy(gettext_lazy("Response: {alert}"), alert=title_of(alert)))[:200],
            variants={c.pk: "" for c in channels},
            text_hi=answer_hi,
            text_en=answer_en,
            ac_numbers=frozenset({alert.ac_number}) if alert.ac_number else None,
            talking_point_id=claim.talking_point_id if claim else None,
            fast_lane=True,
        ),
        source_address=source_address,
    )
    if answered and is_trained(user, alert.election_id):
        submit_post(post=post, author=user, source_address=source_address)
        post.refresh_from_db()
    alert.state, alert.post, alert.closed_by = Alert.State.RESPONDED, post, user
    alert.save(update_fields=["state", "post", "closed_by", "updated_at"])
    record(
        actor=user,
        action="alert.responded",
        obj=alert,
        after={"post": post.pk},
        source_address=source_address,
    )
    return post


def _brief(alert: Alert, language: str) -> str:
    with translation.override(language):
        return f"[{title_of(alert)}: {describe(alert)}]"


def _main_claim(alert: Alert) -> Claim | None:
    """The claim the spike's items repeat most (confirmed or suggested, not rejected)."""
    if alert.ac_number is None:
        return None
    items = ItemTag.objects.filter(kind=Kind.AC, key=str(alert.ac_number)).values("item")
    best = (
        ClaimMatch.objects.filter(
            item__in=items,
            item__election=alert.election,
            item__published_at__gte=alert.hour,
            item__published_at__lt=alert.hour + HOUR,
        )
        .exclude(decision=ClaimMatch.Decision.REJECTED)
        .values("claim")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return Claim.objects.filter(pk=best["claim"]).first() if best else None
