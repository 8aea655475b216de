"""Review: approve (step by step, four eyes), ask for changes, reject with a reason, comment;
and the escalation of reviews that wait past their deadline along the roster's chain."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itcell.accounts.models import User
from itcell.audit.services import record
from itcell.core import clock
from itcell.elections.models import Election
from itcell.notifications.models import Kind
from itcell.notifications.services import notify
from itcell.organisation import selectors as org
from itcell.publishing import approval, workflow
from itcell.publishing.errors import ReviewRefused, WorkflowError
from itcell.publishing.models import Post, Review
from itcell.publishing.screening import Checkpoint, screen
from itcell.publishing.selectors import (
    get_progress,
    post_target,
    review_deadline,
    reviewer_roles,
    step_started_at,
)
from itcell.publishing.services.notices import ask_reviewers, post_url, tell_author
from itcell.publishing.services.posts import lock
from itcell.publishing.services.scheduling import schedule_post
from itcell.publishing.workflow import Event, PostState


def _waiting_step(post: Post, reviewer: User) -> approval.Step:
    """The step ``reviewer`` may approve now, or ReviewRefused saying why not."""
    if post.state != PostState.IN_REVIEW:
        workflow.next_state(post.state, Event.APPROVE)  # raises the workflow's message
    if reviewer.pk == post.author_id:
        raise ReviewRefused(_("You wrote this post: someone else must approve it."))
    progress, _eligible = get_progress(post)
    step = progress.step
    if step is None:
        raise WorkflowError(_("This post is approved already."))
    grants = org.get_grants(user=reviewer, election=post.election)
    if not approval.may_approve(
        step=step, roles=reviewer_roles(grants=grants, target=post_target(post))
    ):
        raise ReviewRefused(
            _("This post waits for step %(step)d (%(roles)s): it is not yours to approve.")
            % {"step": step.position, "roles": ", ".join(sorted(r.label for r in step.roles))}
        )
    if reviewer.pk in progress.approved_by:
        raise ReviewRefused(_("You have already approved this step."))
    return step


@transaction.atomic
def approve_post(
    *, post: Post, reviewer: User, note: str = "", source_address: str | None = None
) -> Review:
    """Approve the waiting step. After the last step the post is screened again and
    approved; with a publishing time still ahead it is scheduled at once."""
    post = lock(post)
    step = _waiting_step(post, reviewer)
    review = Review.objects.create(
        post=post,
        round=post.round,
        step=step.position,
        reviewer=reviewer,
        decision=Review.Decision.APPROVE,
        note=note.strip(),
        at=clock.now(),
    )
    progress, _eligible = get_progress(post)
    after: dict[str, Any] = {"round": post.round, "step": step.position, "note": review.note}
    if progress.approved:
        warnings = screen(post=post, checkpoint=Checkpoint.APPROVE, at=clock.now())
        after["warnings"] = [str(w) for w in warnings]
        post.state = workflow.next_state(post.state, Event.APPROVE)
        post.approved_at = clock.now()
        post.save(update_fields=["state", "approved_at"])
        after["state"] = post.state
    record(
        actor=reviewer,
        action="post.approved" if progress.approved else "post.step_approved",
        obj=post,
        after=after,
        source_address=source_address,
    )
    if not progress.approved:
        ask_reviewers(post)
    elif post.publish_at is not None and post.publish_at > clock.now():
        schedule_post(post=post, at=post.publish_at, actor=reviewer)
    else:
        tell_author(post, gettext_lazy("approved: choose when to publish"))
    return review


@transaction.atomic
def request_changes(
    *, post: Post, reviewer: User, note: str, source_address: str | None = None
) -> Review:
    return _decide(post, reviewer, Event.REQUEST_CHANGES, note, source_address)


@transaction.atomic
def reject_post(
    *, post: Post, reviewer: User, reason: str, source_address: str | None = None
) -> Review:
    return _decide(post, reviewer, Event.REJECT, reason, source_address)


def _decide(
    post: Post, reviewer: User, event: Event, note: str, source_address: str | None
) -> Review:
    post = lock(post)
    if not note.strip():
        raise ReviewRefused(_("Say why, so the author knows what to do."))
    step = _waiting_step(post, reviewer)
    post.state = workflow.next_state(post.state, event)
    post.save(update_fields=["state"])
    decision = Review.Decision.REJECT if event == Event.REJECT else Review.Decision.REQUEST_CHANGES
    review = Review.objects.create(
        post=post,
        round=post.round,
        step=step.position,
        reviewer=reviewer,
        decision=decision,
        note=note.strip(),
        at=clock.now(),
    )
    record(
        actor=reviewer,
        action=f"post.{decision}",
        obj=post,
        after={"state": post.state, "round": post.round, "note": review.note},
        source_address=source_address,
    )
    tell_author(post, OUTCOMES[decision], review.note)
    return review


@transaction.atomic
def comment(*, post: Post, author: User, note: str, source_address: str | None = None) -> Review:
    if not note.strip():
        raise ReviewRefused(_("Write a comment first."))
    review = Review.objects.create(
        post=post,
        round=post.round,
        reviewer=author,
        decision=Review.Decision.COMMENT,
        note=note.strip(),
        at=clock.now(),
    )
    record(
        actor=author,
        action="post.commented",
        obj=post,
        after={"note": review.note},
        source_address=source_address,
    )
    return review


OUTCOMES = {
    Review.Decision.REJECT: gettext_lazy("rejected"),
    Review.Decision.REQUEST_CHANGES: gettext_lazy("changes asked"),
}


def escalate_reviews(*, election: Election) -> int:
    """Reviews waiting past their deadline go to the next approver on the roster's chain for
    the post's first constituency (desk leads on duty, district, then state-wide), one step
    further for every deadline missed. Returns how many people were told."""
    told = 0
    now = clock.now()
    for post in Post.objects.filter(election=election, state=PostState.IN_REVIEW).select_related(
        "election", "desk"
    ):
        deadline, started = review_deadline(post), step_started_at(post)
        ac = post.acs.order_by("number").first()
        if deadline is None or started is None or deadline > now or ac is None:
            continue
        on_duty = org.get_on_duty(election=election, ac_number=ac.number, at=now)
        chain = [u for u in on_duty.approvers if u.pk != post.author_id]
        approver = org.current_approver(chain=chain, requested_at=started, now=now)
        if approver is None:
            continue
        told += len(
            notify(
                recipients=[approver],
                kind=Kind.REVIEW_REQUEST,
                title=gettext_lazy("Overdue review"),
                body=post.title,
                url=post_url(post),
                dedupe_key=f"escalation:{post.pk}:{post.round}:{approver.pk}",
            )
        )
    return told
