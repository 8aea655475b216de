"""The organisation screens through Django's test client.

The permission test is generated from two explicit tables: for every URL of the app, every
role, and a target inside or outside the person's desk scope, the status a person gets. Every
person holds their one role at the AC 52 Bahadurganj desk (Kishanganj district); "outside" is
the AC 1 Valmiki Nagar desk (West Champaran) or, for the constituency lookup, AC 1. A refusal
is a 404, the same as a missing object, and a refused POST saves nothing.

The Bihar data and the desks are built once for the module, inside a transaction that is
rolled back at the end; each test runs in a savepoint of its own.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from itcell.accounts.models import User
from itcell.accounts.services import create_user
from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import Election
from itcell.elections.services import load_election
from itcell.organisation import services, urls
from itcell.organisation.models import Desk, Handover, Invitation, Membership, Shift, ShiftTemplate
from itcell.organisation.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"
SLUG = "bihar-2020"
WEEK = date(2020, 10, 26)  # a Monday
DAY_SHIFT = (datetime(2020, 10, 27, 8, 0, tzinfo=IST), datetime(2020, 10, 27, 16, 0, tzinfo=IST))
DURING_DAY_SHIFT = datetime(2020, 10, 27, 10, 0, tzinfo=IST)

HD, SP, DL, WR, AN, TR, OB = (
    Role.HEAD,
    Role.SPOKESPERSON,
    Role.DESK_LEAD,
    Role.WRITER,
    Role.ANALYST,
    Role.TRAINER,
    Role.OBSERVER,
)
ROLES = (HD, SP, DL, WR, AN, TR, OB)
IN, OUT = "inside", "outside"

# What a person gets, by URL and role, for a target inside and outside their desk's scope.
# 404 is both "missing" and "not yours": a refusal never says the object exists.
#                       inside the scope (AC 52)              outside it (AC 1 / West Champaran)
#                       HD   SP   DL   WR   AN   TR   OB      HD   SP   DL   WR   AN   TR   OB
GET_EXPECTED: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "desks":           ((200, 200, 200, 200, 200, 200, 200), (200, 200, 200, 200, 200, 200, 200)),
    "desk":            ((200, 200, 200, 200, 200, 200, 200), (200, 200, 404, 404, 404, 404, 404)),
    "roster":          ((200, 200, 200, 200, 200, 200, 200), (200, 200, 404, 404, 404, 404, 404)),
    "district_roster": ((200, 200, 200, 200, 200, 200, 200), (200, 200, 404, 404, 404, 404, 404)),
    "coverage":        ((200, 200, 200, 200, 200, 200, 200), (200, 200, 200, 200, 200, 200, 200)),
    "my_shifts":       ((200, 200, 200, 200, 200, 200, 200), (200, 200, 200, 200, 200, 200, 200)),
    "handover":        ((200, 200, 200, 200, 200, 200, 404), (200, 200, 404, 404, 404, 404, 404)),
    "import_members":  ((200, 404, 404, 404, 404, 404, 404), (200, 404, 404, 404, 404, 404, 404)),
    "invite":          ((200, 404, 404, 404, 404, 404, 404), (200, 404, 404, 404, 404, 404, 404)),
    "on_duty":         ((200, 200, 200, 200, 200, 200, 200), (200, 200, 404, 404, 404, 404, 404)),
}  # fmt: skip

# POSTs: 302 (or 200 where the answer is a page: the invitation link) means done and saved;
# 404 means refused with nothing saved. Check-in/out "outside" is someone else's shift.
#                       HD   SP   DL   WR   AN   TR   OB      HD   SP   DL   WR   AN   TR   OB
POST_EXPECTED: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "add_shift":       ((302, 404, 302, 404, 404, 404, 404), (302, 404, 404, 404, 404, 404, 404)),
    "apply_template":  ((302, 404, 302, 404, 404, 404, 404), (302, 404, 404, 404, 404, 404, 404)),
    "write_handover":  ((302, 302, 302, 302, 302, 302, 404), (302, 302, 404, 404, 404, 404, 404)),
    "acknowledge":     ((302, 302, 302, 302, 302, 302, 404), (302, 302, 404, 404, 404, 404, 404)),
    "check_in":        ((302, 302, 302, 302, 302, 302, 404), (404, 404, 404, 404, 404, 404, 404)),
    "check_out":       ((302, 302, 302, 302, 302, 302, 404), (404, 404, 404, 404, 404, 404, 404)),
    "import_members":  ((200, 404, 404, 404, 404, 404, 404), (200, 404, 404, 404, 404, 404, 404)),
    "invite":          ((200, 404, 404, 404, 404, 404, 404), (200, 404, 404, 404, 404, 404, 404)),
}  # fmt: skip
POST_URL_NAMES = {
    "add_shift": "roster",
    "apply_template": "roster_template",
    "write_handover": "handover",
    "acknowledge": "acknowledge",
    "check_in": "check_in",
    "check_out": "check_out",
    "import_members": "import_members",
    "invite": "invite",
}

# The desk board lists only desks the person may see: is the AC 1 desk on a lead's board?
SEES_OUTSIDE_DESK_ON_BOARD = {
    HD: True,
    SP: True,
    DL: False,
    WR: False,
    AN: False,
    TR: False,
    OB: False,
}


@dataclass(frozen=True)
class World:
    election: Election
    hq: Desk
    b52: Desk  # AC 52 Bahadurganj, Kishanganj district: everyone's desk
    a1: Desk  # AC 1 Valmiki Nagar, West Champaran: outside every local scope
    kishanganj: Desk
    west_champaran: Desk
    people: dict[Role, User]  # one person per role, at the AC 52 desk
    author: User  # a writer at AC 52 who writes the handover there
    writer1: User  # a writer at AC 1
    nobody: User  # signed in, with no role anywhere
    shifts: dict[Role, Shift]  # each person's day shift at AC 52
    other_shift: Shift  # writer1's shift at AC 1
    handover_in: Handover
    handover_out: Handover
    template: ShiftTemplate

    def desk(self, scope: str) -> Desk:
        return self.b52 if scope == IN else self.a1

    def district(self, scope: str) -> Desk:
        return self.kishanganj if scope == IN else self.west_champaran


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        election = load_election(name=SLUG).election
        services.create_desks(election=election)
        desks = Desk.objects.filter(election=election)
        b52 = desks.get(kind=Desk.Kind.AC, acs__number=52)
        a1 = desks.get(kind=Desk.Kind.AC, acs__number=1)

        def person(username: str, desk: Desk, role: Role) -> User:
            user = create_user(username=username, password=PASSWORD, display_name=username.title())
            services.grant_role(user=user, desk=desk, role=role, actor=None)
            return user

        people = {role: person(role.value, b52, role) for role in ROLES}
        author = person("author", b52, Role.WRITER)
        writer1 = person("writer1", a1, Role.WRITER)
        start, end = DAY_SHIFT
        shifts = {
            role: services.assign_shift(
                desk=b52, user=user, starts_at=start, ends_at=end, actor=None
            )
            for role, user in people.items()
        }
        yield World(
            election=election,
            hq=desks.get(kind=Desk.Kind.HQ),
            b52=b52,
            a1=a1,
            kishanganj=desks.get(kind=Desk.Kind.DISTRICT, district=b52.district),
            west_champaran=desks.get(kind=Desk.Kind.DISTRICT, district=a1.district),
            people=people,
            author=author,
            writer1=writer1,
            nobody=create_user(username="nobody", password=PASSWORD),
            shifts=shifts,
            other_shift=services.assign_shift(
                desk=a1, user=writer1, starts_at=start, ends_at=end, actor=None
            ),
            handover_in=services.write_handover(
                desk=b52,
                author=author,
                pending_items="Call the booth agent",
                open_alerts="",
                notes="",
            ),
            handover_out=services.write_handover(
                desk=a1, author=writer1, pending_items="", open_alerts="", notes="Quiet night"
            ),
            template=ShiftTemplate.objects.create(
                name="3 × 8 h", first_start=time(6), shift_hours=8
            ),
        )
        transaction.set_rollback(True)


def url(name: str, *args: object, query: str = "") -> str:
    return reverse(f"organisation:{name}", args=[SLUG, *args]) + (f"?{query}" if query else "")


def get_url(name: str, world: World, scope: str) -> str:
    desk, district = world.desk(scope), world.district(scope)
    return {
        "desks": url("desks", query="q=" + ("Bahadurganj" if scope == IN else "Valmiki")),
        "desk": url("desk", desk.pk),
        "roster": url("roster", desk.pk, query=f"week={WEEK}"),
        "district_roster": url("district_roster", district.district_id, query=f"week={WEEK}"),
        "coverage": url("coverage"),
        "my_shifts": url("my_shifts"),
        "handover": url("handover", desk.pk),
        "import_members": url("import_members"),
        "invite": url("invite", desk.pk),
        "on_duty": url("on_duty", query="ac=" + ("52" if scope == IN else "1")),
    }[name]


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def snapshot() -> tuple[object, ...]:
    """Everything a POST of this app could change."""
    return (
        AuditEvent.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        list(Shift.objects.order_by("pk").values_list("pk", "checked_in_at", "checked_out_at")),
        list(Handover.objects.order_by("pk").values_list("pk", "acknowledged_at")),
    )


# The tables ----------------------------------------------------------------------------------


def test_the_tables_cover_every_url_of_the_app():
    names = {p.name for p in urls.urlpatterns}
    covered = set(GET_EXPECTED) | set(POST_URL_NAMES.values()) | {"join"}
    assert names == covered
    assert set(POST_EXPECTED) == set(POST_URL_NAMES)


@pytest.mark.parametrize(
    ("name", "role", "scope", "expected"),
    [
        pytest.param(name, role, scope, row[ROLES.index(role)], id=f"{name}-{role}-{scope}")
        for name, (inside, outside) in GET_EXPECTED.items()
        for scope, row in ((IN, inside), (OUT, outside))
        for role in ROLES
    ],
)
def test_get(client, world, name, role, scope, expected):
    with clock.frozen(DURING_DAY_SHIFT):
        response = signed_in(client, world.people[role]).get(get_url(name, world, scope))

    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_board_lists_only_desks_in_scope(client, world, role):
    html = signed_in(client, world.people[role]).get(url("desks")).content.decode()

    assert f'data-desk="{world.b52.pk}"' in html
    assert (f'data-desk="{world.a1.pk}"' in html) is SEES_OUTSIDE_DESK_ON_BOARD[role]


@dataclass(frozen=True)
class Post:
    send: Callable[[Client, World, str, User], object]
    done: Callable[[World, str, User], bool]


def _shift_days(user: User, desk: Desk) -> set[date]:
    return {s.starts_at.astimezone(IST).date() for s in Shift.objects.filter(user=user, desk=desk)}


def _desk_member(world: World, scope: str) -> User:
    return world.author if scope == IN else world.writer1


def _own_or_other_shift(world: World, scope: str, user: User) -> Shift:
    return world.shifts[user_role(world, user)] if scope == IN else world.other_shift


def user_role(world: World, user: User) -> Role:
    return next(role for role, person in world.people.items() if person == user)


NEW_MEMBER_CSV = "name,phone,desk,role\nSunita Devi,+919811111111,52 Bahadurganj,writer\n"

POSTS: dict[str, Post] = {
    "add_shift": Post(
        send=lambda c, w, scope, u: c.post(
            url("roster", w.desk(scope).pk),
            {
                "user": _desk_member(w, scope).pk,
                "starts_at": "2020-10-28T08:00",
                "ends_at": "2020-10-28T16:00",
            },
        ),
        done=lambda w, scope, u: (
            date(2020, 10, 28) in _shift_days(_desk_member(w, scope), w.desk(scope))
        ),
    ),
    "apply_template": Post(
        send=lambda c, w, scope, u: c.post(
            url("roster_template", w.desk(scope).pk),
            {
                "template": w.template.pk,
                "people": [_desk_member(w, scope).pk],
                "first_day": "2020-11-02",
                "days": "1",
            },
        ),
        done=lambda w, scope, u: (
            date(2020, 11, 2) in _shift_days(_desk_member(w, scope), w.desk(scope))
        ),
    ),
    "write_handover": Post(
        send=lambda c, w, scope, u: c.post(
            url("handover", w.desk(scope).pk),
            {"pending_items": "Reply to the viral video", "open_alerts": "", "notes": ""},
        ),
        done=lambda w, scope, u: Handover.objects.filter(desk=w.desk(scope), written_by=u).exists(),
    ),
    "acknowledge": Post(
        send=lambda c, w, scope, u: c.post(
            url(
                "acknowledge",
                w.desk(scope).pk,
                (w.handover_in if scope == IN else w.handover_out).pk,
            )
        ),
        done=lambda w, scope, u: Handover.objects.filter(
            pk=(w.handover_in if scope == IN else w.handover_out).pk, acknowledged_by=u
        ).exists(),
    ),
    "check_in": Post(
        send=lambda c, w, scope, u: c.post(url("check_in", _own_or_other_shift(w, scope, u).pk)),
        done=lambda w, scope, u: Shift.objects.filter(
            pk=_own_or_other_shift(w, scope, u).pk, checked_in_at__isnull=False
        ).exists(),
    ),
    "check_out": Post(
        send=lambda c, w, scope, u: c.post(url("check_out", _own_or_other_shift(w, scope, u).pk)),
        done=lambda w, scope, u: Shift.objects.filter(
            pk=_own_or_other_shift(w, scope, u).pk, checked_out_at__isnull=False
        ).exists(),
    ),
    "import_members": Post(
        send=lambda c, w, scope, u: c.post(url("import_members"), {"csv_text": NEW_MEMBER_CSV}),
        done=lambda w, scope, u: User.objects.filter(phone="+919811111111").exists(),
    ),
    "invite": Post(
        send=lambda c, w, scope, u: c.post(
            url("invite", w.desk(scope).pk),
            {"display_name": "Sunita Devi", "phone": "", "role": "writer"},
        ),
        done=lambda w, scope, u: Invitation.objects.filter(
            desk=w.desk(scope), display_name="Sunita Devi"
        ).exists(),
    ),
}


@pytest.mark.parametrize(
    ("action", "role", "scope", "expected"),
    [
        pytest.param(action, role, scope, row[ROLES.index(role)], id=f"{action}-{role}-{scope}")
        for action, (inside, outside) in POST_EXPECTED.items()
        for scope, row in ((IN, inside), (OUT, outside))
        for role in ROLES
    ],
)
def test_post(client, world, action, role, scope, expected):
    user = world.people[role]
    post = POSTS[action]
    with clock.frozen(DURING_DAY_SHIFT):
        if action == "check_out":  # one checks out of a shift one has checked in to
            shift = _own_or_other_shift(world, scope, user)
            services.check_in(shift=shift, user=shift.user)
        before = snapshot()

        response = post.send(signed_in(client, user), world, scope, user)

    assert response.status_code == expected  # type: ignore[attr-defined]
    if expected == 404:
        assert snapshot() == before, "a refused request saved something"
        assert not post.done(world, scope, user)
    else:
        assert post.done(world, scope, user)
        assert AuditEvent.objects.count() > before[0]


# Everyone else ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(GET_EXPECTED))
def test_anonymous_visitor_is_sent_to_log_in(client, world, name):
    response = client.get(get_url(name, world, IN))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("name", list(GET_EXPECTED))
def test_person_without_a_role_in_the_election_gets_404_everywhere(client, world, name):
    response = signed_in(client, world.nobody).get(get_url(name, world, IN))

    assert response.status_code == 404


def test_unknown_election_is_404(client, world):
    response = signed_in(client, world.people[HD]).get(
        reverse("organisation:desks", args=["no-such-election"])
    )

    assert response.status_code == 404


def test_missing_desk_and_out_of_scope_desk_give_the_same_404(client, world):
    signed_in(client, world.people[WR])
    missing = client.get(url("desk", 999_999))
    hidden = client.get(url("desk", world.a1.pk))

    assert missing.status_code == hidden.status_code == 404

    def page(response, path):  # the same page but for its own address and CSRF token
        text = response.content.decode().replace(path, "PATH")
        return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1TOKEN", text)

    assert page(missing, url("desk", 999_999)) == page(hidden, url("desk", world.a1.pk))


@pytest.mark.parametrize("name", ["check_in", "check_out"])
def test_checking_in_to_a_missing_shift_is_404(client, world, name):
    assert signed_in(client, world.people[HD]).post(url(name, 999_999)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        lambda w: url("check_in", w.shifts[WR].pk),
        lambda w: url("check_out", w.shifts[WR].pk),
        lambda w: url("acknowledge", w.b52.pk, w.handover_in.pk),
        lambda w: url("roster_template", w.b52.pk),
    ],
    ids=["check_in", "check_out", "acknowledge", "roster_template"],
)
def test_actions_refuse_get(client, world, path):
    assert signed_in(client, world.people[HD]).get(path(world)).status_code == 405


def test_acknowledging_a_handover_of_another_desk_through_this_desk_is_404(client, world):
    before = snapshot()

    response = signed_in(client, world.people[HD]).post(
        url("acknowledge", world.b52.pk, world.handover_out.pk)
    )

    assert response.status_code == 404
    assert snapshot() == before


# Bad input: the error is shown, the input kept, nothing saved -----------------------------


def add_shift(client: Client, world: World, **data: object):  # type: ignore[no-untyped-def]
    return signed_in(client, world.people[DL]).post(
        url("roster", world.b52.pk, query=f"week={WEEK}"), data
    )


def test_overlapping_shift_is_refused_with_the_clash_named_and_values_kept(client, world):
    before = snapshot()

    response = add_shift(
        client,
        world,
        user=world.people[WR].pk,
        starts_at="2020-10-27T12:00",
        ends_at="2020-10-27T20:00",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert snapshot() == before
    assert 'role="alert"' in html
    assert "Writer is already on duty at 52 Bahadurganj from 27 Oct 08:00 to 27 Oct 16:00." in html
    assert 'value="2020-10-27T12:00"' in html
    assert 'value="2020-10-27T20:00"' in html
    assert f'<option value="{world.people[WR].pk}" selected>' in html


def test_shift_ending_before_it_starts_is_refused(client, world):
    before = snapshot()

    response = add_shift(
        client,
        world,
        user=world.author.pk,
        starts_at="2020-10-29T16:00",
        ends_at="2020-10-29T08:00",
    )

    html = response.content.decode()
    assert snapshot() == before
    assert "A shift must end after it starts." in html
    assert 'value="2020-10-29T16:00"' in html
    assert 'value="2020-10-29T08:00"' in html


def test_shift_for_someone_without_a_role_at_the_desk_is_refused(client, world):
    before = snapshot()

    response = add_shift(
        client,
        world,
        user=world.writer1.pk,
        starts_at="2020-10-29T08:00",
        ends_at="2020-10-29T16:00",
    )

    html = response.content.decode()
    assert snapshot() == before
    assert (
        "Writer1 has no role at 52 Bahadurganj: give them one before rostering them there." in html
    )
    assert 'value="2020-10-29T08:00"' in html


def test_shift_with_missing_fields_names_each_field(client, world):
    before = snapshot()

    response = add_shift(client, world, user="", starts_at="tomorrow", ends_at="")

    html = response.content.decode()
    assert snapshot() == before
    assert html.count("This field is required.") >= 2
    assert "Enter a valid date/time." in html
    assert 'value="tomorrow"' in html


def test_shift_times_are_read_as_ist_and_stored_in_utc(client, world):
    response = add_shift(
        client,
        world,
        user=world.author.pk,
        starts_at="2020-10-29T08:00",
        ends_at="2020-10-29T16:00",
    )

    assert response.status_code == 302
    assert response["Location"] == url("roster", world.b52.pk, query="week=2020-10-26")
    shift = Shift.objects.get(user=world.author)
    assert shift.starts_at == datetime(2020, 10, 29, 2, 30, tzinfo=UTC)
    assert shift.starts_at.astimezone(IST) == datetime(2020, 10, 29, 8, 0, tzinfo=IST)
    assert shift.ends_at.astimezone(IST) == datetime(2020, 10, 29, 16, 0, tzinfo=IST)


def test_template_without_people_asks_for_someone(client, world):
    before = snapshot()

    response = signed_in(client, world.people[DL]).post(
        url("roster_template", world.b52.pk),
        {"template": world.template.pk, "first_day": "2020-11-02", "days": "2"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert snapshot() == before
    assert "Choose at least one person." in html
    assert 'value="2020-11-02"' in html


def test_template_that_clashes_adds_no_shift_at_all(client, world):
    before = snapshot()

    response = signed_in(client, world.people[DL]).post(
        url("roster_template", world.b52.pk),
        {
            "template": world.template.pk,
            "people": [world.people[WR].pk],
            "first_day": "2020-10-27",
            "days": "1",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert snapshot() == before
    assert "is already on duty at 52 Bahadurganj" in html


def test_empty_handover_is_refused(client, world):
    before = snapshot()

    response = signed_in(client, world.people[WR]).post(
        url("handover", world.b52.pk), {"pending_items": " ", "open_alerts": "", "notes": ""}
    )

    assert response.status_code == 200
    assert snapshot() == before
    assert "Write at least one line for the next shift." in response.content.decode()


def test_author_cannot_acknowledge_own_handover(client, world):
    before = snapshot()

    response = signed_in(client, world.author).post(
        url("acknowledge", world.b52.pk, world.handover_in.pk), follow=True
    )

    assert snapshot() == before
    assert "The next shift acknowledges a handover, not its author." in response.content.decode()


BAD_CSV = (
    "name,phone,desk,role\n"
    "Sunita Devi,+919811111111,52 Bahadurganj,writer\n"
    ",12,No Such Desk,king\n"
    "Ramesh,+919822222222,52 Bahadurganj\n"
)


def test_import_with_bad_rows_shows_each_line_and_field_and_imports_nothing(client, world):
    before = snapshot()

    response = signed_in(client, world.people[HD]).post(
        url("import_members"), {"csv_text": BAD_CSV}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert snapshot() == before
    assert "Nothing was imported: 5 problems." in html
    rows = re.findall(
        r'<tr data-line="(\d*)"><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td></tr>', html
    )
    assert [(line, field) for line, field, _ in rows] == [
        ("3", "name"),
        ("3", "phone"),
        ("3", "desk"),
        ("3", "role"),
        ("4", "—"),
    ]
    assert "wrong number of fields" in rows[-1][2]
    assert "Sunita Devi,+919811111111,52 Bahadurganj,writer" in html  # kept to correct


def test_uploaded_csv_with_bad_rows_comes_back_as_text_to_correct(client, world):
    upload = SimpleUploadedFile("team.csv", BAD_CSV.encode(), content_type="text/csv")
    before = snapshot()

    response = signed_in(client, world.people[HD]).post(url("import_members"), {"file": upload})

    html = response.content.decode()
    assert snapshot() == before
    assert "Nothing was imported" in html
    assert "Ramesh,+919822222222,52 Bahadurganj" in html


def test_import_of_good_rows_reports_what_it_did(client, world):
    upload = SimpleUploadedFile("team.csv", NEW_MEMBER_CSV.encode("utf-8-sig"))

    response = signed_in(client, world.people[HD]).post(
        url("import_members"), {"file": upload}, follow=True
    )

    html = response.content.decode()
    assert "Imported 1 row; 1 new people." in html
    assert "/accounts/set-password/" in html  # the newcomer's first sign-in link, once
    assert "no-store" in response["Cache-Control"]
    user = User.objects.get(phone="+919811111111")
    assert Membership.objects.filter(user=user, desk=world.b52, role=Role.WRITER).exists()


def test_import_without_a_file_or_text_says_what_to_do(client, world):
    response = signed_in(client, world.people[HD]).post(url("import_members"), {"csv_text": ""})

    assert "Choose a CSV file or paste its rows." in response.content.decode()


def test_import_of_a_file_that_is_not_utf8_is_refused(client, world):
    upload = SimpleUploadedFile("team.csv", "name\nSunita\xe9".encode("latin-1"))

    response = signed_in(client, world.people[HD]).post(url("import_members"), {"file": upload})

    assert "The file is not UTF-8 text" in response.content.decode()


# Rosters, the board and the lookup ---------------------------------------------------------


def test_week_roster_starts_on_the_monday_of_any_day_given(client, world):
    html = (
        signed_in(client, world.people[WR])
        .get(url("roster", world.b52.pk, query="week=2020-10-29"))
        .content.decode()
    )

    assert re.findall(r'<tr data-day="([\d-]+)"', html) == [
        (WEEK + timedelta(days=n)).isoformat() for n in range(7)
    ]
    assert "Week of Mon, 26 Oct 2020 to Sun, 1 Nov 2020" in html


def test_week_roster_shows_shifts_and_highlights_gaps(client, world):
    html = (
        signed_in(client, world.people[WR])
        .get(url("roster", world.b52.pk, query=f"week={WEEK}"))
        .content.decode()
    )

    tuesday = html.split('data-day="2020-10-27"')[1].split("</tr>")[0]
    assert "data-has-gap" in tuesday
    assert re.findall(r'class="slot gap"[^>]*><span class="when">([^<]+)</span>', tuesday) == [
        "00:00–08:00",
        "16:00–24:00",
    ]
    assert tuesday.count('<li class="slot" data-shift=') == len(ROLES)
    assert "08:00–16:00</span> Writer" in tuesday
    # Nobody is rostered on the other days: each is one gap from midnight to midnight.
    assert "7 gaps this week" not in html
    assert "8 gaps this week: nobody is rostered." in html


def test_week_roster_offers_the_forms_only_to_those_who_manage_it(client, world):
    lead = signed_in(client, world.people[DL]).get(url("roster", world.b52.pk)).content.decode()
    writer = signed_in(client, world.people[WR]).get(url("roster", world.b52.pk)).content.decode()

    assert "Add a shift" in lead
    assert "Fill days from a shift pattern" in lead
    assert "Add a shift" not in writer
    assert "Fill days from a shift pattern" not in writer


def test_district_roster_lists_only_the_desks_in_scope(client, world):
    district = url("district_roster", world.b52.district_id, query=f"week={WEEK}")

    head = signed_in(client, world.people[HD]).get(district).content.decode()
    lead = signed_in(client, world.people[DL]).get(district).content.decode()

    head_desks = re.findall(r'<tr data-desk="(\d+)">', head)
    assert head_desks[0] == str(world.kishanganj.pk)  # the district desk first
    assert str(world.b52.pk) in head_desks
    assert len(head_desks) == world.kishanganj.acs.count() + 1
    assert re.findall(r'<tr data-desk="(\d+)">', lead) == [str(world.b52.pk)]


def test_desk_board_shows_who_is_on_duty_and_the_unstaffed(client, world):
    with clock.frozen(DURING_DAY_SHIFT):
        html = (
            signed_in(client, world.people[HD])
            .get(url("desks", query="q=Bahadurganj"))
            .content.decode()
        )

    row = html.split(f'data-desk="{world.b52.pk}"')[1].split("</tr>")[0]
    for role in ROLES:
        assert world.people[role].display_name in row
    assert "Nobody on duty" not in row

    with clock.frozen(DURING_DAY_SHIFT + timedelta(hours=8)):
        html = (
            signed_in(client, world.people[HD])
            .get(url("desks", query="q=Bahadurganj"))
            .content.decode()
        )
    assert "Nobody on duty" in html.split(f'data-desk="{world.b52.pk}"')[1].split("</tr>")[0]


def test_desk_board_filters_by_kind_district_and_hindi_name(client, world):
    signed_in(client, world.people[HD])

    def desks(query: str) -> list[str]:
        html = client.get(url("desks", query=query)).content.decode()
        return re.findall(r'data-desk="(\d+)"', html)

    assert desks("q=बहादुरगंज") == [str(world.b52.pk)]
    assert desks("kind=hq") == [str(world.hq.pk)]
    district = desks(f"district={world.b52.district_id}")
    assert str(world.kishanganj.pk) in district
    assert str(world.b52.pk) in district
    assert str(world.a1.pk) not in district
    assert desks(f"kind=district&district={world.b52.district_id}") == [str(world.kishanganj.pk)]
    assert desks("q=किशनगंज&kind=district") == [str(world.kishanganj.pk)]


def test_desk_board_htmx_search_swaps_only_the_board(client, world):
    response = signed_in(client, world.people[HD]).get(
        url("desks", query="q=bahadurganj"), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert "<html" not in html
    assert re.findall(r'data-desk="(\d+)"', html) == [str(world.b52.pk)]


def test_on_duty_answers_for_ac_52_with_desk_people_and_approvers(client, world):
    with clock.frozen(DURING_DAY_SHIFT):
        html = (
            signed_in(client, world.people[WR]).get(url("on_duty", query="ac=52")).content.decode()
        )

    assert "52 · Bahadurganj" in html
    desk = html.split('data-testid="responsible-desk"')[1].split("</section>")[0]
    assert "52 Bahadurganj" in desk
    assert "The constituency's own desk." in desk
    approvers = re.findall(r"<li>([^<·]+?)(?: ·|</li>)", html.split('data-testid="approvers"')[1])
    assert approvers[:3] == ["Desk_Lead", "Spokesperson", "Head"]


def test_on_duty_with_nobody_at_the_desk_falls_back_to_hq(client, world):
    with clock.frozen(DURING_DAY_SHIFT + timedelta(hours=8)):
        html = (
            signed_in(client, world.people[WR]).get(url("on_duty", query="ac=52")).content.decode()
        )

    assert "HQ answers" in html


def test_on_duty_rejects_a_number_that_is_not_one(client, world):
    response = signed_in(client, world.people[WR]).get(url("on_duty", query="ac=abc"))

    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()


def test_on_duty_for_a_constituency_that_does_not_exist_is_404(client, world):
    assert (
        signed_in(client, world.people[HD]).get(url("on_duty", query="ac=999")).status_code == 404
    )


def test_coverage_lists_desk_and_approver_gaps(client, world):
    with clock.frozen(DURING_DAY_SHIFT):
        html = (
            signed_in(client, world.people[HD])
            .get(url("coverage", query="days=1"))
            .content.decode()
        )

    gaps = html.split('id="desk-gaps"')[1]
    assert f'data-desk="{world.b52.pk}"' in gaps
    assert f'data-desk="{world.a1.pk}"' in gaps
    assert "27 Oct 2020, 16:00 IST" in gaps
    assert 'data-testid="approver-gaps"' in html


def test_coverage_shows_only_desks_in_scope(client, world):
    with clock.frozen(DURING_DAY_SHIFT):
        html = signed_in(client, world.people[DL]).get(url("coverage")).content.decode()

    gaps = html.split('id="desk-gaps"')[1]
    assert f'data-desk="{world.b52.pk}"' in gaps
    assert f'data-desk="{world.a1.pk}"' not in gaps


# My shifts ----------------------------------------------------------------------------------


def test_check_in_through_htmx_swaps_the_row(client, world):
    shift = world.shifts[WR]
    with clock.frozen(DURING_DAY_SHIFT):
        page = signed_in(client, world.people[WR]).get(url("my_shifts")).content.decode()
        assert "Check in" in page

        response = client.post(url("check_in", shift.pk), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="shift-{shift.pk}"')
    assert "Checked in at 10:00 IST" in html
    assert "Check out" in html
    shift.refresh_from_db()
    assert shift.checked_in_at == DURING_DAY_SHIFT


def test_check_in_too_early_shows_the_rule_in_the_row(client, world):
    shift = world.shifts[WR]
    with clock.frozen(DAY_SHIFT[0] - timedelta(hours=2)):
        before = snapshot()
        response = signed_in(client, world.people[WR]).post(
            url("check_in", shift.pk), HTTP_HX_REQUEST="true"
        )

    html = response.content.decode()
    assert snapshot() == before
    assert 'role="alert"' in html
    assert "Check in from 30 minutes before your shift until it ends." in html


def test_check_out_before_check_in_is_refused_with_a_message(client, world):
    with clock.frozen(DURING_DAY_SHIFT):
        before = snapshot()
        response = signed_in(client, world.people[WR]).post(
            url("check_out", world.shifts[WR].pk), follow=True
        )

    assert snapshot() == before
    assert "Check in before you check out." in response.content.decode()


# Invitations --------------------------------------------------------------------------------


def invite(client: Client, world: World, role: str = "writer") -> str:
    response = signed_in(client, world.people[HD]).post(
        url("invite", world.b52.pk),
        {"display_name": "Sunita Devi", "phone": "+919811111111", "role": role},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = re.search(r'data-testid="invitation-link">([^<]+)<', response.content.decode())
    assert link is not None
    return link.group(1)


def test_invitation_link_is_shown_once_and_only_its_hash_is_kept(client, world):
    link = invite(client, world)

    token = link.rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get(display_name="Sunita Devi")
    assert token not in invitation.token_hash
    assert token not in client.get(url("desk", world.b52.pk)).content.decode()
    assert token not in client.get(url("invite", world.b52.pk)).content.decode()


def test_invitation_with_no_name_is_refused(client, world):
    before = snapshot()

    response = signed_in(client, world.people[HD]).post(
        url("invite", world.b52.pk), {"display_name": "", "phone": "+9198", "role": "writer"}
    )

    assert snapshot() == before
    assert "This field is required." in response.content.decode()
    assert 'value="+9198"' in response.content.decode()


def test_joining_sets_username_and_password_and_signs_in(client, world):
    link = invite(client, world)
    client.logout()

    page = client.get(link)
    assert page.status_code == 200
    assert "Sunita Devi, you are invited as Writer at 52 Bahadurganj" in page.content.decode()

    response = client.post(link, {"username": "sunita", "password": "a-long-safe-passphrase"})

    assert response.status_code == 302
    assert response["Location"] == url("desk", world.b52.pk)
    user = User.objects.get(username="sunita")
    assert user.display_name == "Sunita Devi"
    assert Membership.objects.filter(user=user, desk=world.b52, role=Role.WRITER).exists()
    assert client.get(url("desk", world.b52.pk)).status_code == 200  # signed in
    used = client.get(link)
    assert used.status_code == 404
    assert "This invitation has already been used. Log in instead." in used.content.decode()


def test_joining_as_a_spokesperson_asks_for_a_second_factor_before_signing_in(client, world):
    link = invite(client, world, role="spokesperson")
    client.logout()

    response = client.post(link, {"username": "sunita", "password": "a-long-safe-passphrase"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor")
    assert client.get(url("desk", world.b52.pk)).status_code == 302  # not signed in yet
    assert "/accounts/login/enrol/" in client.get(reverse("accounts:two_factor"))["Location"]


def test_joining_with_a_taken_username_or_weak_password_keeps_the_username(client, world):
    link = invite(client, world)
    client.logout()
    before = snapshot()

    response = client.post(link, {"username": "Writer", "password": "12345"})

    html = response.content.decode()
    assert response.status_code == 200
    assert snapshot() == before
    assert "This username is taken." in html
    assert "This password is too short." in html
    assert 'value="Writer"' in html


def test_unknown_or_expired_invitation_is_404_with_what_to_do(client, world):
    assert "not valid" in client.get(reverse("organisation:join", args=["nope"])).content.decode()
    link = invite(client, world)
    client.logout()

    with clock.frozen(clock.now() + services.INVITATION_LIFETIME + timedelta(minutes=1)):
        response = client.get(link)

    assert response.status_code == 404
    assert (
        "This invitation has expired. Ask the cell head for a new one." in response.content.decode()
    )


# Query counts --------------------------------------------------------------------------------


def test_desk_board_query_count_does_not_grow_with_desks_or_shifts(
    client, world, django_assert_num_queries
):
    signed_in(client, world.people[DL])
    # session, user, election, grants (memberships, their desks' areas), desks, shifts on
    # duty, approvers, members per desk, people on duty, areas of every desk (for scope),
    # the header's unread notifications
    with clock.frozen(DURING_DAY_SHIFT), django_assert_num_queries(12):
        client.get(url("desks"))

    # More desks in scope, more people, more of them on duty: the same queries.
    services.grant_role(user=world.people[DL], desk=world.a1, role=Role.DESK_LEAD, actor=None)
    services.grant_role(user=world.author, desk=world.a1, role=Role.WRITER, actor=None)
    services.assign_shift(
        desk=world.a1,
        user=world.author,
        starts_at=DURING_DAY_SHIFT,
        ends_at=DURING_DAY_SHIFT + timedelta(hours=1),
        actor=None,
    )
    with clock.frozen(DURING_DAY_SHIFT), django_assert_num_queries(12):
        client.get(url("desks"))


def test_head_desk_board_query_count(client, world, django_assert_num_queries):
    signed_in(client, world.people[HD])
    # as above, without the areas: a state-wide role sees every desk
    with clock.frozen(DURING_DAY_SHIFT), django_assert_num_queries(11):
        client.get(url("desks"))


def test_week_roster_query_count_does_not_grow_with_shifts(
    client, world, django_assert_num_queries
):
    signed_in(client, world.people[DL])
    roster = url("roster", world.b52.pk, query=f"week={WEEK}")
    # session, user, election, desk, grants (2), desk area, the week's shifts with people,
    # the form's people (desk members), the template form's patterns and people, the
    # header's unread notifications
    with django_assert_num_queries(12):
        client.get(roster)

    for n in range(1, 4):
        day = WEEK + timedelta(days=n + 2)
        services.assign_shift(
            desk=world.b52,
            user=world.author,
            starts_at=datetime.combine(day, time(8), tzinfo=IST),
            ends_at=datetime.combine(day, time(16), tzinfo=IST),
            actor=None,
        )
    with django_assert_num_queries(12):
        client.get(roster)


def test_desk_page_query_count(client, world, django_assert_num_queries):
    signed_in(client, world.people[DL])
    # session, user, election, grants (2), desk, desk area, the area's constituencies,
    # members, approvers, shifts on duty, people on duty, handovers, the header's unread
    # notifications
    with clock.frozen(DURING_DAY_SHIFT), django_assert_num_queries(14):
        client.get(url("desk", world.b52.pk))


def test_a_link_accepted_meanwhile_is_refused_when_the_second_person_submits(
    client, world, monkeypatch
):
    link = invite(client, world)
    client.logout()
    token = link.rstrip("/").rsplit("/", 1)[-1]
    stale = services.find_invitation(token=token)  # what the second person's request read
    services.accept_invitation(token=token, username="first", password="a-long-safe-passphrase")
    monkeypatch.setattr(services, "find_invitation", lambda token: stale)
    before = snapshot()

    response = client.post(link, {"username": "second", "password": "a-long-safe-passphrase"})

    assert response.status_code == 404
    assert "This invitation has already been used." in response.content.decode()
    assert snapshot() == before
    assert not User.objects.filter(username="second").exists()
