"""Importing members from CSV (name, phone, desk, role): a good file imports, a file with bad
rows names every one of them and imports nothing, importing again changes nothing."""

import pytest

from itcell.accounts.models import User
from itcell.audit.models import AuditEvent
from itcell.elections.models import Election
from itcell.organisation.errors import RosterError
from itcell.organisation.models import Membership
from itcell.organisation.roles import Role
from itcell.organisation.services import import_members, merge_desks
from itcell.organisation.tests.factories import audited, desk, person

GOOD = """\
name,phone,desk,role
Asha Kumari,+91 98000 00011,52 Bahadurganj,writer
Ravi Ranjan,98000-00012,kishanganj,Desk lead
Meena Devi,+919800000013,HQ,SPOKESPERSON
Sunil Paswan,+919800000014,  hq  ,cell head
Farah Khan,+919800000015,52 BAHADURGANJ,Observer
"""


@pytest.fixture
def head(desks: Election) -> User:
    return person("head", desk(desks, "hq"), Role.HEAD)


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()


def test_good_file_imports_everyone(desks: Election, head: User) -> None:
    with audited(*["membership.granted"] * 5, "members.imported") as events:
        imported = import_members(election=desks, csv_text=GOOD, actor=head)

    got = [
        (i.user.display_name, i.user.phone, i.membership.desk.name_en, i.membership.role)
        for i in imported
    ]
    assert got == [
        ("Asha Kumari", "+919800000011", "52 Bahadurganj", Role.WRITER),
        ("Ravi Ranjan", "+919800000012", "Kishanganj", Role.DESK_LEAD),
        ("Meena Devi", "+919800000013", "HQ", Role.SPOKESPERSON),
        ("Sunil Paswan", "+919800000014", "HQ", Role.HEAD),
        ("Farah Khan", "+919800000015", "52 Bahadurganj", Role.OBSERVER),
    ]
    assert all(i.created_user for i in imported)
    assert all(i.membership.is_active for i in imported)
    asha = User.objects.get(phone="+919800000011")
    assert asha.username == "m919800000011"
    assert not asha.has_usable_password()  # they set one through an invitation or a reset
    assert events[-1].after == {"rows": 5, "new_people": 5}
    assert events[-1].actor == head


def test_a_known_phone_finds_the_person_already_there(desks: Election, head: User) -> None:
    existing = person("asha", phone="+919800000011")
    csv_text = "name,phone,desk,role\nAsha K,+91 98000 00011,HQ,analyst\n"
    [row] = import_members(election=desks, csv_text=csv_text, actor=head)
    assert (row.user, row.created_user) == (existing, False)
    assert existing.memberships.get().role == Role.ANALYST


def test_byte_order_mark_and_extra_columns_are_fine(desks: Election, head: User) -> None:
    csv_text = "\ufeffname,phone,desk,role,notes\nAsha,+919800000011,HQ,writer,joined Monday\n"
    [row] = import_members(election=desks, csv_text=csv_text, actor=head)
    assert row.membership.role == Role.WRITER


def test_importing_the_same_file_again_changes_nothing(desks: Election, head: User) -> None:
    import_members(election=desks, csv_text=GOOD, actor=head)
    people, memberships, _ = counts()
    with audited("members.imported") as events:
        again = import_members(election=desks, csv_text=GOOD, actor=head)
    assert counts()[:2] == (people, memberships)
    assert not any(i.created_user for i in again)
    assert events[0].after == {"rows": 5, "new_people": 0}


BAD = """\
name,phone,desk,role
Asha Kumari,+919800000011,52 Bahadurganj,writer
Ravi Ranjan,+919800000012,Atlantis,writer
Meena Devi,+919800000013,HQ,chief
Sunil Paswan,12ab,HQ,writer
,+919800000015,HQ,writer
Farah Khan,+919800000016,HQ
Gita Rani,+919800000017,HQ,writer,extra
Vikram Singh,+919800000018,Kishanganj,analyst
  ,not-a-phone,Nowhere,boss
"""


def test_every_bad_row_is_reported_and_nothing_is_imported(desks: Election, head: User) -> None:
    before = counts()
    with pytest.raises(RosterError) as raised:
        import_members(election=desks, csv_text=BAD, actor=head, source="team.csv")
    assert counts() == before
    problems = [(p.source, p.row, p.field) for p in raised.value.problems]
    assert problems == [
        ("team.csv", 3, "desk"),
        ("team.csv", 4, "role"),
        ("team.csv", 5, "phone"),
        ("team.csv", 6, "name"),
        ("team.csv", 7, ""),
        ("team.csv", 8, ""),
        ("team.csv", 10, "name"),
        ("team.csv", 10, "phone"),
        ("team.csv", 10, "desk"),
        ("team.csv", 10, "role"),
    ]
    message = str(raised.value)
    assert "team.csv, row 3, field 'desk': no active desk is called 'Atlantis'" in message
    assert "team.csv, row 4, field 'role': 'chief' is not a role" in message
    assert "team.csv, row 5, field 'phone': '12ab' is not a phone number" in message
    assert "team.csv, row 6, field 'name': is empty" in message
    assert "team.csv, row 7: wrong number of fields" in message
    assert "team.csv, row 8: wrong number of fields" in message


@pytest.mark.parametrize(
    ("row", "field"),
    [
        pytest.param("Ravi,+919800000012,Atlantis,writer", "desk", id="unknown-desk"),
        pytest.param("Ravi,+919800000012,HQ,chief", "role", id="unknown-role"),
        pytest.param("Ravi,98000,HQ,writer", "phone", id="phone-too-short"),
        pytest.param("Ravi,+91 98000 0001x,HQ,writer", "phone", id="phone-with-a-letter"),
        pytest.param("Ravi,,HQ,writer", "phone", id="phone-empty"),
        pytest.param(" ,+919800000012,HQ,writer", "name", id="name-blank"),
        pytest.param("Ravi,+919800000012,HQ", "", id="too-few-fields"),
        pytest.param("Ravi,+919800000012,HQ,writer,x", "", id="too-many-fields"),
    ],
)
def test_one_bad_row_among_good_ones_stops_the_import(
    desks: Election, head: User, row: str, field: str
) -> None:
    csv_text = "\n".join(
        [
            "name,phone,desk,role",
            "Asha,+919800000011,HQ,writer",
            row,
            "Meena,+919800000013,HQ,writer",
        ]
    )
    before = counts()
    with pytest.raises(RosterError) as raised:
        import_members(election=desks, csv_text=csv_text, actor=head)
    assert counts() == before
    assert [(p.row, p.field) for p in raised.value.problems] == [(3, field)]


def test_line_numbers_count_blank_lines(desks: Election, head: User) -> None:
    csv_text = (
        "name,phone,desk,role\nAsha,+919800000011,HQ,writer\n\nRavi,+919800000012,Atlantis,writer\n"
    )
    with pytest.raises(RosterError) as raised:
        import_members(election=desks, csv_text=csv_text, actor=head)
    assert [(p.row, p.field) for p in raised.value.problems] == [(4, "desk")]


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        pytest.param("name,phone,desk", "role", id="no-role"),
        pytest.param("name,mobile,desk,role", "phone", id="phone-misnamed"),
        pytest.param("", "name, phone, desk, role", id="empty-file"),
    ],
)
def test_missing_column_is_reported_on_the_header_line(
    desks: Election, head: User, header: str, missing: str
) -> None:
    before = counts()
    with pytest.raises(RosterError) as raised:
        import_members(
            election=desks, csv_text=f"{header}\nAsha,+919800000011,HQ,writer\n", actor=head
        )
    assert counts() == before
    [problem] = raised.value.problems
    assert (problem.row, problem.message) == (1, f"missing column(s): {missing}")


def test_header_only_is_refused(desks: Election, head: User) -> None:
    with pytest.raises(RosterError, match="no rows"):
        import_members(election=desks, csv_text="name,phone,desk,role\n", actor=head)


def test_a_merged_desk_cannot_be_imported_into(desks: Election, head: User) -> None:
    merge_desks(into=desk(desks, 52), desks=[desk(desks, 53)], actor=head)
    csv_text = "name,phone,desk,role\nAsha,+919800000011,53 Thakurganj,writer\n"
    with pytest.raises(RosterError) as raised:
        import_members(election=desks, csv_text=csv_text, actor=head)
    assert [(p.row, p.field) for p in raised.value.problems] == [(2, "desk")]


@pytest.mark.parametrize(
    "written", ["9800000011", "919800000011", "+91 98000-00011", "98000 00011"]
)
def test_every_spelling_of_a_number_finds_the_same_person(
    desks: Election, head: User, written: str
) -> None:
    existing = person("asha", phone="+919800000011")
    [row] = import_members(
        election=desks, csv_text=f"name,phone,desk,role\nAsha,{written},HQ,analyst\n", actor=head
    )
    assert (row.user, row.created_user) == (existing, False)
