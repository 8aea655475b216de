"""Posts (read, write a draft, send it for review) and their deliveries."""

from datetime import datetime

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from itcell.api.errors import ApiProblem
from itcell.api.http import ERRORS, Id, Instant, Mapped, Page, caller, endpoint
from itcell.api.scopes import Scope
from itcell.organisation.models import Desk
from itcell.organisation.roles import Action
from itcell.organisation.selectors import desk_target
from itcell.publishing.models import Delivery, Post
from itcell.publishing.selectors import post_target, visible_posts
from itcell.publishing.services.posts import PostInput, create_post, submit_post
from itcell.publishing.workflow import PostState

router = Router(tags=["posts"])


class PostOut(Schema):
    id: int
    title: str
    state: str
    desk_id: int
    author: str
    text_hi: str
    text_en: str
    acs: list[int]
    channels: list[int]
    paid_promotion: bool
    fast_lane: bool
    publish_at: datetime | None
    submitted_at: datetime | None
    approved_at: datetime | None
    version: int
    created_at: datetime


class ClaimIn(Schema):
    claim: str = Field(max_length=500)
    source: str = Field(max_length=500)


class PostIn(Schema):
    desk: Id
    title: str = Field(max_length=200)
    text_hi: str = Field("", max_length=20_000)
    text_en: str = Field("", max_length=20_000)
    channels: list[Id] = Field(min_length=1, max_length=50)
    variants: dict[Id, str] = Field(
        default_factory=dict, description="Own text per channel id; else the post's text."
    )
    acs: list[Id] | None = Field(None, description="Constituency numbers; none: the desk's area")
    talking_point: Id | None = None
    paid_promotion: bool = False
    mcmc_certificate: str = Field("", max_length=100)
    fast_lane: bool = False
    claims: list[ClaimIn] = Field(default_factory=list, max_length=20)
    publish_at: Instant | None = None


class SubmitOut(Schema):
    post: PostOut
    warnings: list[str]


class PostFilter(Schema):
    state: PostState | None = None
    desk: Id | None = None
    ac: Id | None = None
    since: Instant | None = Field(None, description="Changed at or after this instant")


class DeliveryOut(Schema):
    id: int
    post_id: int
    channel_id: int
    platform: str
    state: str
    due_at: datetime
    attempts: int
    finished_at: datetime | None
    remote_url: str
    reason: str


class DeliveryFilter(Schema):
    state: Delivery.State | None = None
    post: Id | None = None
    channel: Id | None = None


def _post(post: Post) -> dict[str, object]:
    return {
        "id": post.pk,
        "title": post.title,
        "state": post.state,
        "desk_id": post.desk_id,
        "author": post.author.get_username(),
        "text_hi": post.text_hi,
        "text_en": post.text_en,
        "acs": sorted(ac.number for ac in post.acs.all()),
        "channels": sorted(c.pk for c in post.channels.all()),
        "paid_promotion": post.paid_promotion,
        "fast_lane": post.fast_lane,
        "publish_at": post.publish_at,
        "submitted_at": post.submitted_at,
        "approved_at": post.approved_at,
        "version": post.version,
        "created_at": post.created_at,
    }


def _posts(request: HttpRequest, action: Action) -> object:
    who = caller(request)
    posts = Post.objects.filter(election=who.election)
    return visible_posts(posts, who.asker.grants, action).select_related("author")


def _find(request: HttpRequest, post_id: int, action: Action = Action.VIEW) -> Post:
    who = caller(request)
    post = (
        Post.objects.filter(election=who.election, pk=post_id)
        .select_related("author", "election")
        .prefetch_related("acs", "channels")
        .first()
    )
    if post is None:
        raise Http404
    who.reach(action, post_target(post))
    return post


@router.get(
    "/posts",
    response={200: list[PostOut], **ERRORS},
    openapi_extra=endpoint(Scope.POSTS_READ),
)
@paginate(Page)
def list_posts(request: HttpRequest, filters: Query[PostFilter]) -> list[dict[str, object]]:
    """Posts within reach, the most recently changed first."""
    caller(request).need(Scope.POSTS_READ, Action.VIEW)
    posts = _posts(request, Action.VIEW)
    if filters.state:
        posts = posts.filter(state=filters.state)  # type: ignore[attr-defined]
    if filters.desk:
        posts = posts.filter(desk_id=filters.desk)  # type: ignore[attr-defined]
    if filters.ac:
        posts = posts.filter(acs__number=filters.ac)  # type: ignore[attr-defined]
    if filters.since:
        posts = posts.filter(updated_at__gte=filters.since)  # type: ignore[attr-defined]
    rows = posts.prefetch_related("acs", "channels").order_by("-updated_at", "-pk")  # type: ignore[attr-defined]
    return Mapped(rows, _post)  # type: ignore[return-value]


@router.get(
    "/posts/{post_id}",
    response={200: PostOut, **ERRORS},
    openapi_extra=endpoint(Scope.POSTS_READ),
)
def get_post(request: HttpRequest, post_id: Id) -> dict[str, object]:
    caller(request).need(Scope.POSTS_READ, Action.VIEW)
    return _post(_find(request, post_id))


@router.post(
    "/posts",
    response={201: PostOut, **ERRORS},
    openapi_extra=endpoint(Scope.POSTS_WRITE),
)
def create_draft(request: HttpRequest, body: PostIn) -> Status:
    """Write a draft for a desk, as the member the token acts for. Checked like the composer:
    every problem is named by its field and nothing is saved."""
    who = caller(request)
    who.need(Scope.POSTS_WRITE, Action.DRAFT)
    desk = (
        Desk.objects.filter(election=who.election, pk=body.desk, is_active=True)
        .prefetch_related("acs")
        .first()
    )
    if desk is None:
        raise Http404
    who.reach(Action.DRAFT, desk_target(desk))
    unknown = set(body.variants) - set(body.channels)
    if unknown:
        raise ApiProblem(
            422,
            "invalid",
            _("Texts given for channels not chosen: %(ids)s.")
            % {"ids": ", ".join(map(str, sorted(unknown)))},
        )
    data = PostInput(
        title=body.title,
        variants={c: body.variants.get(c, "") for c in body.channels},
        text_hi=body.text_hi,
        text_en=body.text_en,
        ac_numbers=frozenset(body.acs) if body.acs is not None else None,
        talking_point_id=body.talking_point,
        paid_promotion=body.paid_promotion,
        mcmc_certificate=body.mcmc_certificate,
        fast_lane=body.fast_lane,
        claims=tuple((c.claim, c.source) for c in body.claims),
        publish_at=body.publish_at,
    )
    post = create_post(desk=desk, author=who.user, data=data, source_address=who.source_address)
    return Status(201, _post(_find(request, post.pk)))


@router.post(
    "/posts/{post_id}/submit",
    response={200: SubmitOut, **ERRORS},
    openapi_extra=endpoint(Scope.POSTS_WRITE),
)
def submit(request: HttpRequest, post_id: Id) -> dict[str, object]:
    """Send a draft for review, as its author would; the rules' warnings come back. Refused
    (409) when the post is not a draft or the member has not passed the core training."""
    who = caller(request)
    who.need(Scope.POSTS_WRITE, Action.DRAFT)
    post = _find(request, post_id, Action.DRAFT)
    warnings = submit_post(post=post, author=who.user, source_address=who.source_address)
    return {"post": _post(_find(request, post_id)), "warnings": [str(w) for w in warnings]}


@router.get(
    "/deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    openapi_extra=endpoint(Scope.DELIVERIES_READ),
)
@paginate(Page)
def list_deliveries(
    request: HttpRequest, filters: Query[DeliveryFilter]
) -> list[dict[str, object]]:
    """Deliveries of the posts within reach, the newest first."""
    caller(request).need(Scope.DELIVERIES_READ, Action.VIEW)
    deliveries = Delivery.objects.filter(post__in=_posts(request, Action.VIEW).values("pk"))  # type: ignore[attr-defined]
    if filters.state:
        deliveries = deliveries.filter(state=filters.state)
    if filters.post:
        deliveries = deliveries.filter(post_id=filters.post)
    if filters.channel:
        deliveries = deliveries.filter(channel_id=filters.channel)
    rows = deliveries.select_related("channel").order_by("-created_at", "-pk")
    return Mapped(rows, _delivery)  # type: ignore[return-value]


def _delivery(d: Delivery) -> dict[str, object]:
    return {
        "id": d.pk,
        "post_id": d.post_id,
        "channel_id": d.channel_id,
        "platform": d.channel.platform,
        "state": d.state,
        "due_at": d.due_at,
        "attempts": d.attempts,
        "finished_at": d.finished_at,
        "remote_url": d.remote_url,
        "reason": d.reason,
    }


@router.get(
    "/deliveries/{delivery_id}",
    response={200: DeliveryOut, **ERRORS},
    openapi_extra=endpoint(Scope.DELIVERIES_READ),
)
def get_delivery(request: HttpRequest, delivery_id: Id) -> dict[str, object]:
    who = caller(request)
    who.need(Scope.DELIVERIES_READ, Action.VIEW)
    delivery = (
        Delivery.objects.filter(post__election=who.election, pk=delivery_id)
        .select_related("channel", "post")
        .first()
    )
    if delivery is None:
        raise Http404
    who.reach(Action.VIEW, post_target(delivery.post))
    return _delivery(delivery)
