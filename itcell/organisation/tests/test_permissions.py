"""Who may do what, where: the whole role × action × scope matrix, checked against a table
written out here by hand from the cell's policy (not computed from ``roles.MATRIX``), then
the same rules through real desks and grants."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from itcell.elections.models import Election
from itcell.organisation.models import Desk
from itcell.organisation.permissions import Grant, Target, allows
from itcell.organisation.roles import Action, Role
from itcell.organisation.selectors import access_desk, desk_target, get_grants
from itcell.organisation.services import grant_role, revoke_role, set_desk_active
from itcell.organisation.tests.factories import desk, person

# --- the policy, by hand ---------------------------------------------------------------------

EVERY_ACTION = {
    "view",
    "manage_desks",
    "manage_members",
    "manage_roster",
    "check_in",
    "write_handover",
    "acknowledge_handover",
    "draft",
    "approve",
    "pause_publishing",
    "manage_channels",
    "monitor",
    "train",
    "set_core_training",
    "edit_playbook",
    "view_audit",
    "override_finding",
    "keep_compliance",
    "manage_integrations",
}
SHIFT_WORK = {"view", "check_in", "write_handover", "acknowledge_handover"}

ALLOWED: dict[str, set[str]] = {
    "head": EVERY_ACTION,
    "spokesperson": {
        "view",
        "check_in",
        "write_handover",
        "acknowledge_handover",
        "draft",
        "approve",
        "pause_publishing",
        "monitor",
        "edit_playbook",
        "view_audit",
        "override_finding",
        "keep_compliance",
    },
    "desk_lead": SHIFT_WORK
    | {"manage_roster", "draft", "approve", "pause_publishing", "monitor", "keep_compliance"},
    "writer": SHIFT_WORK | {"draft"},
    "analyst": SHIFT_WORK | {"monitor"},
    "trainer": SHIFT_WORK | {"train"},
    "observer": {"view", "view_audit"},
}
STATE_WIDE = {"head", "spokesperson"}

# Desk ids and areas, shaped like Bihar: Kishanganj district (ACs 52–55) and its AC 52 desk;
# Purnia district (ACs 56–62) far from them; HQ covering all 243.
HQ, KISHANGANJ, BAHADURGANJ, PURNIA, KASBA = 1, 20, 52, 27, 58
AREA = {
    HQ: frozenset(range(1, 244)),
    KISHANGANJ: frozenset({52, 53, 54, 55}),
    BAHADURGANJ: frozenset({52}),
    PURNIA: frozenset(range(56, 63)),
    KASBA: frozenset({58}),
}
GRANT_DESKS = {"ac-desk": BAHADURGANJ, "district-desk": KISHANGANJ, "hq-desk": HQ}

# (scope name, inside the grant's scope?, the target for a grant at ``desk_id``)
SCOPES = {
    "own-desk": (True, lambda desk_id: Target(desk_id=desk_id, acs=AREA[desk_id])),
    "ac-in-area": (True, lambda desk_id: Target(acs=frozenset({52}))),
    "another-districts-ac": (False, lambda desk_id: Target(acs=frozenset({58}))),
    "another-desk": (False, lambda desk_id: Target(desk_id=PURNIA, acs=AREA[PURNIA])),
}


def expected(role: str, action: str, grant_desk: str, scope: str) -> bool:
    inside = SCOPES[scope][0]
    state_wide = role in STATE_WIDE or grant_desk == "hq-desk"
    return action in ALLOWED[role] and (inside or state_wide)


def test_the_hand_written_table_names_every_role_and_action() -> None:
    # A new role or action must be added to the table above before the matrix test trusts it.
    assert set(ALLOWED) == {r.value for r in Role}
    assert {a.value for a in Action} == EVERY_ACTION


CASES = [
    pytest.param(role, action, grant_desk, scope, id=f"{role}-{action}-{grant_desk}-{scope}")
    for role, action, grant_desk, scope in itertools.product(
        sorted(ALLOWED), sorted(EVERY_ACTION), GRANT_DESKS, SCOPES
    )
]


@pytest.mark.parametrize(("role", "action", "grant_desk", "scope"), CASES)
def test_matrix(role: str, action: str, grant_desk: str, scope: str) -> None:
    desk_id = GRANT_DESKS[grant_desk]
    grant = Grant(
        role=Role(role),
        desk_id=desk_id,
        desk_acs=AREA[desk_id],
        state_wide=grant_desk == "hq-desk",
    )
    target = SCOPES[scope][1](desk_id)
    assert allows([grant], Action(action), target) is expected(role, action, grant_desk, scope)


@pytest.mark.parametrize(
    ("role", "action"),
    [pytest.param(r, a, id=f"{r}-{a}") for r, a in itertools.product(ALLOWED, EVERY_ACTION)],
)
def test_anywhere_at_all_asks_the_role_only(role: str, action: str) -> None:
    grant = Grant(role=Role(role), desk_id=BAHADURGANJ, desk_acs=AREA[BAHADURGANJ])
    assert allows([grant], Action(action)) is (action in ALLOWED[role])


# --- scope edges -----------------------------------------------------------------------------


def test_hq_grant_is_state_wide_even_for_a_desk_with_no_area() -> None:
    anything = Target(desk_id=PURNIA, acs=frozenset())
    at_hq = Grant(role=Role.WRITER, desk_id=HQ, desk_acs=frozenset(), state_wide=True)
    not_hq = Grant(role=Role.WRITER, desk_id=KISHANGANJ, desk_acs=AREA[KISHANGANJ])
    assert allows([at_hq], Action.DRAFT, anything)
    assert not allows([not_hq], Action.DRAFT, anything)


def test_post_targeting_acs_partly_outside_the_area_is_outside_scope() -> None:
    lead = Grant(role=Role.DESK_LEAD, desk_id=KISHANGANJ, desk_acs=AREA[KISHANGANJ])
    assert allows([lead], Action.APPROVE, Target(acs=frozenset({52, 55})))
    assert not allows([lead], Action.APPROVE, Target(acs=frozenset({55, 56})))


def test_target_with_no_desk_and_no_acs_is_outside_a_local_scope() -> None:
    lead = Grant(role=Role.DESK_LEAD, desk_id=KISHANGANJ, desk_acs=AREA[KISHANGANJ])
    assert not allows([lead], Action.APPROVE, Target())


def test_district_lead_manages_roster_of_ac_desks_in_its_district_only() -> None:
    lead = Grant(role=Role.DESK_LEAD, desk_id=KISHANGANJ, desk_acs=AREA[KISHANGANJ])
    bahadurganj = Target(desk_id=BAHADURGANJ, acs=AREA[BAHADURGANJ])
    kasba = Target(desk_id=KASBA, acs=AREA[KASBA])
    assert allows([lead], Action.MANAGE_ROSTER, bahadurganj)
    assert not allows([lead], Action.MANAGE_ROSTER, kasba)


def test_ac_writer_cannot_act_on_its_district_desk() -> None:
    writer = Grant(role=Role.WRITER, desk_id=BAHADURGANJ, desk_acs=AREA[BAHADURGANJ])
    district = Target(desk_id=KISHANGANJ, acs=AREA[KISHANGANJ])
    for action in (Action.VIEW, Action.DRAFT, Action.CHECK_IN, Action.WRITE_HANDOVER):
        assert not allows([writer], action, district), action
    assert allows([writer], Action.DRAFT, Target(desk_id=BAHADURGANJ, acs=AREA[BAHADURGANJ]))


def test_any_one_grant_is_enough() -> None:
    writer_here = Grant(role=Role.WRITER, desk_id=BAHADURGANJ, desk_acs=AREA[BAHADURGANJ])
    lead_there = Grant(role=Role.DESK_LEAD, desk_id=PURNIA, desk_acs=AREA[PURNIA])
    kasba = Target(desk_id=KASBA, acs=AREA[KASBA])
    assert allows([writer_here, lead_there], Action.MANAGE_ROSTER, kasba)
    assert not allows([writer_here], Action.MANAGE_ROSTER, kasba)
    assert not allows([], Action.VIEW)


# --- the same, through real desks ------------------------------------------------------------


def test_district_lead_reaches_ac_desks_of_its_district_and_no_other(desks: Election) -> None:
    lead = person("lead.kishanganj", desk(desks, "KISHANGANJ"), Role.DESK_LEAD)
    grants = get_grants(user=lead, election=desks)
    assert allows(grants, Action.MANAGE_ROSTER, desk_target(desk(desks, 52)))
    assert allows(grants, Action.MANAGE_ROSTER, desk_target(desk(desks, 55)))
    assert not allows(grants, Action.MANAGE_ROSTER, desk_target(desk(desks, 58)))
    assert not allows(grants, Action.MANAGE_ROSTER, desk_target(desk(desks, "PURNIA")))
    assert not allows(grants, Action.MANAGE_ROSTER, desk_target(desk(desks, "hq")))


def test_ac_writer_cannot_reach_its_district_desk(desks: Election) -> None:
    writer = person("writer.bahadurganj", desk(desks, 52), Role.WRITER)
    grants = get_grants(user=writer, election=desks)
    assert allows(grants, Action.DRAFT, desk_target(desk(desks, 52)))
    assert not allows(grants, Action.VIEW, desk_target(desk(desks, "KISHANGANJ")))
    assert not allows(grants, Action.DRAFT, desk_target(desk(desks, 53)))


def test_grants_carry_the_desks_area_and_hq_is_state_wide(desks: Election) -> None:
    hq, district = desk(desks, "hq"), desk(desks, "KISHANGANJ")
    analyst = person("analyst", hq, Role.ANALYST)
    grant_role(user=analyst, desk=district, role=Role.TRAINER, actor=None)
    grants = sorted(get_grants(user=analyst, election=desks), key=lambda g: g.role)
    assert grants == [
        Grant(Role.ANALYST, hq.pk, frozenset(range(1, 244)), state_wide=True),
        Grant(Role.TRAINER, district.pk, frozenset({52, 53, 54, 55}), state_wide=False),
    ]


def test_revoked_roles_and_inactive_desks_give_no_grant(desks: Election) -> None:
    district = desk(desks, "KISHANGANJ")
    lead = person("lead", district, Role.DESK_LEAD)
    writer = person("writer", desk(desks, 52), Role.WRITER)
    head = person("head", desk(desks, "hq"), Role.HEAD)
    revoke_role(membership=writer.memberships.get(), actor=head)
    set_desk_active(desk=district, active=False, actor=head)
    assert get_grants(user=lead, election=desks) == []
    assert get_grants(user=writer, election=desks) == []


def test_access_desk_gives_the_same_404_for_missing_and_forbidden(desks: Election) -> None:
    lead = person("lead.kishanganj", desk(desks, "KISHANGANJ"), Role.DESK_LEAD)
    bahadurganj, kasba = desk(desks, 52), desk(desks, 58)
    found = access_desk(
        user=lead, election=desks, desk_id=bahadurganj.pk, action=Action.MANAGE_ROSTER
    )
    assert found == bahadurganj
    missing = Desk.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    for desk_id in (kasba.pk, missing):
        with pytest.raises(Http404) as raised:
            access_desk(user=lead, election=desks, desk_id=desk_id, action=Action.MANAGE_ROSTER)
        assert str(raised.value) == ""  # nothing that tells "forbidden" from "missing"
    # Seeing the desk is not managing it: a writer may view but not roster.
    writer = person("writer", bahadurganj, Role.WRITER)
    assert access_desk(user=writer, election=desks, desk_id=bahadurganj.pk) == bahadurganj
    with pytest.raises(Http404):
        access_desk(
            user=writer, election=desks, desk_id=bahadurganj.pk, action=Action.MANAGE_ROSTER
        )


def test_anonymous_visitor_has_no_grants(desks: Election) -> None:
    assert get_grants(user=AnonymousUser(), election=desks) == []  # type: ignore[arg-type]
