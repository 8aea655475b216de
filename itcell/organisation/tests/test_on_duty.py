"""Who is on duty for a constituency and who approves: the fallback from the constituency's
desk to its district's to HQ, escalation along the approval chain, the desk board, roster
gaps, the ``on-duty`` and ``create-desks`` commands, and the demo's roster."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import Http404
from pytest_django import DjangoAssertNumQueries

from itcell.accounts.models import User
from itcell.core import clock
from itcell.elections.models import Election
from itcell.organisation import demo
from itcell.organisation.coverage import Interval
from itcell.organisation.models import Desk, Membership, Shift
from itcell.organisation.roles import Role
from itcell.organisation.selectors import (
    approval_chain,
    current_approver,
    desk_chain,
    get_coverage,
    get_on_duty,
    list_desk_board,
)
from itcell.organisation.services import (
    check_in,
    check_out,
    create_desks,
    grant_role,
    merge_desks,
    remove_shift,
    revoke_role,
    set_desk_active,
)
from itcell.organisation.tests.factories import PASSWORD, desk, ist, person, shift


def at(hour: int, minute: int = 0, *, day: int = 0) -> datetime:
    """A time on 27 Oct 2020 IST (``day`` days later)."""
    return ist(2020, 10, 27, hour, minute) + timedelta(days=day)


@pytest.fixture
def roster(desks: Election) -> dict[str, User]:
    """One day at Bahadurganj (AC 52), its district Kishanganj, HQ, and far-off Purnia:

    ======== =================== ===========  =================
    aarav    desk lead, AC 52    08–14
    bina     writer, AC 52       08–20
    chandan  desk lead, district 08–22
    deepa    spokesperson, HQ    08–20
    esha     head, HQ            20–08 (next day)
    farid    analyst, Purnia     08–20
    ======== =================== ===========  =================
    """
    people = {
        "aarav": (52, Role.DESK_LEAD, at(8), at(14)),
        "bina": (52, Role.WRITER, at(8), at(20)),
        "chandan": ("KISHANGANJ", Role.DESK_LEAD, at(8), at(22)),
        "deepa": ("hq", Role.SPOKESPERSON, at(8), at(20)),
        "esha": ("hq", Role.HEAD, at(20), at(8, day=1)),
        "farid": ("PURNIA", Role.ANALYST, at(8), at(20)),
    }
    made = {}
    for n, (username, (where, role, start, end)) in enumerate(people.items()):
        made[username] = person(username, desk(desks, where), role, phone=f"+9198000000{n + 10}")
        shift(desk(desks, where), made[username], start, end)
    return made


def names(users: list[User]) -> list[str]:
    return [u.username for u in users]


# --- get_on_duty -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "ac", "desk_at", "level", "members", "approvers"),
    [
        pytest.param(
            at(10),
            52,
            52,
            "ac",
            ["aarav", "bina"],
            ["aarav", "chandan", "deepa", "esha"],
            id="ac-staffed-its-desk-lead-approves-first",
        ),
        pytest.param(
            at(16),
            52,
            52,
            "ac",
            ["bina"],
            ["chandan", "deepa", "esha"],
            id="ac-staffed-but-its-lead-is-off-duty",
        ),
        pytest.param(
            at(20),
            52,
            "KISHANGANJ",
            "district",
            ["chandan"],
            ["chandan", "esha", "deepa"],
            id="ac-gap-from-the-end-minute-district-answers",
        ),
        pytest.param(
            at(23),
            52,
            "hq",
            "hq",
            ["esha"],
            ["esha", "deepa"],
            id="ac-and-district-gap-hq-answers",
        ),
        pytest.param(
            at(7, 59),
            52,
            "hq",
            "hq",
            [],
            ["deepa", "esha"],
            id="nobody-anywhere-hq-answers-off-duty-spokesperson-first",
        ),
        pytest.param(
            at(10),
            53,
            "KISHANGANJ",
            "district",
            ["chandan"],
            ["chandan", "deepa", "esha"],
            id="neighbouring-ac-without-roster-goes-to-district",
        ),
        pytest.param(
            at(10),
            58,
            "PURNIA",
            "district",
            ["farid"],
            ["deepa", "esha"],
            id="another-district-has-its-own-desk",
        ),
    ],
)
def test_get_on_duty(
    desks: Election,
    roster: dict[str, User],
    when: datetime,
    ac: int,
    desk_at: str | int,
    level: str,
    members: list[str],
    approvers: list[str],
) -> None:
    answer = get_on_duty(election=desks, ac_number=ac, at=when)
    assert (answer.ac.number, answer.at) == (ac, when)
    assert (answer.desk, answer.level) == (desk(desks, desk_at), level)
    assert names(answer.members) == members
    assert names(answer.approvers) == approvers


def test_checking_out_early_ends_the_duty(desks: Election, roster: dict[str, User]) -> None:
    bina = roster["bina"]
    own = bina.shifts.get()
    with clock.frozen(at(8)):
        check_in(shift=own, user=bina)
    with clock.frozen(at(15)):
        check_out(shift=own, user=bina)
    answer = get_on_duty(election=desks, ac_number=52, at=at(16))
    assert (answer.level, names(answer.members)) == ("district", ["chandan"])
    assert names(get_on_duty(election=desks, ac_number=52, at=at(14, 59)).members) == ["bina"]


def test_merged_desk_answers_for_every_constituency_it_covers(
    desks: Election, roster: dict[str, User]
) -> None:
    thakurganj = desk(desks, 53)
    merge_desks(into=desk(desks, 52), desks=[thakurganj], actor=roster["esha"])
    chain = desk_chain(election=desks, ac=thakurganj.acs.get())
    assert chain.ac_desks == (desk(desks, 52).pk,)  # not the inactive desk 53 any more
    answer = get_on_duty(election=desks, ac_number=53, at=at(10))
    assert (answer.desk, answer.level) == (desk(desks, 52), "ac")
    assert names(answer.members) == ["aarav", "bina"]
    assert names(answer.approvers) == ["aarav", "chandan", "deepa", "esha"]


def test_an_inactive_desk_does_not_answer(desks: Election, roster: dict[str, User]) -> None:
    set_desk_active(desk=desk(desks, "KISHANGANJ"), active=False, actor=roster["esha"])
    answer = get_on_duty(election=desks, ac_number=52, at=at(21))
    assert (answer.level, names(answer.members)) == ("hq", ["esha"])
    assert names(answer.approvers) == ["esha", "deepa"]


def test_unknown_constituency_or_no_desks_is_not_found(bihar: Election) -> None:
    with pytest.raises(Http404):  # no desks yet
        get_on_duty(election=bihar, ac_number=52, at=at(10))
    create_desks(election=bihar)
    with pytest.raises(Http404):
        get_on_duty(election=bihar, ac_number=244, at=at(10))


def test_approval_chain_skips_desk_leads_off_duty_and_revoked_approvers(
    desks: Election, roster: dict[str, User]
) -> None:
    chain = desk_chain(election=desks, ac=desk(desks, 52).acs.get())
    assert chain.ac_desks == (desk(desks, 52).pk,)
    assert chain.district_desks == (desk(desks, "KISHANGANJ").pk,)
    assert chain.hq_desk == desk(desks, "hq").pk
    everyone = {u.pk for u in roster.values()}
    assert names(approval_chain(election=desks, chain=chain, on_duty_ids=everyone)) == [
        "aarav",
        "chandan",
        "deepa",
        "esha",
    ]
    Membership.objects.filter(user=roster["deepa"]).update(is_active=False)
    assert names(approval_chain(election=desks, chain=chain, on_duty_ids=set())) == ["esha"]


# --- current_approver ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        pytest.param(-5, "aarav", id="before-the-request"),
        pytest.param(0, "aarav", id="at-the-request"),
        pytest.param(14.99, "aarav", id="just-under-15"),
        pytest.param(15, "chandan", id="after-15-minutes"),
        pytest.param(29, "chandan", id="29-minutes"),
        pytest.param(30, "deepa", id="after-30-minutes"),
        pytest.param(45, "esha", id="after-45-minutes"),
        pytest.param(300, "esha", id="the-last-stays-responsible"),
    ],
)
def test_escalation_every_15_minutes(
    desks: Election, roster: dict[str, User], minutes: float, expected: str
) -> None:
    chain = get_on_duty(election=desks, ac_number=52, at=at(10)).approvers
    now = at(10) + timedelta(minutes=minutes)
    assert current_approver(chain=chain, requested_at=at(10), now=now).username == expected


def test_escalation_step_comes_from_settings(
    desks: Election, roster: dict[str, User], settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ITCELL_APPROVAL_ESCALATION_MINUTES = 5
    chain = get_on_duty(election=desks, ac_number=52, at=at(10)).approvers
    assert current_approver(chain=chain, requested_at=at(10), now=at(10, 4)) == roster["aarav"]
    assert current_approver(chain=chain, requested_at=at(10), now=at(10, 5)) == roster["chandan"]
    assert current_approver(chain=chain, requested_at=at(10), now=at(10, 10)) == roster["deepa"]


def test_no_chain_no_approver() -> None:
    assert current_approver(chain=[], requested_at=at(10), now=at(11)) is None


# --- the desk board --------------------------------------------------------------------------


def test_desk_board(
    desks: Election, roster: dict[str, User], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    set_desk_active(desk=desk(desks, 53), active=False, actor=None)
    revoke_role(
        membership=person("gone", desk(desks, 52), Role.WRITER).memberships.get(), actor=None
    )
    with django_assert_num_queries(5):
        board = list_desk_board(election=desks, at=at(10))
    assert len(board) == 281  # every active desk
    by_desk = {status.desk.pk: status for status in board}
    assert desk(desks, 53).pk not in by_desk
    expected = {
        52: (["aarav", "bina"], 2),
        "KISHANGANJ": (["chandan"], 1),
        "hq": (["deepa"], 2),
        "PURNIA": (["farid"], 1),
    }
    for where, (on_duty, members) in expected.items():
        status = by_desk.pop(desk(desks, where).pk)
        assert (sorted(names(status.on_duty)), status.members) == (on_duty, members), where
    assert all(s.on_duty == [] and s.members == 0 for s in by_desk.values())


# --- coverage --------------------------------------------------------------------------------

DAY = Interval(at(8), at(8, day=1))


def test_coverage_finds_each_rostered_desks_gaps(desks: Election, roster: dict[str, User]) -> None:
    report = get_coverage(election=desks, within=DAY)
    assert report.desk_gaps == {
        desk(desks, 52).pk: [Interval(at(20), at(8, day=1))],
        desk(desks, "KISHANGANJ").pk: [Interval(at(22), at(8, day=1))],
        desk(desks, "PURNIA").pk: [Interval(at(20), at(8, day=1))],
    }
    assert report.approver_gaps == []
    assert report.rostered_desks == 4
    assert report.within == DAY


def test_coverage_finds_a_deliberate_hour_without_an_approver(
    desks: Election, roster: dict[str, User]
) -> None:
    esha = roster["esha"]
    remove_shift(shift=esha.shifts.get(), actor=None)
    shift(desk(desks, "hq"), esha, at(21), at(8, day=1))
    report = get_coverage(election=desks, within=DAY)
    assert report.desk_gaps[desk(desks, "hq").pk] == [Interval(at(20), at(21))]
    assert report.approver_gaps == [Interval(at(20), at(21))]


def test_coverage_counts_a_desk_rostered_on_other_days_as_a_whole_gap(
    desks: Election, roster: dict[str, User]
) -> None:
    kasba = desk(desks, 58)
    shift(kasba, person("gita", kasba, Role.WRITER), at(8, day=5), at(16, day=5))
    report = get_coverage(election=desks, within=DAY)
    assert report.desk_gaps[kasba.pk] == [DAY]
    assert report.rostered_desks == 5


def test_coverage_leaves_out_inactive_desks(desks: Election, roster: dict[str, User]) -> None:
    esha = roster["esha"]
    # The head's night moves to a desk that is then closed: HQ's night and the state's
    # approver cover go with it.
    remove_shift(shift=esha.shifts.get(), actor=None)
    purnia = desk(desks, "PURNIA")
    grant_role(user=esha, desk=purnia, role=Role.HEAD, actor=None)
    shift(purnia, esha, at(20), at(8, day=1))
    set_desk_active(desk=purnia, active=False, actor=None)
    report = get_coverage(election=desks, within=DAY)
    assert purnia.pk not in report.desk_gaps
    assert report.rostered_desks == 3
    assert report.approver_gaps == [Interval(at(20), at(8, day=1))]


def test_coverage_ends_a_duty_at_early_check_out(desks: Election, roster: dict[str, User]) -> None:
    chandan = roster["chandan"]
    own = chandan.shifts.get()
    with clock.frozen(at(8)):
        check_in(shift=own, user=chandan)
    with clock.frozen(at(18)):
        check_out(shift=own, user=chandan)
    report = get_coverage(election=desks, within=DAY)
    assert report.desk_gaps[desk(desks, "KISHANGANJ").pk] == [Interval(at(18), at(8, day=1))]


# --- the on-duty command ---------------------------------------------------------------------


def on_duty(*args: str) -> list[str]:
    out = StringIO()
    call_command("on_duty", *args, stdout=out)
    return out.getvalue().splitlines()


AT_TEN = [
    "AC 52 Bahadurganj at 2020-10-27 10:00 IST",
    "responsible desk: 52 Bahadurganj (ac)",
    "on duty: Aarav (+919800000010), Bina (+919800000011)",
    "approver: Aarav",
    "then: Chandan, Deepa, Esha",
]


@pytest.mark.parametrize(
    "instant",
    [
        pytest.param("2020-10-27T10:00", id="naive-is-ist"),
        pytest.param("2020-10-27T10:00:00+05:30", id="ist-offset"),
        pytest.param("2020-10-27T04:30:00+00:00", id="utc-offset"),
    ],
)
def test_on_duty_command(desks: Election, roster: dict[str, User], instant: str) -> None:
    assert on_duty("--ac", "52", "--at", instant, "--election", "bihar-2020") == AT_TEN


def test_on_duty_command_falls_back_to_hq(desks: Election, roster: dict[str, User]) -> None:
    assert on_duty("--ac", "52", "--at", "2020-10-27T23:00", "--election", "bihar-2020") == [
        "AC 52 Bahadurganj at 2020-10-27 23:00 IST",
        "responsible desk: HQ (hq)",
        "on duty: Esha (+919800000014)",
        "approver: Esha",
        "then: Deepa",
    ]


def test_on_duty_command_defaults_to_now_and_the_current_election(
    desks: Election, roster: dict[str, User]
) -> None:
    with clock.frozen(at(10)):
        assert on_duty("--ac", "52") == AT_TEN


def test_on_duty_command_with_nobody_on_duty(desks: Election) -> None:
    assert on_duty("--ac", "52", "--at", "2020-10-27T10:00") == [
        "AC 52 Bahadurganj at 2020-10-27 10:00 IST",
        "responsible desk: HQ (hq)",
        "on duty: nobody",
        "approver: none",
    ]


TEN = "2020-10-27T10:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--ac", "999", "--at", TEN], "no constituency 999", id="unknown-ac"),
        pytest.param(["--ac", "52", "--at", "27/10/2020"], "is not a date-time", id="bad-at"),
        pytest.param(
            ["--ac", "52", "--at", TEN, "--election", "goa-2022"],
            "no such election",
            id="unknown-election",
        ),
    ],
)
def test_on_duty_command_errors(desks: Election, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        on_duty(*args)


# --- the create-desks command ----------------------------------------------------------------


def test_create_desks_command(bihar: Election) -> None:
    for expected in (
        "bihar-2020: 282 desks created, 282 in all",
        "bihar-2020: 0 desks created, 282 in all",
    ):
        out = StringIO()
        call_command("create_desks", "--election", "bihar-2020", stdout=out)
        assert out.getvalue().splitlines() == [expected]
    assert Desk.objects.filter(election=bihar).count() == 282


def test_create_desks_command_names_the_elections_it_knows(bihar: Election) -> None:
    with pytest.raises(CommandError, match=r"no election 'goa-2022' \(elections: bihar-2020\)"):
        call_command("create_desks", "--election", "goa-2022")
    assert not Desk.objects.exists()


# --- the demo --------------------------------------------------------------------------------

DEMO_FIRST_DAY = date(2020, 10, 26)


def demo_day(n: int, hour: int) -> datetime:
    return ist(2020, 10, 26, hour) + timedelta(days=n)


def test_demo_has_a_person_per_role_and_its_two_deliberate_gaps(bihar: Election) -> None:
    demo.build(election=bihar, password=PASSWORD, first_day=DEMO_FIRST_DAY)

    held = set(
        Membership.objects.filter(desk__election=bihar, is_active=True).values_list(
            "user__username", "role"
        )
    )
    assert held == {
        ("head", Role.HEAD),
        ("spokesperson", Role.SPOKESPERSON),
        ("analyst", Role.ANALYST),
        ("trainer", Role.TRAINER),
        ("legal", Role.OBSERVER),
        ("lead.kishanganj", Role.DESK_LEAD),
        ("lead.bahadurganj", Role.DESK_LEAD),
        ("writer.bahadurganj", Role.WRITER),
    }
    assert {role for _, role in held} == set(Role)
    assert User.objects.get(username="head").check_password(PASSWORD)

    week = Interval(demo_day(0, 8), demo_day(7, 8))
    report = get_coverage(election=bihar, within=week)
    # No approver (and nobody at HQ) on the third night; nobody at Bahadurganj on the second.
    third_night = Interval(demo_day(2, 20), demo_day(3, 8))
    second_night = Interval(demo_day(1, 20), demo_day(2, 8))
    assert report.approver_gaps == [third_night]
    assert report.desk_gaps[desk(bihar, "hq").pk] == [third_night]
    assert report.desk_gaps[desk(bihar, 52).pk] == [second_night]

    # Who answers for Bahadurganj in each gap: HQ on the second night; on the third, its
    # writer, with the state-wide approvers off duty, spokesperson first.
    second = get_on_duty(election=bihar, ac_number=52, at=demo_day(1, 23))
    assert (second.level, names(second.members)) == ("hq", ["head"])
    third = get_on_duty(election=bihar, ac_number=52, at=demo_day(2, 23))
    assert (third.level, names(third.members)) == ("ac", ["writer.bahadurganj"])
    assert names(third.approvers) == ["spokesperson", "head"]


def test_demo_built_twice_is_the_same(bihar: Election) -> None:
    demo.build(election=bihar, password=PASSWORD, first_day=DEMO_FIRST_DAY)
    people, shifts = User.objects.count(), Shift.objects.count()
    assert shifts == 7 * 6 - 2  # six shifts a day, less the two gaps
    demo.build(election=bihar, password=PASSWORD, first_day=DEMO_FIRST_DAY)
    assert (User.objects.count(), Shift.objects.count()) == (people, shifts)
