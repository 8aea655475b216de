"""The compliance hook: a registered screener's blocking finding stops a submission or the
last approval with its rule's message and changes nothing; a warning lets the post through
and is kept in the audit trail."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from itcell.core import clock
from itcell.organisation.roles import Role
from itcell.organisation.tests.factories import audited
from itcell.publishing.errors import Blocked, WorkflowError
from itcell.publishing.models import ApprovalPolicy, ApprovalStep, Review
from itcell.publishing.screening import Checkpoint, Finding, screen, screeners
from itcell.publishing.services.posts import submit_post
from itcell.publishing.services.review import approve_post
from itcell.publishing.tests.factories import Cell
from itcell.publishing.workflow import PostState

pytestmark = pytest.mark.django_db
NOW = datetime(2020, 10, 20, 6, 30, tzinfo=UTC)
SILENCE = Finding("R-SIL-2", "Campaign silence in AC 52 until 18:00 IST: send it after that.")
CAUTION = Finding("R-MCC-4", "Names a rival candidate: check the claim's source.", blocking=False)


@dataclass
class Screener:
    """What the test's screener finds at each checkpoint, and every call it got."""

    finds: dict[Checkpoint, list[Finding]] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, **kwargs: Any) -> list[Finding]:
        self.calls.append(kwargs)
        return list(self.finds.get(kwargs["checkpoint"], []))


@pytest.fixture(autouse=True)
def now() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


@pytest.fixture
def screener() -> Iterator[Screener]:
    registered = Screener()
    screeners.register("test-screener")(registered)
    try:
        yield registered
    finally:
        screeners._items.pop("test-screener")


def test_a_blocking_finding_stops_the_submission_with_the_rules_message(cell: Cell, screener):
    screener.finds[Checkpoint.SUBMIT] = [SILENCE]
    post = cell.draft()

    with audited(), pytest.raises(Blocked) as blocked:
        submit_post(post=post, author=cell.writer)

    assert not isinstance(blocked.value, WorkflowError)
    assert blocked.value.findings == [SILENCE]
    assert str(blocked.value) == (
        "R-SIL-2: Campaign silence in AC 52 until 18:00 IST: send it after that."
    )
    post.refresh_from_db()
    assert (post.state, post.round, post.submitted_at) == (PostState.DRAFT, 0, None)


def test_the_screener_is_asked_at_submission_with_the_post_and_the_time(cell: Cell, screener):
    post = cell.draft()

    submit_post(post=post, author=cell.writer)

    assert len(screener.calls) == 1
    call = screener.calls[0]
    assert call["post"].pk == post.pk
    assert call["checkpoint"] == Checkpoint.SUBMIT
    assert call["channel"] is None
    assert call["at"] == NOW


def test_a_blocking_finding_stops_the_approval_and_records_nothing(cell: Cell, screener):
    post = cell.draft()
    submit_post(post=post, author=cell.writer)
    screener.finds[Checkpoint.APPROVE] = [SILENCE]

    with audited(), pytest.raises(Blocked, match="R-SIL-2: Campaign silence"):
        approve_post(post=post, reviewer=cell.lead)

    post.refresh_from_db()
    assert post.state == PostState.IN_REVIEW
    assert post.approved_at is None
    assert not Review.objects.filter(post=post).exists()


def test_only_the_last_approval_is_screened(cell: Cell, screener):
    policy = ApprovalPolicy.objects.create(election=cell.election, desk=cell.desk)
    ApprovalStep.objects.create(policy=policy, position=1, role=Role.DESK_LEAD)
    ApprovalStep.objects.create(policy=policy, position=2, role=Role.SPOKESPERSON)
    post = cell.draft()
    submit_post(post=post, author=cell.writer)
    screener.finds[Checkpoint.APPROVE] = [SILENCE]

    with audited("post.step_approved", "notification.created"):  # the spokesperson is asked
        approve_post(post=post, reviewer=cell.lead)  # step 1 of 2: not screened yet
    with audited(), pytest.raises(Blocked):
        approve_post(post=post, reviewer=cell.spokesperson)

    post.refresh_from_db()
    assert post.state == PostState.IN_REVIEW
    assert list(Review.objects.filter(post=post).values_list("step", "reviewer")) == [
        (1, cell.lead.pk)
    ]


def test_a_warning_lets_the_post_through_and_is_kept_in_the_audit_trail(cell: Cell, screener):
    screener.finds[Checkpoint.SUBMIT] = [CAUTION]
    post = cell.draft()

    with audited("post.submitted", "notification.created") as events:
        warnings = submit_post(post=post, author=cell.writer)

    assert warnings == [CAUTION]
    post.refresh_from_db()
    assert post.state == PostState.IN_REVIEW
    assert events[0].after["warnings"] == [
        "R-MCC-4: Names a rival candidate: check the claim's source."
    ]


def test_a_warning_with_a_blocking_finding_still_blocks(cell: Cell, screener):
    screener.finds[Checkpoint.SUBMIT] = [CAUTION, SILENCE]
    post = cell.draft()

    with pytest.raises(Blocked) as blocked:
        submit_post(post=post, author=cell.writer)

    assert blocked.value.findings == [SILENCE]  # the message names only what blocks


def test_a_warning_at_approval_does_not_stop_it(cell: Cell, screener):
    screener.finds[Checkpoint.APPROVE] = [CAUTION]
    post = cell.draft()
    submit_post(post=post, author=cell.writer)

    approve_post(post=post, reviewer=cell.lead)

    post.refresh_from_db()
    assert post.state == PostState.APPROVED


def test_screen_takes_its_screeners_as_an_argument(cell: Cell):
    post = cell.draft()

    def warn(**kwargs: Any) -> list[Finding]:
        return [CAUTION]

    assert screen(post=post, checkpoint=Checkpoint.SUBMIT, at=NOW, using=[warn]) == [CAUTION]
    assert screen(post=post, checkpoint=Checkpoint.SUBMIT, at=NOW, using=[]) == []
