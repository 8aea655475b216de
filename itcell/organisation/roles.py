"""Roles in the cell and what each may do. Pure: the single place that answers every
(role, action, desk scope) question; views, services and the API ask ``permissions.allows``.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    HEAD = "head"
    SPOKESPERSON = "spokesperson"
    DESK_LEAD = "desk_lead"
    WRITER = "writer"
    ANALYST = "analyst"
    TRAINER = "trainer"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.HEAD: _("Cell head"),
    Role.SPOKESPERSON: _("Spokesperson"),
    Role.DESK_LEAD: _("Desk lead"),
    Role.WRITER: _("Writer"),
    Role.ANALYST: _("Analyst"),
    Role.TRAINER: _("Trainer"),
    Role.OBSERVER: _("Observer"),
}

#: Roles whose approval counts for publishing (four eyes: never one's own post).
APPROVER_ROLES = frozenset({Role.HEAD, Role.SPOKESPERSON, Role.DESK_LEAD})
#: Roles that act for the whole state whatever desk they sit at.
STATE_WIDE_ROLES = frozenset({Role.HEAD, Role.SPOKESPERSON})


class Action(StrEnum):
    VIEW = "view"  # see the desk, its roster, its area's reference data
    MANAGE_DESKS = "manage_desks"  # create, rename, merge, deactivate desks
    MANAGE_MEMBERS = "manage_members"  # invite, import, give and take roles
    MANAGE_ROSTER = "manage_roster"  # assign shifts, apply templates
    CHECK_IN = "check_in"  # check in and out of one's own shift
    WRITE_HANDOVER = "write_handover"
    ACKNOWLEDGE_HANDOVER = "acknowledge_handover"
    DRAFT = "draft"  # write posts
    APPROVE = "approve"  # approve posts for publishing
    PAUSE_PUBLISHING = "pause_publishing"  # the "pause all" switch (a desk lead: their desk)
    MANAGE_CHANNELS = "manage_channels"  # add channels, set their credentials, pause them
    MONITOR = "monitor"  # work the monitoring feed and alerts
    TRAIN = "train"  # run training and workshops
    SET_CORE_TRAINING = "set_core_training"  # choose the modules a member passes before submitting
    EDIT_PLAYBOOK = "edit_playbook"  # review talking points; guidance, templates, the calendar
    VIEW_AUDIT = "view_audit"
    OVERRIDE_FINDING = "override_finding"  # let a compliance finding pass, with a reason
    KEEP_COMPLIANCE = "keep_compliance"  # MCMC applications, the ledger, takedowns, AI register
    MANAGE_INTEGRATIONS = "manage_integrations"  # API tokens and webhook subscriptions


_SHIFT_WORK = {Action.VIEW, Action.CHECK_IN, Action.WRITE_HANDOVER, Action.ACKNOWLEDGE_HANDOVER}

MATRIX: dict[Role, frozenset[Action]] = {
    Role.HEAD: frozenset(Action),
    Role.SPOKESPERSON: frozenset(
        _SHIFT_WORK
        | {
            Action.DRAFT,
            Action.APPROVE,
            Action.PAUSE_PUBLISHING,
            Action.MONITOR,
            Action.EDIT_PLAYBOOK,
            Action.VIEW_AUDIT,
            Action.OVERRIDE_FINDING,
            Action.KEEP_COMPLIANCE,
        }
    ),
    Role.DESK_LEAD: frozenset(
        _SHIFT_WORK
        | {
            Action.MANAGE_ROSTER,
            Action.DRAFT,
            Action.APPROVE,
            Action.PAUSE_PUBLISHING,
            Action.MONITOR,
            Action.KEEP_COMPLIANCE,
        }
    ),
    Role.WRITER: frozenset(_SHIFT_WORK | {Action.DRAFT}),
    Role.ANALYST: frozenset(_SHIFT_WORK | {Action.MONITOR}),
    Role.TRAINER: frozenset(_SHIFT_WORK | {Action.TRAIN}),
    Role.OBSERVER: frozenset({Action.VIEW, Action.VIEW_AUDIT}),
}


def matrix_markdown() -> str:
    """The matrix as the Markdown table in docs/permissions.md (a test keeps the two equal)."""
    roles = list(Role)
    lines = [
        "| action | " + " | ".join(r.value for r in roles) + " |",
        "| --- |" + " :-: |" * len(roles),
    ]
    for action in Action:
        marks = " | ".join("✓" if action in MATRIX[r] else "" for r in roles)
        lines.append(f"| `{action.value}` | {marks} |")
    return "\n".join(lines)
