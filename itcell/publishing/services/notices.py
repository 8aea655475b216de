"""Who publishing tells what: reviewers when a post waits for them, the author when it is
decided, the desk's leads and the cell's head when a delivery needs a person."""

from django.db.models import Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from itcell.accounts.models import User
from itcell.notifications.models import Kind
from itcell.notifications.services import notify
from itcell.organisation.models import Membership
from itcell.organisation.roles import Role
from itcell.publishing.models import Delivery, Post
from itcell.publishing.selectors import get_progress


def post_url(post: Post) -> str:
    return reverse("publishing:post", args=[post.election.slug, post.pk])


def ask_reviewers(post: Post) -> None:
    """Tell the people who may approve the waiting step (not those who already did)."""
    progress, eligible = get_progress(post)
    if progress.step is None:
        return
    people = [
        u
        for u in eligible.get(progress.step.position, [])
        if u.pk != post.author_id and u.pk not in progress.approved_by
    ]
    notify(
        recipients=people,
        kind=Kind.REVIEW_REQUEST,
        title=format_lazy(_("Review: {title}"), title=post.title),
        body=format_lazy(
            _("{desk} asks for your approval (step {step})."),
            desk=post.desk.name_en,
            step=progress.step.position,
        ),
        url=post_url(post),
        dedupe_key=f"review:{post.pk}:{post.round}:{progress.step.position}",
    )


def tell_author(post: Post, what: Promise, note: str = "") -> None:
    """``what`` happened to the author's post (lazy: they read it in their language)."""
    notify(
        recipients=[post.author],
        kind=Kind.REVIEW_REQUEST,
        title=format_lazy(_("{title}: {what}"), title=post.title, what=what),
        body=note,
        url=post_url(post),
    )


def people_for(post: Post) -> list[User]:
    """The author, the desk's leads and the cell's heads: who fixes a delivery problem."""
    leads = Membership.objects.filter(
        Q(role=Role.HEAD, desk__election_id=post.election_id)
        | Q(role=Role.DESK_LEAD, desk_id=post.desk_id),
        is_active=True,
    ).select_related("user")
    return [post.author, *(m.user for m in leads)]


def tell_delivery_problem(delivery: Delivery) -> None:
    post = delivery.post
    notify(
        recipients=people_for(post),
        kind=Kind.DELIVERY,
        title=format_lazy(
            _("{channel}: {state} — {title}"),
            channel=str(delivery.channel),
            state=delivery.get_state_display(),
            title=post.title,
        ),
        body=delivery.get_reason_display(),
        url=post_url(post),
        dedupe_key=f"delivery:{delivery.pk}:{delivery.state}",
    )


def tell_volunteers(delivery: Delivery, user_ids: list[int]) -> None:
    post = delivery.post
    notify(
        recipients=User.objects.filter(pk__in=user_ids),
        kind=Kind.SYSTEM,
        title=format_lazy(_("To share by hand: {title}"), title=post.title),
        body=format_lazy(_("On {channel}, from your own account."), channel=str(delivery.channel)),
        url=reverse("publishing:tasks", args=[post.election.slug]),
        dedupe_key=f"share:{delivery.pk}",
    )
