"""A post's life as a pure state machine: every allowed step, and a readable refusal for
every other (no database)."""

import itertools

import pytest

from itcell.publishing.errors import WorkflowError
from itcell.publishing.workflow import (
    AWAITING_REVIEW,
    EDITABLE,
    REFUSALS,
    TRANSITIONS,
    Event,
    PostState,
    allowed_events,
    next_state,
)

S, E = PostState, Event

# The machine as the module's docstring draws it, written out again so a change to
# TRANSITIONS has to be made on purpose in two places.
EXPECTED: dict[tuple[PostState, Event], PostState] = {
    (S.DRAFT, E.EDIT): S.DRAFT,
    (S.DRAFT, E.SUBMIT): S.IN_REVIEW,
    (S.CHANGES_REQUESTED, E.EDIT): S.CHANGES_REQUESTED,
    (S.CHANGES_REQUESTED, E.SUBMIT): S.IN_REVIEW,
    (S.IN_REVIEW, E.EDIT): S.IN_REVIEW,
    (S.IN_REVIEW, E.APPROVE): S.APPROVED,
    (S.IN_REVIEW, E.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.IN_REVIEW, E.REJECT): S.REJECTED,
    (S.APPROVED, E.EDIT): S.IN_REVIEW,
    (S.APPROVED, E.SCHEDULE): S.SCHEDULED,
    (S.APPROVED, E.WITHDRAW): S.WITHDRAWN,
    (S.SCHEDULED, E.EDIT): S.IN_REVIEW,
    (S.SCHEDULED, E.SCHEDULE): S.SCHEDULED,
    (S.SCHEDULED, E.UNSCHEDULE): S.APPROVED,
    (S.SCHEDULED, E.START): S.PUBLISHING,
    (S.SCHEDULED, E.WITHDRAW): S.WITHDRAWN,
    (S.PUBLISHING, E.START): S.PUBLISHING,
    (S.PUBLISHING, E.SUCCEED): S.PUBLISHED,
    (S.PUBLISHING, E.FAIL): S.FAILED,
    (S.PUBLISHING, E.WITHDRAW): S.WITHDRAWN,
    (S.PUBLISHED, E.WITHDRAW): S.WITHDRAWN,
    (S.FAILED, E.START): S.PUBLISHING,
    (S.FAILED, E.SUCCEED): S.PUBLISHED,
    (S.FAILED, E.WITHDRAW): S.WITHDRAWN,
}
REFUSED = [pair for pair in itertools.product(PostState, Event) if pair not in EXPECTED]


def test_the_machine_is_the_one_drawn():
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize(
    ("state", "event", "after"),
    [pytest.param(s, e, after, id=f"{s}-{e}") for (s, e), after in EXPECTED.items()],
)
def test_allowed_step(state, event, after):
    assert next_state(state, event) == after
    assert next_state(state.value, event) == after  # as stored in the database


@pytest.mark.parametrize(
    ("state", "event"), [pytest.param(s, e, id=f"{s}-{e}") for s, e in REFUSED]
)
def test_every_other_step_is_refused_with_a_readable_message(state, event):
    with pytest.raises(WorkflowError) as refused:
        next_state(state, event)

    message = str(refused.value)
    assert message == REFUSALS[event] % {"state": state.label}
    assert message.startswith(f"This post is “{state.label}”: ")
    assert "%(" not in message
    assert "PostState" not in message
    assert "Event." not in message


def test_refusals_read_as_sentences():
    def refusal(state: PostState | str, event: Event) -> str:
        with pytest.raises(WorkflowError) as refused:
            next_state(state, event)
        return str(refused.value)

    assert (
        refusal(PostState.DRAFT, Event.APPROVE)
        == "This post is “Draft”: only a post in review can be approved."
    )
    assert (
        refusal("publishing", Event.EDIT)
        == "This post is “Publishing”: it can no longer be edited."
    )
    assert (
        refusal(PostState.IN_REVIEW, Event.SCHEDULE)
        == "This post is “In review”: only an approved post can be scheduled."
    )


@pytest.mark.parametrize("state", [S.REJECTED, S.WITHDRAWN])
def test_a_refusal_suggests_only_what_the_post_can_do(state):
    with pytest.raises(WorkflowError) as refused:
        next_state(state, Event.EDIT)

    assert "withdraw" not in str(refused.value)


def test_every_event_has_a_refusal():
    assert set(REFUSALS) == set(Event)


def test_editable_states_are_those_before_publishing_starts():
    assert (
        frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.IN_REVIEW, S.APPROVED, S.SCHEDULED}) == EDITABLE
    )


@pytest.mark.parametrize("state", sorted(set(PostState) - EDITABLE))
def test_a_post_being_published_or_finished_cannot_be_edited(state):
    with pytest.raises(WorkflowError):
        next_state(state, Event.EDIT)


@pytest.mark.parametrize("state", [S.APPROVED, S.SCHEDULED])
def test_an_edit_after_approval_returns_the_post_to_review(state):
    assert next_state(state, Event.EDIT) == S.IN_REVIEW


@pytest.mark.parametrize("state", [S.REJECTED, S.WITHDRAWN])
def test_rejected_and_withdrawn_are_final(state):
    assert allowed_events(state) == set()


def test_allowed_events_lists_what_a_state_may_do():
    assert allowed_events(S.DRAFT) == {E.EDIT, E.SUBMIT}
    assert allowed_events("in_review") == {E.EDIT, E.APPROVE, E.REQUEST_CHANGES, E.REJECT}
    assert allowed_events(S.PUBLISHED) == {E.WITHDRAW}


def test_only_posts_in_review_await_a_reviewer():
    assert frozenset({S.IN_REVIEW}) == AWAITING_REVIEW
