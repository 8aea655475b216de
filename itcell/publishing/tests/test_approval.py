"""Who must approve a post, step by step (pure: no database). People are plain ids."""

from itcell.organisation.roles import APPROVER_ROLES, Role
from itcell.publishing.approval import ANY_APPROVER, Step, may_approve, progress

AUTHOR, LEAD, LEAD2, SPOKESPERSON, HEAD = 1, 2, 3, 4, 5
LEADS = Step(position=1, roles=frozenset({Role.DESK_LEAD}))
ALL_LEADS = Step(position=1, roles=frozenset({Role.DESK_LEAD}), needs_all=True)
SPOKES = Step(position=2, roles=frozenset({Role.SPOKESPERSON}))


def test_without_approvals_the_first_step_waits():
    result = progress(
        steps=[LEADS, SPOKES], approvals=[], eligible={1: frozenset({LEAD})}, author_id=AUTHOR
    )

    assert result.step == LEADS
    assert not result.approved
    assert result.approved_by == frozenset()


def test_any_step_needs_one_approval():
    result = progress(
        steps=[LEADS], approvals=[(1, LEAD)], eligible={1: frozenset({LEAD, LEAD2})}, author_id=1
    )

    assert result.approved
    assert result.step is None


def test_the_author_never_counts_even_when_eligible():
    # The author is a desk lead too: their own approval is ignored, at every step.
    result = progress(
        steps=[LEADS],
        approvals=[(1, AUTHOR)],
        eligible={1: frozenset({AUTHOR, LEAD})},
        author_id=AUTHOR,
    )

    assert result.step == LEADS
    assert result.approved_by == frozenset()


def test_the_author_never_counts_for_an_all_step():
    result = progress(
        steps=[ALL_LEADS],
        approvals=[(1, LEAD)],
        eligible={1: frozenset({AUTHOR, LEAD})},
        author_id=AUTHOR,
    )

    assert result.approved  # every eligible person but the author approved


def test_all_step_waits_for_every_eligible_person():
    eligible = {1: frozenset({LEAD, LEAD2})}

    one = progress(steps=[ALL_LEADS], approvals=[(1, LEAD)], eligible=eligible, author_id=AUTHOR)
    both = progress(
        steps=[ALL_LEADS], approvals=[(1, LEAD), (1, LEAD2)], eligible=eligible, author_id=AUTHOR
    )

    assert one.step == ALL_LEADS
    assert one.approved_by == frozenset({LEAD})
    assert one.waiting_for == frozenset({LEAD2})
    assert both.approved


def test_all_with_nobody_eligible_falls_back_to_any_one_approval():
    nobody = progress(steps=[ALL_LEADS], approvals=[], eligible={}, author_id=AUTHOR)
    head = progress(steps=[ALL_LEADS], approvals=[(1, HEAD)], eligible={}, author_id=AUTHOR)

    assert nobody.step == ALL_LEADS
    assert nobody.waiting_for == frozenset()
    assert head.approved


def test_all_where_only_the_author_is_eligible_falls_back_to_any_one_approval():
    result = progress(
        steps=[ALL_LEADS],
        approvals=[(1, AUTHOR)],
        eligible={1: frozenset({AUTHOR})},
        author_id=AUTHOR,
    )

    assert result.step == ALL_LEADS  # the author's own approval still does not count

    result = progress(
        steps=[ALL_LEADS],
        approvals=[(1, AUTHOR), (1, HEAD)],
        eligible={1: frozenset({AUTHOR})},
        author_id=AUTHOR,
    )
    assert result.approved


def test_steps_go_in_order():
    eligible = {1: frozenset({LEAD}), 2: frozenset({SPOKESPERSON})}

    first = progress(steps=[LEADS, SPOKES], approvals=[(1, LEAD)], eligible=eligible, author_id=1)
    early = progress(
        steps=[LEADS, SPOKES], approvals=[(2, SPOKESPERSON)], eligible=eligible, author_id=AUTHOR
    )
    done = progress(
        steps=[LEADS, SPOKES],
        approvals=[(1, LEAD), (2, SPOKESPERSON)],
        eligible=eligible,
        author_id=AUTHOR,
    )

    assert first.step == SPOKES
    assert first.approved_by == frozenset()  # the lead's approval was for step 1
    assert early.step == LEADS  # step 2's approval does not skip step 1
    assert done.approved


def test_one_person_may_approve_two_steps():
    # The head acts for both steps: four eyes are about the author, not about steps.
    result = progress(
        steps=[LEADS, SPOKES], approvals=[(1, HEAD), (2, HEAD)], eligible={}, author_id=AUTHOR
    )

    assert result.approved


def test_a_step_approves_with_the_role_it_names():
    assert may_approve(step=LEADS, roles=[Role.DESK_LEAD])
    assert may_approve(step=SPOKES, roles={Role.SPOKESPERSON, Role.WRITER})


def test_other_roles_may_not_approve_a_step():
    assert not may_approve(step=LEADS, roles=[Role.SPOKESPERSON])
    assert not may_approve(step=SPOKES, roles=[Role.DESK_LEAD, Role.WRITER])
    assert not may_approve(step=LEADS, roles=[Role.WRITER, Role.ANALYST, Role.OBSERVER])
    assert not may_approve(step=LEADS, roles=[])


def test_the_head_may_approve_any_step():
    for step in (LEADS, ALL_LEADS, SPOKES, *ANY_APPROVER):
        assert may_approve(step=step, roles=[Role.HEAD])


def test_without_a_policy_any_approver_approves_once():
    (step,) = ANY_APPROVER

    assert step.roles == APPROVER_ROLES
    assert not step.needs_all
    for role in APPROVER_ROLES:
        assert may_approve(step=step, roles=[role])
    assert not may_approve(step=step, roles=[Role.WRITER])
