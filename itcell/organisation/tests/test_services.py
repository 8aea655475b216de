"""Every write to the organisation: desks, roles, the roster, check-in, handovers and
invitations. Each refused input says what is wrong and saves nothing; each accepted one
leaves an audit event."""

import hashlib
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest

from itcell.accounts.models import User
from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.elections.models import AssemblyConstituency, District, Election
from itcell.elections.services import create_or_shift_exercise
from itcell.organisation.errors import InvitationError, RosterError
from itcell.organisation.models import Desk, Handover, Invitation, Membership, Shift, ShiftTemplate
from itcell.organisation.roles import Role
from itcell.organisation.selectors import get_grants
from itcell.organisation.services import (
    DeskCounts,
    accept_invitation,
    acknowledge_handover,
    apply_template,
    assign_shift,
    check_in,
    check_out,
    create_desks,
    find_invitation,
    grant_role,
    invite,
    merge_desks,
    remove_shift,
    rename_desk,
    revoke_role,
    set_desk_active,
    write_handover,
)
from itcell.organisation.tests.factories import PASSWORD, audited, desk, ist, person, shift

KISHANGANJ_ACS = [52, 53, 54, 55]


@pytest.fixture
def head(desks: Election) -> User:
    return person("head", desk(desks, "hq"), Role.HEAD)


def area(d: Desk) -> list[int]:
    return sorted(d.acs.values_list("number", flat=True))


def snapshot() -> dict[str, list[dict[str, object]]]:
    """Every row a roster, desk or membership write touches, so 'nothing saved' also catches
    updates."""
    return {
        "desks": list(Desk.objects.order_by("pk").values()),
        "areas": list(Desk.acs.through.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "shifts": list(Shift.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "invitations": list(Invitation.objects.order_by("pk").values()),
        "handovers": list(Handover.objects.order_by("pk").values()),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    }


def refused(call: Callable[[], object], error: type[Exception] = RosterError) -> Exception:
    """Runs ``call``, which must raise ``error`` and change nothing; returns the error."""
    before = snapshot()
    with pytest.raises(error) as raised:
        call()
    assert snapshot() == before
    return raised.value


# --- create_desks ----------------------------------------------------------------------------


def test_create_desks_gives_hq_a_desk_per_district_and_one_per_constituency(
    bihar: Election,
) -> None:
    with audited("desks.created") as events:
        counts = create_desks(election=bihar)
    assert counts == DeskCounts(created=282, existing=0)
    assert Desk.objects.filter(election=bihar).count() == 1 + 38 + 243
    kinds = {k: Desk.objects.filter(election=bihar, kind=k).count() for k in Desk.Kind}
    assert kinds == {Desk.Kind.HQ: 1, Desk.Kind.DISTRICT: 38, Desk.Kind.AC: 243}
    assert events[0].after == {"created": 282, "total": 282}
    assert all(d.is_active for d in Desk.objects.filter(election=bihar))


def test_create_desks_twice_creates_nothing_more(desks: Election) -> None:
    with audited():
        counts = create_desks(election=desks)
    assert counts == DeskCounts(created=0, existing=282)
    assert Desk.objects.filter(election=desks).count() == 282


def test_create_desks_recreates_only_the_missing_ones(desks: Election) -> None:
    desk(desks, 52).delete()
    desk(desks, "PURNIA").delete()
    with audited("desks.created"):
        counts = create_desks(election=desks)
    assert counts == DeskCounts(created=2, existing=280)
    assert area(desk(desks, 52)) == [52]
    assert area(desk(desks, "PURNIA")) == list(range(56, 63))


def test_desk_areas(desks: Election) -> None:
    hq = desk(desks, "hq")
    assert (hq.name_en, hq.district) == ("HQ", None)
    assert area(hq) == list(range(1, 244))

    kishanganj = desk(desks, "KISHANGANJ")
    assert (kishanganj.name_en, kishanganj.name_hi) == ("Kishanganj", "किशनगंज")
    assert area(kishanganj) == KISHANGANJ_ACS

    bahadurganj = desk(desks, 52)
    assert bahadurganj.name_en == "52 Bahadurganj"
    assert bahadurganj.name_hi.startswith("52 ")
    assert len(bahadurganj.name_hi) > 3
    assert bahadurganj.district.eci_name == "KISHANGANJ"
    assert area(bahadurganj) == [52]


def test_every_district_desk_covers_its_district_and_every_ac_has_one_ac_desk(
    desks: Election,
) -> None:
    for district in District.objects.filter(state=desks.state):
        expected = sorted(district.acs.values_list("number", flat=True))
        assert area(desk(desks, district.eci_name)) == expected, district
    for ac in AssemblyConstituency.objects.filter(state=desks.state):
        ac_desks = Desk.objects.filter(election=desks, kind=Desk.Kind.AC, acs=ac)
        assert [area(d) for d in ac_desks] == [[ac.number]], ac


# --- rename, merge, deactivate ---------------------------------------------------------------


def test_rename_desk(desks: Election, head: User) -> None:
    bahadurganj = desk(desks, 52)
    with audited("desk.renamed") as events:
        rename_desk(desk=bahadurganj, name_en="  Bahadurganj war room ", name_hi="", actor=head)
    bahadurganj.refresh_from_db()
    assert bahadurganj.name_en == "Bahadurganj war room"
    assert events[0].before["name_en"] == "52 Bahadurganj"
    assert events[0].after["name_en"] == "Bahadurganj war room"
    assert events[0].actor == head


def test_rename_desk_to_nothing_is_refused(desks: Election, head: User) -> None:
    bahadurganj = desk(desks, 52)
    error = refused(lambda: rename_desk(desk=bahadurganj, name_en="   ", actor=head))
    assert "needs a name" in str(error)
    assert error.problems[0].field == "name_en"


def test_merge_moves_area_and_members_and_keeps_history(desks: Election, head: User) -> None:
    into, d53, d54 = desk(desks, 52), desk(desks, 53), desk(desks, 54)
    writer53 = person("writer53", d53, Role.WRITER)
    lead54 = person("lead54", d54, Role.DESK_LEAD)
    gone = person("gone", d54, Role.ANALYST)
    revoke_role(membership=gone.memberships.get(), actor=head)
    old_shift = shift(d53, writer53, ist(2020, 10, 20, 8), ist(2020, 10, 20, 16))

    with audited("desks.merged") as events:
        merge_desks(into=into, desks=[d53, d54, into], actor=head)

    assert events[0].after == {"merged": [d53.pk, d54.pk]}
    assert area(into) == [52, 53, 54]
    for merged, number in ((d53, 53), (d54, 54)):
        merged.refresh_from_db()
        assert (merged.is_active, merged.merged_into) == (False, into)
        assert area(merged) == [number]  # what it covered is kept
    into.refresh_from_db()
    assert into.is_active
    # Members moved: active roles now also held at the surviving desk; revoked ones are not.
    assert set(into.memberships.filter(is_active=True).values_list("user__username", "role")) == {
        ("writer53", Role.WRITER),
        ("lead54", Role.DESK_LEAD),
    }
    assert not gone.memberships.filter(desk=into).exists()
    # History kept: the old membership and shift still point at the old desk.
    assert writer53.memberships.filter(desk=d53).exists()
    assert Shift.objects.get(pk=old_shift.pk).desk == d53
    # The moved writer now works for all three constituencies.
    [grant] = get_grants(user=writer53, election=desks)
    assert (grant.desk_id, grant.desk_acs) == (into.pk, frozenset({52, 53, 54}))
    assert grant.role == Role.WRITER
    assert lead54.memberships.filter(desk=into, role=Role.DESK_LEAD, is_active=True).exists()


def test_merge_restores_a_revoked_role_at_the_surviving_desk(desks: Election, head: User) -> None:
    into, d53 = desk(desks, 52), desk(desks, 53)
    writer = person("writer", into, Role.WRITER)
    revoke_role(membership=writer.memberships.get(desk=into), actor=head)
    grant_role(user=writer, desk=d53, role=Role.WRITER, actor=head)

    merge_desks(into=into, desks=[d53], actor=head)

    assert writer.memberships.get(desk=into, role=Role.WRITER).is_active
    assert [g.desk_id for g in get_grants(user=writer, election=desks)] == [into.pk]


@pytest.mark.parametrize(
    "merged",
    [
        pytest.param(["hq"], id="hq-alone"),
        pytest.param([53, "hq"], id="hq-after-a-good-desk"),
    ],
)
def test_hq_cannot_be_merged(desks: Election, head: User, merged: list[str | int]) -> None:
    into = desk(desks, "KISHANGANJ")
    others = [desk(desks, where) for where in merged]
    error = refused(lambda: merge_desks(into=into, desks=others, actor=head))
    assert "other than HQ" in str(error)


def test_desks_of_another_election_cannot_be_merged(desks: Election, head: User) -> None:
    exercise = create_or_shift_exercise(source=desks, first_poll_on=date(2025, 10, 6))
    create_desks(election=exercise)
    into, other = desk(desks, 52), desk(exercise, 53)
    error = refused(lambda: merge_desks(into=into, desks=[other], actor=head))
    assert "same election" in str(error)


def test_hq_cannot_be_deactivated(desks: Election, head: User) -> None:
    hq = desk(desks, "hq")
    error = refused(lambda: set_desk_active(desk=hq, active=False, actor=head))
    assert "HQ cannot be deactivated" in str(error)


def test_deactivate_and_reactivate_a_desk(desks: Election, head: User) -> None:
    purnia = desk(desks, "PURNIA")
    with audited("desk.deactivated", "desk.activated") as events:
        set_desk_active(desk=purnia, active=False, actor=head)
        purnia.refresh_from_db()
        assert not purnia.is_active
        set_desk_active(desk=purnia, active=True, actor=head)
    purnia.refresh_from_db()
    assert purnia.is_active
    assert (events[0].before, events[0].after) == ({"is_active": True}, {"is_active": False})


# --- roles -----------------------------------------------------------------------------------


def test_grant_and_revoke_roles(desks: Election, head: User) -> None:
    writer = person("writer")
    bahadurganj = desk(desks, 52)
    with audited("membership.granted"):
        membership = grant_role(user=writer, desk=bahadurganj, role=Role.WRITER, actor=head)
    with audited():  # granting it again changes nothing
        assert grant_role(user=writer, desk=bahadurganj, role=Role.WRITER, actor=head) == membership
    with audited("membership.revoked"):
        revoke_role(membership=membership, actor=head)
    with audited():
        revoke_role(membership=membership, actor=head)
    assert get_grants(user=writer, election=desks) == []
    with audited("membership.granted"):
        again = grant_role(user=writer, desk=bahadurganj, role=Role.WRITER, actor=head)
    assert again.pk == membership.pk
    assert again.is_active
    assert Membership.objects.filter(user=writer).count() == 1


# --- the roster ------------------------------------------------------------------------------

DAY = (2020, 10, 27)


def at(hour: int, minute: int = 0, *, day: int = 0) -> datetime:
    return ist(*DAY, hour, minute) + timedelta(days=day)


@pytest.fixture
def writer(desks: Election) -> User:
    """A writer at Bahadurganj (AC 52) and an analyst at HQ, with a shift at 08:00–14:00."""
    user = person("writer", desk(desks, 52), Role.WRITER)
    grant_role(user=user, desk=desk(desks, "hq"), role=Role.ANALYST, actor=None)
    shift(desk(desks, 52), user, at(8), at(14))
    return user


def test_assign_shift(desks: Election, writer: User, head: User) -> None:
    bahadurganj = desk(desks, 52)
    with audited("shift.assigned") as events:
        assigned = assign_shift(
            desk=bahadurganj, user=writer, starts_at=at(14), ends_at=at(22), actor=head
        )
    saved = Shift.objects.get(pk=assigned.pk)
    assert (saved.desk, saved.user, saved.starts_at, saved.ends_at) == (
        bahadurganj,
        writer,
        at(14),
        at(22),
    )
    assert events[0].actor == head
    assert events[0].after["user"] == "writer"


@pytest.mark.parametrize(
    ("where", "start", "end", "field", "message"),
    [
        pytest.param(
            52,
            at(13, 59),
            at(18),
            "starts_at",
            "Writer is already on duty at 52 Bahadurganj from 27 Oct 08:00 to 27 Oct 14:00.",
            id="overlapping-by-one-minute-same-desk",
        ),
        pytest.param(
            "hq",
            at(10),
            at(12),
            "starts_at",
            "Writer is already on duty at 52 Bahadurganj from 27 Oct 08:00 to 27 Oct 14:00.",
            id="overlapping-at-another-desk",
        ),
        pytest.param(
            52,
            at(6),
            at(20),
            "starts_at",
            "already on duty",
            id="wrapping-around-an-existing-shift",
        ),
        pytest.param(
            52, at(20), at(16), "ends_at", "A shift must end after it starts.", id="end-before"
        ),
        pytest.param(
            52, at(20), at(20), "ends_at", "A shift must end after it starts.", id="zero-length"
        ),
        pytest.param(
            52,
            at(14),
            at(6, 1, day=1),
            "ends_at",
            "A shift cannot be longer than 16 hours.",
            id="longer-than-16-hours",
        ),
        pytest.param(
            53,
            at(14),
            at(22),
            "user",
            "Writer has no role at 53 Thakurganj: give them one before rostering them there.",
            id="desk-without-a-role-there",
        ),
        pytest.param(
            "KISHANGANJ",
            at(14),
            at(22),
            "user",
            "Writer has no role at Kishanganj",
            id="district-desk-of-own-ac-desk",
        ),
    ],
)
def test_bad_shift_is_refused_and_nothing_saved(
    desks: Election,
    writer: User,
    where: str | int,
    start: datetime,
    end: datetime,
    field: str,
    message: str,
) -> None:
    target = desk(desks, where)
    error = refused(
        lambda: assign_shift(desk=target, user=writer, starts_at=start, ends_at=end, actor=None)
    )
    assert isinstance(error, RosterError)
    assert [p.field for p in error.problems] == [field]
    assert message in error.problems[0].message


def test_shift_at_a_desk_whose_role_was_revoked_is_refused(desks: Election, writer: User) -> None:
    revoke_role(membership=writer.memberships.get(role=Role.WRITER), actor=None)
    error = refused(lambda: shift(desk(desks, 52), writer, at(14), at(22)))
    assert "has no role at 52 Bahadurganj" in str(error)


def test_back_to_back_shifts_are_allowed(desks: Election, writer: User) -> None:
    shift(desk(desks, "hq"), writer, at(14), at(22))
    shift(desk(desks, 52), writer, at(6), at(8))
    assert list(writer.shifts.values_list("starts_at", flat=True)) == [at(6), at(8), at(14)]


def test_remove_shift(desks: Election, writer: User, head: User) -> None:
    existing = writer.shifts.get()
    with audited("shift.removed") as events:
        remove_shift(shift=existing, actor=head)
    assert not Shift.objects.filter(pk=existing.pk).exists()
    assert datetime.fromisoformat(events[0].before["starts_at"]) == at(8)


@pytest.fixture
def three_eights() -> ShiftTemplate:
    return ShiftTemplate.objects.create(name="3 × 8 h", first_start=time(6), shift_hours=8)


def test_apply_template_rotates_people_through_the_slots(
    desks: Election, three_eights: ShiftTemplate
) -> None:
    purnia = desk(desks, "PURNIA")
    asha = person("asha", purnia, Role.WRITER)
    ravi = person("ravi", purnia, Role.ANALYST)
    with audited(*["shift.assigned"] * 6):
        shifts = apply_template(
            desk=purnia,
            template=three_eights,
            people=[asha, ravi],
            first_day=date(*DAY),
            days=2,
            actor=None,
        )
    assert [(s.user.username, s.starts_at, s.ends_at) for s in shifts] == [
        ("asha", at(6), at(14)),
        ("ravi", at(14), at(22)),
        ("asha", at(22), at(6, day=1)),
        ("ravi", at(6, day=1), at(14, day=1)),
        ("asha", at(14, day=1), at(22, day=1)),
        ("ravi", at(22, day=1), at(6, day=2)),
    ]
    assert Shift.objects.filter(desk=purnia).count() == 6


def test_apply_template_with_one_clash_saves_none(
    desks: Election, three_eights: ShiftTemplate
) -> None:
    purnia = desk(desks, "PURNIA")
    asha = person("asha", purnia, Role.WRITER)
    ravi = person("ravi", purnia, Role.ANALYST)
    shift(purnia, ravi, at(10, day=1), at(12, day=1))  # inside his fourth slot
    error = refused(
        lambda: apply_template(
            desk=purnia,
            template=three_eights,
            people=[asha, ravi],
            first_day=date(*DAY),
            days=2,
            actor=None,
        )
    )
    assert [p.message for p in error.problems] == [
        "Ravi is already on duty at Purnia from 28 Oct 10:00 to 28 Oct 12:00."
    ]
    assert Shift.objects.filter(desk=purnia).count() == 1


def test_apply_template_with_someone_without_a_role_saves_none(
    desks: Election, three_eights: ShiftTemplate
) -> None:
    purnia = desk(desks, "PURNIA")
    asha = person("asha", purnia, Role.WRITER)
    outsider = person("outsider", desk(desks, 52), Role.WRITER)
    error = refused(
        lambda: apply_template(
            desk=purnia,
            template=three_eights,
            people=[asha, outsider],
            first_day=date(*DAY),
            days=1,
            actor=None,
        )
    )
    assert {p.field for p in error.problems} == {"user"}
    assert len(error.problems) == 1  # one slot of three is the outsider's


def test_apply_template_needs_people(desks: Election, three_eights: ShiftTemplate) -> None:
    error = refused(
        lambda: apply_template(
            desk=desk(desks, 52),
            template=three_eights,
            people=[],
            first_day=date(*DAY),
            days=1,
            actor=None,
        )
    )
    assert "at least one person" in str(error)


# --- check-in and check-out ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        pytest.param(at(7, 29), False, id="31-minutes-early"),
        pytest.param(at(7, 30), True, id="30-minutes-early"),
        pytest.param(at(8), True, id="at-the-start"),
        pytest.param(at(13, 59), True, id="last-minute"),
        pytest.param(at(14), False, id="at-the-end"),
        pytest.param(at(20), False, id="long-after"),
    ],
)
def test_check_in_window(writer: User, now: datetime, allowed: bool) -> None:
    own = writer.shifts.get()
    with clock.frozen(now):
        if allowed:
            with audited("shift.checked_in"):
                check_in(shift=own, user=writer)
            assert Shift.objects.get(pk=own.pk).checked_in_at == now
        else:
            error = refused(lambda: check_in(shift=own, user=writer))
            assert "30 minutes before" in str(error)


def test_check_in_to_someone_elses_shift_is_refused(desks: Election, writer: User) -> None:
    other = person("other", desk(desks, 52), Role.WRITER)
    with clock.frozen(at(9)):
        error = refused(lambda: check_in(shift=writer.shifts.get(), user=other))
    assert "your own shifts only" in str(error)


def test_check_in_twice_keeps_the_first_time(writer: User) -> None:
    own = writer.shifts.get()
    with clock.frozen(at(7, 45)):
        check_in(shift=own, user=writer)
    with clock.frozen(at(9)), audited():
        check_in(shift=Shift.objects.get(pk=own.pk), user=writer)
    assert Shift.objects.get(pk=own.pk).checked_in_at == at(7, 45)


def test_check_out(desks: Election, writer: User) -> None:
    own = writer.shifts.get()
    other = person("other", desk(desks, 52), Role.WRITER)
    with clock.frozen(at(9)):
        error = refused(lambda: check_out(shift=own, user=writer))
        assert "Check in before you check out" in str(error)
        check_in(shift=own, user=writer)
        error = refused(lambda: check_out(shift=own, user=other))
        assert "your own shifts only" in str(error)
    with clock.frozen(at(13)), audited("shift.checked_out"):
        check_out(shift=own, user=writer)
    assert Shift.objects.get(pk=own.pk).checked_out_at == at(13)


# --- handovers -------------------------------------------------------------------------------


def test_handover_is_acknowledged_by_someone_other_than_its_author(
    desks: Election, writer: User
) -> None:
    bahadurganj = desk(desks, 52)
    night = person("night", bahadurganj, Role.WRITER)
    lead = person("lead", bahadurganj, Role.DESK_LEAD)
    with clock.frozen(at(14)), audited("handover.written"):
        handover = write_handover(
            desk=bahadurganj,
            author=writer,
            pending_items="Reply to the flood post",
            open_alerts="",
            notes="",
        )
    assert (handover.desk, handover.written_by, handover.written_at) == (
        bahadurganj,
        writer,
        at(14),
    )

    error = refused(lambda: acknowledge_handover(handover=handover, user=writer))
    assert "not its author" in str(error)

    with clock.frozen(at(14, 5)), audited("handover.acknowledged"):
        acknowledge_handover(handover=handover, user=night)
    with clock.frozen(at(15)), audited():  # a second acknowledgement changes nothing
        acknowledge_handover(handover=Handover.objects.get(pk=handover.pk), user=lead)
    handover.refresh_from_db()
    assert (handover.acknowledged_by, handover.acknowledged_at) == (night, at(14, 5))


def test_empty_handover_is_refused(desks: Election, writer: User) -> None:
    error = refused(
        lambda: write_handover(
            desk=desk(desks, 52), author=writer, pending_items=" ", open_alerts="", notes="\n"
        )
    )
    assert "at least one line" in str(error)


# --- invitations -----------------------------------------------------------------------------

INVITED_AT = ist(2020, 10, 20, 10)


@pytest.fixture
def invitation(desks: Election, head: User) -> tuple[Invitation, str]:
    with clock.frozen(INVITED_AT):
        return invite(
            desk=desk(desks, 52),
            role=Role.WRITER,
            display_name=" Asha Kumari ",
            phone="+919800000042",
            actor=head,
        )


def test_invitation_stores_only_the_tokens_hash(desks: Election, head: User) -> None:
    with clock.frozen(INVITED_AT), audited("invitation.created") as events:
        made, token = invite(
            desk=desk(desks, 52), role=Role.WRITER, display_name="Asha", actor=head
        )
    assert len(token) >= 32
    stored = Invitation.objects.get(pk=made.pk)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(Invitation.objects.values_list()))
    assert token not in str(events[0].after)
    assert token not in events[0].object_repr
    assert stored.expires_at == INVITED_AT + timedelta(days=3)


def test_find_invitation_by_its_token(invitation: tuple[Invitation, str]) -> None:
    made, token = invitation
    with clock.frozen(INVITED_AT + timedelta(days=2)):
        assert find_invitation(token=token) == made


@pytest.mark.parametrize(
    ("token", "now", "message"),
    [
        pytest.param("no-such-token", INVITED_AT, "not valid", id="unknown"),
        pytest.param(None, INVITED_AT + timedelta(days=3), "expired", id="expired-at-the-minute"),
        pytest.param(None, INVITED_AT + timedelta(days=30), "expired", id="expired-long-ago"),
    ],
)
def test_invitation_errors(
    invitation: tuple[Invitation, str], token: str | None, now: datetime, message: str
) -> None:
    token = token or invitation[1]
    with clock.frozen(now):
        with pytest.raises(InvitationError, match=message):
            find_invitation(token=token)
        refused(
            lambda: accept_invitation(token=token, username="asha", password=PASSWORD),
            InvitationError,
        )


def test_accepting_an_invitation_makes_the_person_and_their_role(
    desks: Election, invitation: tuple[Invitation, str]
) -> None:
    made, token = invitation
    accepted_at = INVITED_AT + timedelta(hours=5)
    with clock.frozen(accepted_at), audited("invitation.accepted") as events:
        user = accept_invitation(token=token, username="asha", password=PASSWORD)
    assert (user.username, user.display_name, user.phone) == (
        "asha",
        "Asha Kumari",
        "+919800000042",
    )
    assert user.check_password(PASSWORD)
    membership = user.memberships.get()
    assert (membership.desk, membership.role, membership.is_active) == (
        desk(desks, 52),
        Role.WRITER,
        True,
    )
    made.refresh_from_db()
    assert (made.accepted_by, made.accepted_at) == (user, accepted_at)
    assert events[0].actor == user

    with clock.frozen(accepted_at + timedelta(minutes=1)):
        error = refused(
            lambda: accept_invitation(token=token, username="asha2", password=PASSWORD),
            InvitationError,
        )
    assert "already been used" in str(error)


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        pytest.param("HEAD", PASSWORD, "username", id="username-taken-any-case"),
        pytest.param("asha", "12345", "password", id="weak-password"),
    ],
)
def test_accepting_with_bad_details_leaves_the_invitation_unused(
    invitation: tuple[Invitation, str], username: str, password: str, field: str
) -> None:
    with clock.frozen(INVITED_AT + timedelta(hours=1)):
        error = refused(
            lambda: accept_invitation(token=invitation[1], username=username, password=password)
        )
        assert field in {p.field for p in error.problems}
        find_invitation(token=invitation[1])  # still usable


def test_no_shift_at_a_closed_desk(desks: Election, writer: User, head: User) -> None:
    bahadurganj = desk(desks, 52)
    set_desk_active(desk=bahadurganj, active=False, actor=head)
    error = refused(
        lambda: assign_shift(
            desk=bahadurganj, user=writer, starts_at=at(14), ends_at=at(22), actor=head
        )
    )
    assert "is closed" in str(error)
