"""Reads of publishing: a post's review steps and who may act on them, pauses, the review
queue, the calendar, the deliveries board, a post's timeline, the sandbox feed."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from itcell.accounts.models import User
from itcell.audit.models import AuditEvent
from itcell.elections.models import AssemblyConstituency, Election
from itcell.organisation.models import Desk, Membership
from itcell.organisation.permissions import Grant, Target, allows
from itcell.organisation.roles import APPROVER_ROLES, Action, Role
from itcell.organisation.selectors import escalation_step, get_grants
from itcell.publishing import approval
from itcell.publishing.models import (
    ApprovalPolicy,
    Channel,
    Delivery,
    DistributionTask,
    EngagementSample,
    MediaAsset,
    Pause,
    Post,
    Review,
    SandboxPost,
    Variant,
)
from itcell.publishing.workflow import PostState


def post_target(post: Post) -> Target:
    # .all(): served from a prefetch when the caller made one (lists of posts)
    return Target(desk_id=post.desk_id, acs=frozenset(ac.number for ac in post.acs.all()))


@dataclass(frozen=True)
class Reviewers:
    """What review decisions read, loaded once for any number of posts of one election: its
    approval policies and who holds which role where (two queries)."""

    policies: list[ApprovalPolicy]
    holders: list[tuple[Grant, User]]

    @classmethod
    def load(cls, election_id: int) -> "Reviewers":
        policies = list(
            ApprovalPolicy.objects.filter(election_id=election_id).prefetch_related("steps")
        )
        roles = set(APPROVER_ROLES) | {s.role for p in policies for s in p.steps.all()}
        memberships = (
            Membership.objects.filter(
                desk__election_id=election_id,
                desk__is_active=True,
                is_active=True,
                user__is_active=True,
                role__in=[str(r) for r in roles],
            )
            .select_related("user", "desk")
            .prefetch_related(
                Prefetch("desk__acs", queryset=AssemblyConstituency.objects.only("number"))
            )
        )
        holders = [
            (
                Grant(
                    role=Role(m.role),
                    desk_id=m.desk_id,
                    desk_acs=frozenset(ac.number for ac in m.desk.acs.all()),
                    state_wide=m.desk.kind == Desk.Kind.HQ,
                ),
                m.user,
            )
            for m in memberships
        ]
        return cls(policies, holders)


def get_steps(post: Post, reviewers: Reviewers | None = None) -> tuple[approval.Step, ...]:
    """The review steps for ``post``: one approval in the fast lane; else the policy of its
    first channel that has one, else its desk's, else the election's, else any approver."""
    if post.fast_lane:
        return approval.ANY_APPROVER
    policies = (reviewers or Reviewers.load(post.election_id)).policies
    channel_ids = {v.channel_id for v in post.variants.all()}
    candidates = [
        *(p for p in policies if p.channel_id in channel_ids),
        *(p for p in policies if p.channel_id is None and p.desk_id == post.desk_id),
        *(p for p in policies if p.channel_id is None and p.desk_id is None),
    ]
    for policy in candidates:
        steps = tuple(
            approval.Step(
                position=s.position,
                roles=frozenset({Role(s.role)}),
                needs_all=s.needs == s.Needs.ALL,
            )
            for s in policy.steps.all()
        )
        if steps:
            return steps
    return approval.ANY_APPROVER


def reviewer_roles(*, grants: list[Grant], target: Target) -> set[Role]:
    """The roles a person holds that reach ``target`` (their approvals count for these)."""
    return {g.role for g in grants if g.covers(target)}


def list_eligible(
    *, post: Post, steps: tuple[approval.Step, ...], reviewers: Reviewers | None = None
) -> dict[int, list[User]]:
    """For each step, the people who may approve it: holders of its roles whose desk reaches
    the post (state-wide roles reach every post)."""
    target = post_target(post)
    reach: dict[Role, dict[int, User]] = {}
    for grant, user in (reviewers or Reviewers.load(post.election_id)).holders:
        if grant.covers(target):
            reach.setdefault(grant.role, {})[user.pk] = user
    return {
        step.position: sorted(
            {u.pk: u for role in step.roles for u in reach.get(role, {}).values()}.values(),
            key=str,
        )
        for step in steps
    }


def _approvals(post: Post) -> list[Review]:
    """This round's approvals (from a prefetch of ``reviews`` when there is one)."""
    return [
        r
        for r in post.reviews.all()
        if r.round == post.round and r.decision == Review.Decision.APPROVE
    ]


def get_progress(
    post: Post, reviewers: Reviewers | None = None
) -> tuple[approval.Progress, dict[int, list[User]]]:
    reviewers = reviewers or Reviewers.load(post.election_id)
    steps = get_steps(post, reviewers)
    eligible = list_eligible(post=post, steps=steps, reviewers=reviewers)
    return (
        approval.progress(
            steps=steps,
            approvals=[(r.step or 0, r.reviewer_id) for r in _approvals(post)],
            eligible={pos: frozenset(u.pk for u in users) for pos, users in eligible.items()},
            author_id=post.author_id,
        ),
        eligible,
    )


def get_active_pause(*, election: Election | int, desk_id: int | None = None) -> Pause | None:
    """The pause holding a desk's deliveries (or the election-wide one), if any."""
    election_id = election if isinstance(election, int) else election.pk
    return (
        Pause.objects.filter(election_id=election_id, resumed_at=None)
        .filter(Q(desk=None) | Q(desk_id=desk_id))
        .order_by("desk_id")  # the election-wide pause first
        .first()
    )


def list_active_pauses(*, election: Election) -> list[Pause]:
    return list(
        Pause.objects.filter(election=election, resumed_at=None).select_related("desk", "paused_by")
    )


def step_started_at(post: Post) -> datetime | None:
    """When the waiting step began: the submission, or the last approval since."""
    return max((r.at for r in _approvals(post)), default=None) or post.submitted_at


def review_deadline(post: Post) -> datetime | None:
    started = step_started_at(post)
    return started + escalation_step() if started else None


def visible_posts(posts: QuerySet[Post], grants: list[Grant], action: Action) -> QuerySet[Post]:
    """Only the posts the grants reach for ``action`` (state-wide grants reach all)."""
    usable = [g for g in grants if allows([g], action)]
    if any(g.reaches_state for g in usable):
        return posts
    desk_ids = {g.desk_id for g in usable}
    area = {ac for g in usable for ac in g.desk_acs}
    return posts.filter(Q(desk_id__in=desk_ids) | Q(acs__number__in=area)).distinct()


def list_review_queue(*, user: User, election: Election) -> list["QueueItem"]:
    """Posts in review within this person's reach as an approver, oldest first (fast lane on
    top); ``mine`` marks those waiting for their approval now."""
    grants = get_grants(user=user, election=election)
    posts = (
        visible_posts(
            Post.objects.filter(election=election, state=PostState.IN_REVIEW),
            grants,
            Action.APPROVE,
        )
        .select_related("desk", "author")
        .prefetch_related("acs", "variants__channel", "variants__post", "reviews")
    )
    reviewers = Reviewers.load(election.pk)
    items = []
    for post in posts.order_by("-fast_lane", "submitted_at"):
        progress, eligible = get_progress(post, reviewers)
        if progress.step is None:
            continue
        target = post_target(post)
        mine = (
            post.author_id != user.pk
            and approval.may_approve(
                step=progress.step, roles=reviewer_roles(grants=grants, target=target)
            )
            and user.pk not in progress.approved_by
        )
        items.append(
            QueueItem(
                post=post,
                step=progress.step,
                mine=mine,
                deadline=review_deadline(post),
                eligible=eligible.get(progress.step.position, []),
            )
        )
    return items


@dataclass(frozen=True)
class QueueItem:
    post: Post
    step: approval.Step
    mine: bool  # this person may approve the waiting step
    deadline: datetime | None
    eligible: list[User]


def list_posts(
    *, user: User, election: Election, states: list[str] | None = None
) -> QuerySet[Post]:
    posts = Post.objects.filter(election=election)
    if states:
        posts = posts.filter(state__in=states)
    return visible_posts(
        posts, get_grants(user=user, election=election), Action.VIEW
    ).select_related("desk", "author")


def list_calendar(*, user: User, election: Election, start: datetime, end: datetime) -> list[Post]:
    """Posts due to go out (or gone out) in [start, end), by time."""
    return list(
        list_posts(user=user, election=election)
        .filter(publish_at__gte=start, publish_at__lt=end)
        .exclude(state__in=[PostState.REJECTED, PostState.WITHDRAWN])
        .prefetch_related("variants__channel")
        .order_by("publish_at", "id")
    )


def list_channels(*, election: Election) -> QuerySet[Channel]:
    return Channel.objects.filter(election=election).select_related("desk", "candidacy")


def count_channel_health(*, election: Election) -> dict[int, dict[Delivery.State, int]]:
    """For each channel: deliveries by state over the last day (a state shows its ``label``)."""
    rows = (
        Delivery.objects.filter(channel__election=election)
        .values("channel_id", "state")
        .annotate(n=Count("id"))
    )
    health: dict[int, dict[Delivery.State, int]] = {}
    for row in rows:
        health.setdefault(row["channel_id"], {})[Delivery.State(row["state"])] = row["n"]
    return health


def list_deliveries(*, election: Election, states: list[str], limit: int = 200) -> list[Delivery]:
    return list(
        Delivery.objects.filter(post__election=election, state__in=states)
        .select_related("post", "post__desk", "channel")
        .order_by("due_at", "id")[:limit]
    )


def list_recently_published(*, election: Election, limit: int = 20) -> list[Delivery]:
    return list(
        Delivery.objects.filter(post__election=election, state=Delivery.State.PUBLISHED)
        .select_related("post", "channel")
        .order_by("-finished_at")[:limit]
    )


def list_media(*, election: Election, desk_ids: list[int]) -> list[MediaAsset]:
    """The state's library and the given desks' libraries, newest first."""
    return list(
        MediaAsset.objects.filter(Q(desk=None) | Q(desk_id__in=desk_ids), election=election)
        .select_related("desk", "uploaded_by")
        .order_by("-created_at")[:200]
    )


def count_deliveries(*, election: Election) -> dict[Delivery.State, int]:
    """Deliveries by state (a state shows its ``label``, in the page's language)."""
    rows = Delivery.objects.filter(post__election=election).values("state").annotate(n=Count("id"))
    return {Delivery.State(row["state"]): row["n"] for row in rows}


#: How a post's timeline names each audited action.
TIMELINE_LABELS = {
    "post.created": _("Drafted"),
    "post.edited": _("Edited"),
    "post.submitted": _("Sent for review"),
    "post.step_approved": _("Approved a step"),
    "post.approved": _("Approved"),
    "post.request_changes": _("Asked for changes"),
    "post.reject": _("Rejected"),
    "post.commented": _("Commented"),
    "post.scheduled": _("Scheduled"),
    "post.unscheduled": _("Taken off the schedule"),
    "post.withdrawn": _("Withdrawn"),
    "post.published": _("Published everywhere"),
    "post.failed": _("Not published everywhere"),
    "delivery.started": _("Publishing started"),
    "delivery.published": _("Published"),
    "delivery.retrying": _("Will try again"),
    "delivery.failed": _("Failed"),
    "delivery.unconfirmed": _("Unconfirmed"),
    "delivery.withdrawn": _("Removed from the platform"),
    "delivery.retried_by_hand": _("Tried again by hand"),
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str
    channel: str  # for a delivery's events
    action: str  # the audit action, for whoever investigates


def list_timeline(post: Post) -> list[TimelineEntry]:
    """Everything that happened to a post and its deliveries, in order (the audit trail)."""
    deliveries = {str(d.pk): str(d.channel) for d in post.deliveries.select_related("channel")}
    events = AuditEvent.objects.filter(
        Q(object_type="publishing.post", object_id=str(post.pk))
        | Q(object_type="publishing.delivery", object_id__in=list(deliveries))
    ).order_by("id")
    return [
        TimelineEntry(
            at=e.at,
            who=e.actor_label,
            what=str(TIMELINE_LABELS.get(e.action, e.action)),
            channel=deliveries.get(e.object_id, "")
            if e.object_type == "publishing.delivery"
            else "",
            action=e.action,
        )
        for e in events
    ]


def list_variants(post: Post) -> list[Variant]:
    return list(
        post.variants.select_related("channel")
        .prefetch_related("channel__slots")  # the post page offers each channel's next slot
        .order_by("channel__platform")
    )


def list_sandbox_feed(*, election: Election, limit: int = 100) -> list[SandboxPost]:
    return list(
        SandboxPost.objects.filter(channel__election=election)
        .select_related("channel")
        .order_by("-published_at", "-id")[:limit]
    )


def list_my_tasks(*, user: User, election: Election) -> list[DistributionTask]:
    return list(
        DistributionTask.objects.filter(volunteer=user, desk__election=election)
        .select_related("delivery__post", "delivery__channel", "desk")
        .prefetch_related("delivery__post__media")
        .order_by("state", "-delivery__due_at")
    )


def count_shared_by_ac(*, delivery: Delivery) -> list[tuple[int, int, int]]:
    """For each AC of the post's desks: (AC number, tasks, shared)."""
    rows = (
        DistributionTask.objects.filter(delivery=delivery)
        .values("desk__acs__number")
        .annotate(
            total=Count("id", distinct=True),
            shared=Count("id", filter=Q(state=DistributionTask.State.SHARED), distinct=True),
        )
        .order_by("desk__acs__number")
    )
    return [
        (r["desk__acs__number"], r["total"], r["shared"]) for r in rows if r["desk__acs__number"]
    ]


def list_engagement(*, post: Post) -> dict[int, list[EngagementSample]]:
    samples = EngagementSample.objects.filter(delivery__post=post).order_by("at")
    series: dict[int, list[EngagementSample]] = {}
    for sample in samples:
        series.setdefault(sample.delivery_id, []).append(sample)
    return series
