"""Who must approve a post, step by step. Pure: takes the steps, who approved what this round
and who is eligible, and says which step waits and whether the post is approved.

Four eyes always: the author never counts, at any step. A step that needs "all" needs every
eligible person (the author excepted); when no one is eligible it needs any one approver
who may act for it (the head may act for any step, so a post never deadlocks).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from itcell.organisation.roles import APPROVER_ROLES, Role


@dataclass(frozen=True)
class Step:
    position: int
    roles: frozenset[Role]
    needs_all: bool = False


#: Without a policy, and for the rapid-response fast lane: one approval by any approver.
ANY_APPROVER = (Step(position=1, roles=frozenset(APPROVER_ROLES)),)


@dataclass(frozen=True)
class Progress:
    step: Step | None  # the step waiting for approval; None once approved
    approved_by: frozenset[int]  # who approved the waiting step so far
    waiting_for: frozenset[int]  # for an "all" step: eligible people yet to approve

    @property
    def approved(self) -> bool:
        return self.step is None


def progress(
    *,
    steps: Iterable[Step],
    approvals: Iterable[tuple[int, int]],
    eligible: Mapping[int, frozenset[int]],
    author_id: int,
) -> Progress:
    """``approvals`` are (step position, reviewer id) of this round; ``eligible`` maps a step
    position to the people who may approve it."""
    given: dict[int, set[int]] = {}
    for position, reviewer_id in approvals:
        if reviewer_id != author_id:
            given.setdefault(position, set()).add(reviewer_id)
    for step in steps:
        done = frozenset(given.get(step.position, set()))
        people = eligible.get(step.position, frozenset()) - {author_id}
        if step.needs_all and people:
            waiting = people - done
            if waiting:
                return Progress(step, done, frozenset(waiting))
        elif not done:
            return Progress(step, done, frozenset())
    return Progress(None, frozenset(), frozenset())


def may_approve(*, step: Step, roles: Iterable[Role]) -> bool:
    """Whether someone holding ``roles`` (within the post's scope) may approve ``step``."""
    held = set(roles)
    return bool(held & step.roles) or Role.HEAD in held
