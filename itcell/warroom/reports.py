"""The daily report: one IST day of an election, for the state or one district, in five
sections (coverage, publishing, engagement, monitoring, compliance), in a fixed number of
queries (``REPORT_QUERIES``, pinned by the tests) whatever the number of posts or items.

A district's report counts only what touches its constituencies: desks of the district, posts
aimed at one of its constituencies (with their deliveries, readings, findings, takedowns and
MCMC applications), mentions of its constituencies, and alerts and items about them or the
district.

Monitoring reads the hourly rollups (``HourlyCount``, ``TopicCount``), which count in whole
UTC hours; an IST day starts at half past a UTC hour, so its monitoring figures cover the 24
whole hours starting within the day, 00:30 to 00:30 IST (``monitoring_window``). The items by
language are counted over the same window from the items themselves: no rollup keeps the
language.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Lower
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from itcell.compliance.engine import Severity
from itcell.compliance.models import Application, FindingRecord, Takedown
from itcell.core import clock
from itcell.elections.models import AssemblyConstituency, District, Election
from itcell.monitoring.models import (
    ALL_ACS,
    ALL_PARTIES,
    Alert,
    ClaimMatch,
    HourlyCount,
    Item,
    ItemTag,
    Stance,
    TopicCount,
    hour_of,
)
from itcell.monitoring.nlp import Kind
from itcell.organisation import coverage
from itcell.organisation.access import Asker
from itcell.organisation.models import Desk
from itcell.organisation.permissions import Target
from itcell.organisation.selectors import day_window, list_duties
from itcell.publishing.errors import Reason
from itcell.publishing.models import Delivery, EngagementSample, Post, Review
from itcell.warroom.selectors import WAR_ROOM, may_see_state

#: Queries ``get_daily_report`` makes for the state, and for a district (tests pin them).
REPORT_QUERIES = 15
DISTRICT_REPORT_QUERIES = 16
#: How many constituencies the monitoring section names, by volume.
TOP_ACS = 5


@dataclass(frozen=True)
class Area:
    """What a report covers: the state (``district_id`` None) or one district."""

    district_id: int | None = None
    name_en: str = ""
    name_hi: str = ""
    numbers: frozenset[int] = frozenset()  # the district's constituencies

    @property
    def is_state(self) -> bool:
        return self.district_id is None

    @property
    def name(self) -> str:
        return self.name_hi if get_language() == "hi" and self.name_hi else self.name_en

    @property
    def target(self) -> Target:
        return Target(acs=self.numbers)


def find_district(*, election: Election, ref: str) -> District | None:
    """A district of the election's state by id or by name (English, any case, or Hindi)."""
    ref = ref.strip()
    districts = District.objects.filter(state_id=election.state_id).only(
        "name_en", "name_hi", "state_id"
    )
    if ref.isdecimal():
        return districts.filter(pk=int(ref)).first()
    return (
        districts.annotate(lower=Lower("name_en"))
        .filter(Q(lower=ref.casefold()) | Q(name_hi=ref))
        .first()
        if ref
        else None
    )


def get_area(*, district: District | None) -> Area:
    """The state, or the district with its constituencies (one query)."""
    if district is None:
        return Area()
    numbers = AssemblyConstituency.objects.filter(district=district).values_list(
        "number", flat=True
    )
    return Area(district.pk, district.name_en, district.name_hi, frozenset(numbers))


def may_report(asker: Asker, area: Area) -> bool:
    """The state's report for those who may monitor the whole state; a district's for those
    who may monitor every constituency of it."""
    if area.is_state:
        return may_see_state(asker)
    return bool(area.numbers) and asker.may(WAR_ROOM, area.target)


def list_report_districts(*, asker: Asker) -> list[District]:
    """The districts whose report the person may read, by English name (two queries)."""
    numbers: dict[int, set[int]] = defaultdict(set)
    for district_id, number in AssemblyConstituency.objects.filter(
        state_id=asker.election.state_id
    ).values_list("district_id", "number"):
        numbers[district_id].add(number)
    allowed = [pk for pk, acs in numbers.items() if asker.may(WAR_ROOM, Target(acs=frozenset(acs)))]
    return list(
        District.objects.filter(pk__in=allowed).only("name_en", "name_hi").order_by("name_en")
    )


def monitoring_window(day: date) -> coverage.Interval:
    """The whole UTC hours that start within the IST day (see the module's docstring)."""
    window = day_window(day)

    def ceil(at: datetime) -> datetime:
        hour = hour_of(at)
        return hour if hour == at else hour + timedelta(hours=1)

    return coverage.Interval(ceil(window.start), ceil(window.end))


# The sections --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    desks: int  # active desks in the area
    desks_staffed: int  # with at least one shift that day
    shifts: int  # shifts that touch the day
    people: int  # distinct people on those shifts
    #: by desk kind (``Desk.Kind``): (hours someone was on duty, hours nobody was), summed
    #: over the area's desks of that kind
    hours: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Publishing:
    created: int
    submitted: int  # posts whose latest submission for review was that day
    approved: int
    changes_requested: int  # reviewers' requests that day
    rejected: int  # reviewers' rejections that day
    posts_published: int  # posts with a delivery published that day
    deliveries_published: int
    deliveries_failed: int
    deliveries_unconfirmed: int
    deliveries_held: int  # due that day and held by an election rule
    median_approval: timedelta | None  # submission to approval, of the posts approved that day


@dataclass(frozen=True)
class Engagement:
    deliveries: int  # published that day
    measured: int  # of which the platform reported counts by the end of the day
    likes: int
    shares: int
    replies: int
    views: int


@dataclass(frozen=True)
class Monitoring:
    window: coverage.Interval
    items: int
    by_stance: dict[str, int]  # Stance value → items (the state) or mentions (a district)
    by_language: dict[str, int]  # language code ("" unknown) → items
    top_acs: list[tuple[int, str, str, int]]  # (number, English, Hindi name, mentions)
    alerts_raised: int
    alerts_open: int  # of those raised that day, still open
    alerts_responded: int
    alerts_dismissed: int
    claims_confirmed: int  # claim matches an analyst confirmed that day


@dataclass(frozen=True)
class Compliance:
    findings: dict[str, int]  # Severity value → findings recorded that day
    takedowns_noticed: int
    takedowns_removed: int
    takedowns_late: int  # of those removed that day, after the deadline
    takedowns_overdue: int  # past the deadline at the end of the day and not taken down
    mcmc_applied: int
    mcmc_certified: int
    mcmc_refused: int


@dataclass(frozen=True)
class DailyReport:
    election: Election
    day: date
    area: Area
    made_at: datetime
    coverage: Coverage
    publishing: Publishing
    engagement: Engagement
    monitoring: Monitoring
    compliance: Compliance


def get_daily_report(
    *, election: Election, day: date, area: Area, at: datetime | None = None
) -> DailyReport:
    """The report of ``day`` (IST) for ``area``: ``REPORT_QUERIES`` queries for the state,
    ``DISTRICT_REPORT_QUERIES`` for a district."""
    within = day_window(day)
    posts = Post.objects.filter(election=election)
    if not area.is_state:
        posts = posts.filter(
            pk__in=Post.acs.through.objects.filter(
                assemblyconstituency__number__in=area.numbers
            ).values("post_id")
        )
    publishing = _publishing(posts, within)
    return DailyReport(
        election=election,
        day=day,
        area=area,
        made_at=at or clock.now(),
        coverage=_coverage(election, area, within),
        publishing=publishing,
        engagement=_engagement(posts, within, publishing.deliveries_published),
        monitoring=_monitoring(election, area, day),
        compliance=_compliance(election, posts, area, within),
    )


def _in(name: str, within: coverage.Interval) -> Q:
    return Q(**{f"{name}__gte": within.start, f"{name}__lt": within.end})


def _coverage(election: Election, area: Area, within: coverage.Interval) -> Coverage:
    desks = Desk.objects.filter(election=election, is_active=True)
    if area.district_id is not None:
        desks = desks.filter(district_id=area.district_id)
    kinds = dict(desks.values_list("pk", "kind"))
    duties = list_duties(election=election, within=within, desk_ids=kinds)
    by_desk: dict[int, list[coverage.Interval]] = defaultdict(list)
    for duty in duties:
        start, end = max(duty.interval.start, within.start), min(duty.interval.end, within.end)
        by_desk[duty.desk_id].append(coverage.Interval(start, end))
    day_hours = within.minutes / 60
    hours: dict[str, list[float]] = {}
    for desk_id, kind in kinds.items():
        covered = sum(i.minutes for i in coverage.merge(by_desk.get(desk_id, []))) / 60
        sums = hours.setdefault(kind, [0.0, 0.0])
        sums[0] += covered
        sums[1] += day_hours - covered
    return Coverage(
        desks=len(kinds),
        desks_staffed=len(by_desk),
        shifts=len(duties),
        people=len({d.user_id for d in duties}),
        hours={
            kind: (round(hours[kind][0], 1), round(hours[kind][1], 1))
            for kind in Desk.Kind
            if kind in hours
        },
    )


def _publishing(posts: QuerySet[Post], within: coverage.Interval) -> Publishing:
    rows = list(
        posts.filter(
            _in("created_at", within) | _in("submitted_at", within) | _in("approved_at", within)
        ).values_list("created_at", "submitted_at", "approved_at")
    )
    waits = [
        (approved - submitted).total_seconds()
        for _created, submitted, approved in rows
        if approved is not None and submitted is not None and within.contains(approved)
    ]
    reviews = Review.objects.filter(_in("at", within), post__in=posts).aggregate(
        changes=Count("id", filter=Q(decision=Review.Decision.REQUEST_CHANGES)),
        rejected=Count("id", filter=Q(decision=Review.Decision.REJECT)),
    )
    finished = _in("finished_at", within)
    deliveries = Delivery.objects.filter(post__in=posts).aggregate(
        posts=Count("post", distinct=True, filter=finished & Q(state=Delivery.State.PUBLISHED)),
        published=Count("id", filter=finished & Q(state=Delivery.State.PUBLISHED)),
        failed=Count("id", filter=finished & Q(state=Delivery.State.FAILED)),
        unconfirmed=Count("id", filter=finished & Q(state=Delivery.State.UNCONFIRMED)),
        held=Count("id", filter=_in("due_at", within) & Q(reason=Reason.HELD)),
    )
    return Publishing(
        created=sum(1 for created, _s, _a in rows if within.contains(created)),
        submitted=sum(1 for _c, submitted, _a in rows if submitted and within.contains(submitted)),
        approved=sum(1 for _c, _s, approved in rows if approved and within.contains(approved)),
        changes_requested=reviews["changes"],
        rejected=reviews["rejected"],
        posts_published=deliveries["posts"],
        deliveries_published=deliveries["published"],
        deliveries_failed=deliveries["failed"],
        deliveries_unconfirmed=deliveries["unconfirmed"],
        deliveries_held=deliveries["held"],
        median_approval=timedelta(seconds=statistics.median(waits)) if waits else None,
    )


def _engagement(posts: QuerySet[Post], within: coverage.Interval, published_n: int) -> Engagement:
    published = Delivery.objects.filter(
        _in("finished_at", within), post__in=posts, state=Delivery.State.PUBLISHED
    )
    latest = (
        EngagementSample.objects.filter(delivery=OuterRef("delivery"), at__lt=within.end)
        .order_by("-at", "-pk")
        .values("pk")[:1]
    )
    found = EngagementSample.objects.filter(delivery__in=published, pk=Subquery(latest)).aggregate(
        measured=Count("delivery", distinct=True),
        likes=Sum("likes"),
        shares=Sum("shares"),
        replies=Sum("replies"),
        views=Sum("views"),
    )
    return Engagement(
        deliveries=published_n,
        measured=found["measured"],
        likes=found["likes"] or 0,
        shares=found["shares"] or 0,
        replies=found["replies"] or 0,
        views=found["views"] or 0,
    )


def _about_area(area: Area) -> Q:
    """Items tagged with one of the area's constituencies or its district (for ``Exists``)."""
    return Q(item=OuterRef("pk")) & (
        Q(kind=Kind.AC, key__in=[str(n) for n in area.numbers])
        | Q(kind=Kind.DISTRICT, key=area.name_en)
    )


def _monitoring(election: Election, area: Area, day: date) -> Monitoring:
    hours = monitoring_window(day)
    counts = HourlyCount.objects.filter(
        election=election, party=ALL_PARTIES, hour__gte=hours.start, hour__lt=hours.end
    )
    if area.is_state:
        counts = counts.filter(ac_number__gte=ALL_ACS)
    else:
        counts = counts.filter(ac_number__in=area.numbers)
    by_stance: dict[str, int] = defaultdict(int)
    by_ac: dict[int, int] = defaultdict(int)
    for number, stance, n in (
        counts.values("ac_number", "stance")
        .annotate(n=Sum("count"))
        .values_list("ac_number", "stance", "n")
    ):
        if number is None:  # not read (the filters exclude items naming no AC)
            continue
        if number != ALL_ACS:
            by_ac[number] += n
        if number == ALL_ACS or not area.is_state:
            by_stance[stance] += n
    if area.is_state:
        items = sum(by_stance.values())
    else:  # the district's rollup counts an item naming two of its constituencies once
        items = (
            TopicCount.objects.filter(
                election=election,
                kind=Kind.DISTRICT,
                key=area.name_en,
                hour__gte=hours.start,
                hour__lt=hours.end,
            ).aggregate(n=Sum("count"))["n"]
            or 0
        )
    top = sorted(by_ac.items(), key=lambda pair: (-pair[1], pair[0]))[:TOP_ACS]
    names = {
        number: (en, hi)
        for number, en, hi in AssemblyConstituency.objects.filter(
            state_id=election.state_id, number__in=[number for number, _n in top]
        ).values_list("number", "name_en", "name_hi")
    }
    said = Item.objects.filter(
        election=election, published_at__gte=hours.start, published_at__lt=hours.end
    )
    matches = ClaimMatch.objects.filter(
        item__election=election,
        decision=ClaimMatch.Decision.CONFIRMED,
        decided_at__gte=day_window(day).start,
        decided_at__lt=day_window(day).end,
    )
    alerts = Alert.objects.filter(_in("created_at", day_window(day)), election=election)
    if not area.is_state:
        said = said.filter(Exists(ItemTag.objects.filter(_about_area(area))))
        matches = matches.filter(
            Exists(ItemTag.objects.filter(_about_area(area) & Q(item=OuterRef("item"))))
        )
        alerts = alerts.filter(
            Q(ac_number__in=area.numbers) | Q(key=f"{Kind.DISTRICT}:{area.name_en}")
        )
    alert_counts = alerts.aggregate(
        raised=Count("id"),
        open=Count("id", filter=Q(state=Alert.State.OPEN)),
        responded=Count("id", filter=Q(state=Alert.State.RESPONDED)),
        dismissed=Count("id", filter=Q(state=Alert.State.DISMISSED)),
    )
    return Monitoring(
        window=hours,
        items=items,
        by_stance={s.value: by_stance.get(s.value, 0) for s in Stance},
        by_language=dict(
            said.order_by()
            .values("language")
            .annotate(n=Count("id"))
            .order_by("-n", "language")
            .values_list("language", "n")
        ),
        top_acs=[(number, *names.get(number, ("", "")), n) for number, n in top],
        alerts_raised=alert_counts["raised"],
        alerts_open=alert_counts["open"],
        alerts_responded=alert_counts["responded"],
        alerts_dismissed=alert_counts["dismissed"],
        claims_confirmed=matches.count(),
    )


def _compliance(
    election: Election, posts: QuerySet[Post], area: Area, within: coverage.Interval
) -> Compliance:
    findings = dict(
        FindingRecord.objects.filter(_in("at", within), post__in=posts)
        .values("severity")
        .annotate(n=Count("id"))
        .values_list("severity", "n")
    )
    takedowns = Takedown.objects.filter(election=election)
    applications = Application.objects.filter(election=election)
    if not area.is_state:
        takedowns = takedowns.filter(delivery__post__in=posts)
        applications = applications.filter(post__in=posts)
    removed = _in("removed_at", within)
    notices = takedowns.aggregate(
        noticed=Count("id", filter=_in("noticed_at", within)),
        removed=Count("id", filter=removed),
        late=Count("id", filter=removed & Q(removed_at__gt=F("due_at"))),
        overdue=Count(
            "id",
            filter=Q(noticed_at__lt=within.end, due_at__lt=within.end)
            & (Q(removed_at=None) | Q(removed_at__gte=within.end))
            & (Q(closed_at=None) | Q(closed_at__gte=within.end)),
        ),
    )
    mcmc = applications.aggregate(
        applied=Count("id", filter=_in("submitted_at", within)),
        certified=Count("id", filter=_in("certificate__issued_at", within)),
        refused=Count("id", filter=_in("decided_at", within) & Q(state=Application.State.REFUSED)),
    )
    return Compliance(
        findings={s.value: findings.get(s.value, 0) for s in Severity},
        takedowns_noticed=notices["noticed"],
        takedowns_removed=notices["removed"],
        takedowns_late=notices["late"],
        takedowns_overdue=notices["overdue"],
        mcmc_applied=mcmc["applied"],
        mcmc_certified=mcmc["certified"],
        mcmc_refused=mcmc["refused"],
    )


# The report as rows --------------------------------------------------------------------------

SECTIONS: dict[str, Promise] = {
    "coverage": _("Coverage"),
    "publishing": _("Publishing"),
    "engagement": _("Engagement"),
    "monitoring": _("Monitoring"),
    "compliance": _("Compliance"),
}
DESK_LEVELS: dict[str, Promise] = {
    Desk.Kind.HQ: _("HQ"),
    Desk.Kind.DISTRICT: _("district desks"),
    Desk.Kind.AC: _("constituency desks"),
}
LANGUAGES: dict[str, Promise] = {"hi": _("Hindi"), "en": _("English"), "": _("not recognised")}


@dataclass(frozen=True)
class Row:
    """One figure of the report: its section's key and label, what it is, its value."""

    section: str
    section_label: str
    metric: str
    value: str


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = round(value.total_seconds() / 60)
    return str(_("{h} h {m:02d} min")).format(h=minutes // 60, m=minutes % 60)


def _hours(value: float) -> str:
    return f"{value:g}"


def rows(report: DailyReport) -> list[Row]:
    """The report's figures in order, labelled in the active language: what the page, the
    PDF and the CSV show."""
    found: list[tuple[str, Any, Any]] = []
    c, p, e, m, k = (
        report.coverage,
        report.publishing,
        report.engagement,
        report.monitoring,
        report.compliance,
    )
    found += [
        ("coverage", _("Active desks"), c.desks),
        ("coverage", _("Desks with a shift that day"), c.desks_staffed),
        ("coverage", _("Shifts"), c.shifts),
        ("coverage", _("People on duty"), c.people),
    ]
    for kind, (covered, uncovered) in c.hours.items():
        level = DESK_LEVELS[kind]
        found += [
            ("coverage", _("Hours covered, %(level)s") % {"level": level}, _hours(covered)),
            ("coverage", _("Hours uncovered, %(level)s") % {"level": level}, _hours(uncovered)),
        ]
    found += [
        ("publishing", _("Posts created"), p.created),
        ("publishing", _("Posts submitted for review"), p.submitted),
        ("publishing", _("Posts approved"), p.approved),
        ("publishing", _("Changes requested"), p.changes_requested),
        ("publishing", _("Posts rejected"), p.rejected),
        ("publishing", _("Median time from submission to approval"), _duration(p.median_approval)),
        ("publishing", _("Posts published"), p.posts_published),
        ("publishing", _("Deliveries published"), p.deliveries_published),
        ("publishing", _("Deliveries failed"), p.deliveries_failed),
        ("publishing", _("Deliveries unconfirmed"), p.deliveries_unconfirmed),
        ("publishing", _("Deliveries held by an election rule"), p.deliveries_held),
        ("engagement", _("Deliveries published"), e.deliveries),
        ("engagement", _("Of which the platform reported counts"), e.measured),
        ("engagement", _("Likes"), e.likes),
        ("engagement", _("Shares"), e.shares),
        ("engagement", _("Replies"), e.replies),
        ("engagement", _("Views"), e.views),
        ("monitoring", _("Items"), m.items),
    ]
    stance_label = _("Items, %(stance)s") if report.area.is_state else _("Mentions, %(stance)s")
    found += [
        ("monitoring", stance_label % {"stance": Stance(value).label}, n)
        for value, n in m.by_stance.items()
    ]
    found += [
        (
            "monitoring",
            _("Items in %(language)s") % {"language": LANGUAGES.get(code, code)},
            n,
        )
        for code, n in m.by_language.items()
    ]
    found += [
        (
            "monitoring",
            _("Mentions of %(number)s %(name)s")
            % {"number": number, "name": hi if _hindi() and hi else en},
            n,
        )
        for number, en, hi, n in m.top_acs
    ]
    found += [
        ("monitoring", _("Alerts raised"), m.alerts_raised),
        ("monitoring", _("Of which still open"), m.alerts_open),
        ("monitoring", _("Of which answered with a response"), m.alerts_responded),
        ("monitoring", _("Of which dismissed"), m.alerts_dismissed),
        ("monitoring", _("Known claims confirmed"), m.claims_confirmed),
    ]
    found += [
        ("compliance", _("Findings: %(severity)s") % {"severity": Severity(value).label}, n)
        for value, n in k.findings.items()
    ]
    found += [
        ("compliance", _("Takedown notices received"), k.takedowns_noticed),
        ("compliance", _("Posts taken down"), k.takedowns_removed),
        ("compliance", _("Of which after the deadline"), k.takedowns_late),
        ("compliance", _("Takedowns overdue at the end of the day"), k.takedowns_overdue),
        ("compliance", _("MCMC applications"), k.mcmc_applied),
        ("compliance", _("MCMC certificates issued"), k.mcmc_certified),
        ("compliance", _("MCMC applications refused"), k.mcmc_refused),
    ]
    return [Row(key, str(SECTIONS[key]), str(metric), str(value)) for key, metric, value in found]


def _hindi() -> bool:
    return get_language() == "hi"
