"""A post's life, as one pure state machine: ``next_state(state, event)``.

    draft ─submit─▶ in review ─approve─▶ approved ─schedule─▶ scheduled ─start─▶ publishing
      ▲               │   │                 │                    │                 ├─▶ published
      └──changes──────┘   └─reject─▶ rejected└──────edit─────────┴─▶ in review      └─▶ failed

Any edit after approval returns the post to review; a post being published cannot be edited,
only withdrawn. Withdrawn and rejected are final.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from itcell.publishing.errors import WorkflowError


class PostState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", pgettext_lazy("post state", "Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Event(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"  # the last required approval
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"
    START = "start"  # a delivery was claimed
    SUCCEED = "succeed"  # every delivery published
    FAIL = "fail"  # every delivery finished, one or more not published
    WITHDRAW = "withdraw"


S, E = PostState, Event
TRANSITIONS: dict[tuple[PostState, Event], PostState] = {
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
    (S.FAILED, E.START): S.PUBLISHING,  # the duty officer tries a failed delivery again
    (S.FAILED, E.SUCCEED): S.PUBLISHED,  # ...or confirms it was published after all
    (S.FAILED, E.WITHDRAW): S.WITHDRAWN,
}

#: A post in one of these states can still be changed (an edit after approval re-reviews).
EDITABLE = frozenset(state for (state, event) in TRANSITIONS if event == E.EDIT)
#: Posts waiting for a reviewer.
AWAITING_REVIEW = frozenset({S.IN_REVIEW})


def next_state(state: PostState | str, event: Event) -> PostState:
    try:
        return TRANSITIONS[(PostState(state), event)]
    except KeyError:
        raise WorkflowError(REFUSALS[event] % {"state": PostState(state).label}) from None


def allowed_events(state: PostState | str) -> set[Event]:
    return {event for (s, event) in TRANSITIONS if s == state}


#: What a person is told when ``event`` does not apply to a post in its state.
REFUSALS = {
    E.EDIT: _("This post is “%(state)s”: it can no longer be edited."),
    E.SUBMIT: _("This post is “%(state)s”: only a draft can be sent for review."),
    E.APPROVE: _("This post is “%(state)s”: only a post in review can be approved."),
    E.REQUEST_CHANGES: _("This post is “%(state)s”: changes can be asked only during review."),
    E.REJECT: _("This post is “%(state)s”: only a post in review can be rejected."),
    E.SCHEDULE: _("This post is “%(state)s”: only an approved post can be scheduled."),
    E.UNSCHEDULE: _("This post is “%(state)s”: it is not on the schedule."),
    E.START: _("This post is “%(state)s”: it is not to be published."),
    E.SUCCEED: _("This post is “%(state)s”: it is not being published."),
    E.FAIL: _("This post is “%(state)s”: it is not being published."),
    E.WITHDRAW: _("This post is “%(state)s”: there is nothing to withdraw."),
}
