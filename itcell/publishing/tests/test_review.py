"""Review: four eyes always, steps in order ("any" or "all"), the fast lane, changes asked,
rejections with a reason, edits that re-open review, and escalation of overdue reviews."""

from datetime import timedelta

import pytest

from itcell.core import clock
from itcell.notifications.models import Notification
from itcell.organisation.roles import Role
from itcell.organisation.services import grant_role
from itcell.organisation.tests.factories import person
from itcell.publishing.errors import ReviewRefused, WorkflowError
from itcell.publishing.models import ApprovalPolicy, ApprovalStep, Review
from itcell.publishing.services.posts import edit_post, submit_post
from itcell.publishing.services.review import (
    approve_post,
    comment,
    escalate_reviews,
    reject_post,
    request_changes,
)
from itcell.publishing.tests.factories import post_input
from itcell.publishing.workflow import PostState

pytestmark = pytest.mark.django_db


def two_steps(cell, needs: str = ApprovalStep.Needs.ANY):  # type: ignore[no-untyped-def]
    """Bahadurganj's policy: its desk lead(s), then the spokesperson."""
    policy = ApprovalPolicy.objects.create(election=cell.election, desk=cell.desk)
    ApprovalStep.objects.create(policy=policy, position=1, role=Role.DESK_LEAD, needs=needs)
    ApprovalStep.objects.create(policy=policy, position=2, role=Role.SPOKESPERSON)


def in_review(cell, **changes):  # type: ignore[no-untyped-def]
    post = cell.draft(**changes)
    submit_post(post=post, author=cell.writer)
    post.refresh_from_db()
    return post


def inbox(user) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.url for n in Notification.objects.filter(recipient=user)]


def test_the_author_never_approves_their_own_post_even_as_a_desk_lead(cell):
    grant_role(user=cell.writer, desk=cell.desk, role=Role.DESK_LEAD, actor=None)
    post = in_review(cell)
    with pytest.raises(ReviewRefused, match="someone else must approve"):
        approve_post(post=post, reviewer=cell.writer)
    assert not Review.objects.exists()


def test_steps_go_in_order_desk_lead_then_spokesperson(cell):
    two_steps(cell)
    post = in_review(cell, publish_at=clock.now() + timedelta(hours=2))
    assert inbox(cell.lead)  # step 1 asks the lead only
    assert not inbox(cell.spokesperson)
    with pytest.raises(ReviewRefused, match="step 1"):
        approve_post(post=post, reviewer=cell.spokesperson)

    approve_post(post=post, reviewer=cell.lead)
    post.refresh_from_db()
    assert post.state == PostState.IN_REVIEW
    assert inbox(cell.spokesperson)  # now step 2 asks the spokesperson
    with pytest.raises(ReviewRefused, match="step 2"):
        approve_post(post=post, reviewer=cell.lead)

    approve_post(post=post, reviewer=cell.spokesperson)
    post.refresh_from_db()
    # Approved with a time ahead: scheduled at once, one delivery per channel.
    assert post.state == PostState.SCHEDULED
    assert post.deliveries.get().due_at == post.publish_at


def test_the_head_may_approve_any_step(cell):
    two_steps(cell)
    post = in_review(cell)
    approve_post(post=post, reviewer=cell.head)
    approve_post(post=post, reviewer=cell.spokesperson)
    post.refresh_from_db()
    assert post.state == PostState.APPROVED


def test_a_step_needing_all_waits_for_every_eligible_person(cell):
    two_steps(cell, needs=ApprovalStep.Needs.ALL)
    second = person("lead2", cell.desk, Role.DESK_LEAD)
    post = in_review(cell)
    approve_post(post=post, reviewer=cell.lead)
    with pytest.raises(ReviewRefused, match="step 1"):
        approve_post(post=post, reviewer=cell.spokesperson)  # still step 1: lead2 is missing
    with pytest.raises(ReviewRefused, match="already approved"):
        approve_post(post=post, reviewer=cell.lead)
    approve_post(post=post, reviewer=second)
    approve_post(post=post, reviewer=cell.spokesperson)
    post.refresh_from_db()
    assert post.state == PostState.APPROVED


def test_the_fast_lane_needs_one_approval_still_not_the_authors(cell):
    two_steps(cell)
    post = in_review(cell, fast_lane=True)
    approve_post(post=post, reviewer=cell.spokesperson)
    post.refresh_from_db()
    assert post.state == PostState.APPROVED


def test_changes_requested_then_resubmitted_starts_a_new_round(cell):
    two_steps(cell)
    post = in_review(cell)
    approve_post(post=post, reviewer=cell.lead)
    with pytest.raises(ReviewRefused, match="Say why"):
        request_changes(post=post, reviewer=cell.spokesperson, note="  ")
    request_changes(post=post, reviewer=cell.head, note="Add the helpline number")
    post.refresh_from_db()
    assert post.state == PostState.CHANGES_REQUESTED
    assert any(
        "Add the helpline" in n.body for n in Notification.objects.filter(recipient=cell.writer)
    )

    edit_post(post=post, editor=cell.writer, data=post_input(cell.channel, text_en="Call 1070."))
    submit_post(post=post, author=cell.writer)
    post.refresh_from_db()
    assert post.round == 2
    # The lead's approval was for round 1: step 1 waits again.
    with pytest.raises(ReviewRefused, match="step 1"):
        approve_post(post=post, reviewer=cell.spokesperson)


def test_an_edit_during_review_voids_the_approvals_so_far(cell):
    two_steps(cell)
    post = in_review(cell)
    approve_post(post=post, reviewer=cell.lead)
    edit_post(post=post, editor=cell.writer, data=post_input(cell.channel, title="Changed"))
    post.refresh_from_db()
    assert (post.state, post.round) == (PostState.IN_REVIEW, 2)
    with pytest.raises(ReviewRefused, match="step 1"):
        approve_post(post=post, reviewer=cell.spokesperson)


def test_rejection_needs_a_reason_and_is_final(cell):
    post = in_review(cell)
    with pytest.raises(ReviewRefused):
        reject_post(post=post, reviewer=cell.lead, reason="")
    reject_post(post=post, reviewer=cell.lead, reason="Wrong village named")
    post.refresh_from_db()
    assert post.state == PostState.REJECTED
    with pytest.raises(WorkflowError):
        submit_post(post=post, author=cell.writer)


def test_comments_do_not_count_as_approvals(cell):
    post = in_review(cell)
    comment(post=post, author=cell.lead, note="Looks fine, checking the figures")
    post.refresh_from_db()
    assert post.state == PostState.IN_REVIEW
    with pytest.raises(WorkflowError):
        approve_post(post=cell.draft(title="Draft"), reviewer=cell.lead)


def test_overdue_review_is_escalated_along_the_roster_chain(cell, settings):
    settings.ITCELL_APPROVAL_ESCALATION_MINUTES = 15
    post = in_review(cell)
    assert escalate_reviews(election=cell.election) == 0  # not yet due
    clock.set_now(post.submitted_at + timedelta(minutes=16))
    told = escalate_reviews(election=cell.election)
    assert told == 1
    overdue = Notification.objects.filter(title="Overdue review").get()
    assert overdue.recipient != cell.writer
    assert escalate_reviews(election=cell.election) == 0  # told once, until read
