"""The publishing screens through Django's test client.

As in ``organisation/tests/test_views.py``, the permission tests come from two explicit
tables: for every URL of the app and every person, the status they get for an object inside
and outside the AC 52 Bahadurganj desk's scope. The people: the head and the spokesperson (at
HQ); the desk lead, a writer, an analyst and an observer at AC 52; a writer at AC 58 Kasba
(Purnia district: 52 is outside that desk's area, 58 outside 52's); someone signed in with no
role. "Inside" objects are the AC 52 desk's posts, "outside" ones the AC 58 desk's; a URL
without such an object has one row. A refusal is a 404, the same as a missing object, and a
refused POST changes nothing.

The Bihar data, the desks, the people and, for each of the two desks, a post in every state a
screen acts on are built once for the module inside a transaction rolled back at the end;
each test runs in a savepoint of its own with the clock frozen.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itcell.accounts.models import User
from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.elections.models import Election
from itcell.elections.services import load_election
from itcell.organisation.models import Desk
from itcell.organisation.roles import Role
from itcell.organisation.services import create_desks
from itcell.organisation.tests.factories import desk as desk_at
from itcell.organisation.tests.factories import person
from itcell.publishing import urls, views
from itcell.publishing.connectors import locmem
from itcell.publishing.errors import OutcomeUnknown, Reason
from itcell.publishing.models import (
    Channel,
    Delivery,
    DistributionTask,
    MediaAsset,
    Pause,
    Post,
    Review,
)
from itcell.publishing.screening import Finding, screeners
from itcell.publishing.services.delivery import deliver, pause_publishing
from itcell.publishing.services.posts import create_post, submit_post
from itcell.publishing.services.review import approve_post
from itcell.publishing.tests.factories import channel, post_input
from itcell.publishing.tests.test_library import png_bytes
from itcell.publishing.workflow import PostState

pytestmark = pytest.mark.django_db

SLUG = "bihar-2020"
BUILT_AT = datetime(2020, 10, 20, 6, 30, tzinfo=UTC)  # Tuesday 20 October, 12:00 IST
NOW = BUILT_AT + timedelta(hours=1)  # when every test runs
LATER = "2020-10-22T10:00"  # a publishing time ahead, as typed (IST)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

HD, SP, DL, WR, W58, AN, OB, NB = (
    "head",
    "spokesperson",
    "desk_lead",
    "writer",
    "writer58",
    "analyst",
    "observer",
    "nobody",
)
PEOPLE = (HD, SP, DL, WR, W58, AN, OB, NB)
IN, OUT = "inside", "outside"
Row = tuple[int, ...]

# What a person gets from a GET, by URL: for AC 52's post and for AC 58's (None: the URL
# names no post, one row is enough). 404 is both "missing" and "not yours".
#                  HD   SP   DL   WR   W58  AN   OB   NB
EVERYONE: Row = (200, 200, 200, 200, 200, 200, 200, 404)
WRITERS: Row = (200, 200, 200, 200, 200, 404, 404, 404)
GET_EXPECTED: dict[str, tuple[Row, Row | None]] = {
    "posts":           (EVERYONE, None),
    "compose":         (WRITERS, None),
    "post":            ((200, 200, 200, 200, 404, 200, 200, 404),
                        (200, 200, 404, 404, 200, 404, 404, 404)),
    "edit":            ((200, 200, 200, 200, 404, 404, 404, 404),
                        (200, 200, 404, 404, 200, 404, 404, 404)),
    "review":          (EVERYONE, None),
    "calendar":        (EVERYONE, None),
    "import_calendar": (WRITERS, None),
    "deliveries":      (EVERYONE, None),
    "channels":        (EVERYONE, None),
    "media":           (EVERYONE, None),
    "tasks":           (EVERYONE, None),
    "sandbox":         (EVERYONE, None),
}  # fmt: skip
POST_ONLY = {"act", "settle", "pause", "share", "check", "from_template"}

# POSTs: 302 means done (and audited); 404 refused, nothing changed; 200 the form refused
# it (a library that is not the person's), nothing changed.
#                  HD   SP   DL   WR   W58  AN   OB   NB
DRAFT_52: Row = (302, 302, 302, 302, 404, 404, 404, 404)
DRAFT_58: Row = (302, 302, 404, 404, 302, 404, 404, 404)
APPROVE_52: Row = (302, 302, 302, 404, 404, 404, 404, 404)
APPROVE_58: Row = (302, 302, 404, 404, 404, 404, 404, 404)
STATE_WIDE: Row = (302, 302, 404, 404, 404, 404, 404, 404)
HEAD_ONLY: Row = (302, 404, 404, 404, 404, 404, 404, 404)
POST_EXPECTED: dict[str, tuple[Row, Row | None]] = {
    "compose":         ((302, 302, 302, 302, 302, 404, 404, 404), None),
    "edit":            (DRAFT_52, DRAFT_58),
    "submit":          (DRAFT_52, DRAFT_58),
    "approve":         (APPROVE_52, APPROVE_58),
    "request_changes": (APPROVE_52, APPROVE_58),
    "reject":          (APPROVE_52, APPROVE_58),
    "comment":         ((302, 302, 302, 302, 404, 302, 302, 404),  # whoever sees the post
                        (302, 302, 404, 404, 302, 404, 404, 404)),
    "schedule":        (DRAFT_52, DRAFT_58),
    "unschedule":      (DRAFT_52, DRAFT_58),
    "withdraw":        (APPROVE_52, APPROVE_58),
    "settle":          (APPROVE_52, APPROVE_58),
    "pause_all":       (STATE_WIDE, None),
    "pause_desk":      (APPROVE_52, APPROVE_58),  # a desk lead pauses their own desk only
    "resume_all":      (STATE_WIDE, None),
    "resume_desk":     (APPROVE_52, APPROVE_58),
    "channel_status":  (HEAD_ONLY, None),
    "reauthorise":     (HEAD_ONLY, None),
    "import_calendar": ((302, 302, 302, 302, 302, 404, 404, 404), None),
    "media_state":     (STATE_WIDE, None),
    "media_desk":      ((200, 200, 302, 302, 200, 404, 404, 404),
                        (200, 200, 200, 200, 302, 404, 404, 404)),
    "share":           ((404, 404, 404, 302, 404, 404, 404, 404), None),  # the writer's task
}  # fmt: skip

# Which desk's posts each person finds on the posts list and in the review queue (the queue
# shows only posts the person may approve).
#                     on the list   in the queue
#                     52     58     52     58
SEES: dict[str, tuple[bool, bool, bool, bool]] = {
    HD:  (True,  True,  True,  True),
    SP:  (True,  True,  True,  True),
    DL:  (True,  False, True,  False),
    WR:  (True,  False, False, False),
    W58: (False, True,  False, False),
    AN:  (True,  False, False, False),
    OB:  (True,  False, False, False),
}  # fmt: skip


@dataclass(frozen=True)
class Writing:
    """Posts written at one desk by its writer, for its own channel, over its whole area."""

    desk: Desk
    channel: Channel
    author: User
    approver: User

    def write(self, title: str, **changes: object) -> Post:
        area = frozenset(self.desk.acs.values_list("number", flat=True))
        data = post_input(self.channel, title=title, ac_numbers=area, **changes)
        return create_post(desk=self.desk, author=self.author, data=data)

    def submitted(self, title: str, **changes: object) -> Post:
        post = self.write(title, **changes)
        submit_post(post=post, author=self.author)
        post.refresh_from_db()
        return post

    def approved(self, title: str, **changes: object) -> Post:
        post = self.submitted(title, **changes)
        approve_post(post=post, reviewer=self.approver)
        post.refresh_from_db()
        return post


@dataclass(frozen=True)
class Side:
    """One desk with a post in every state a screen acts on."""

    writing: Writing
    draft: Post
    in_review: Post
    approved: Post
    scheduled: Post
    unconfirmed: Delivery  # its post is publishing

    @property
    def desk(self) -> Desk:
        return self.writing.desk

    @property
    def channel(self) -> Channel:
        return self.writing.channel


@dataclass(frozen=True)
class World:
    election: Election
    hq: Desk
    people: dict[str, User]
    state_channel: Channel  # X, the state's: every desk may post to it
    inside: Side  # AC 52 Bahadurganj
    outside: Side  # AC 58 Kasba
    task: DistributionTask  # the AC 52 writer's, to share a post by hand

    def side(self, scope: str) -> Side:
        return self.inside if scope == IN else self.outside


def _side(election: Election, where: int, author: User, approver: User, handle: str) -> Side:
    desk = desk_at(election, where)
    writing = Writing(desk, channel(election, handle=handle, desk=desk), author, approver)
    return Side(
        writing,
        draft=writing.write("Draft"),
        in_review=writing.submitted("In review"),
        approved=writing.approved("Approved"),
        scheduled=writing.approved("Scheduled", publish_at=BUILT_AT + timedelta(days=2)),
        unconfirmed=writing.approved(
            "Unconfirmed", publish_at=BUILT_AT + timedelta(minutes=30)
        ).deliveries.get(),
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:  # type: ignore[no-untyped-def]
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER, TASKS=DUMMY_TASKS),
        clock.frozen(BUILT_AT),
    ):
        election = load_election(name=SLUG).election
        create_desks(election=election)
        hq, b52, k58 = desk_at(election, "hq"), desk_at(election, 52), desk_at(election, 58)
        people = {
            HD: person("head", hq, Role.HEAD),
            SP: person("spokesperson", hq, Role.SPOKESPERSON),
            DL: person("lead", b52, Role.DESK_LEAD),
            WR: person("writer", b52, Role.WRITER),
            W58: person("writer58", k58, Role.WRITER),
            AN: person("analyst", b52, Role.ANALYST),
            OB: person("observer", b52, Role.OBSERVER),
            NB: person("nobody"),
        }
        state_channel = channel(election, handle="@vip_bihar")
        inside = _side(election, 52, people[WR], people[DL], "@vip_bahadurganj")
        outside = _side(election, 58, people[W58], people[HD], "@vip_kasba")
        whatsapp = channel(
            election,
            handle="Bahadurganj groups",
            connector="manual",
            platform="whatsapp",
            desk=b52,
        )
        by_hand = inside.writing.approved(
            "Shared by hand",
            variants={whatsapp.pk: ""},
            publish_at=BUILT_AT + timedelta(minutes=30),
        ).deliveries.get()

        clock.set_now(BUILT_AT + timedelta(minutes=31))
        for side in (inside, outside):  # a timeout after sending: may or may not be there
            locmem.script.append(("land", OutcomeUnknown(Reason.TIMEOUT, "ReadTimeout")))
            assert deliver(delivery_id=side.unconfirmed.pk) == Delivery.State.UNCONFIRMED
        assert deliver(delivery_id=by_hand.pk) == Delivery.State.PUBLISHED
        locmem.reset()

        yield World(
            election=election,
            hq=hq,
            people=people,
            state_channel=state_channel,
            inside=inside,
            outside=outside,
            task=DistributionTask.objects.get(delivery=by_hand, volunteer=people[WR]),
        )
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def now() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(name: str, *args: object, query: str = "") -> str:
    return reverse(f"publishing:{name}", args=[SLUG, *args]) + (f"?{query}" if query else "")


def get_url(name: str, world: World, scope: str) -> str:
    side = world.side(scope)
    return {
        "posts": url("posts"),
        "compose": url("compose"),
        "check": url("check"),
        "from_template": url("from_template"),  # who may: playbook/tests/test_playbook_views.py
        "post": url("post", side.in_review.pk),
        "edit": url("edit", side.draft.pk),
        "act": url("act", side.in_review.pk, "approve"),
        "review": url("review"),
        "calendar": url("calendar"),
        "import_calendar": url("import_calendar"),
        "deliveries": url("deliveries"),
        "settle": url("settle", side.unconfirmed.pk),
        "pause": url("pause"),
        "channels": url("channels"),
        "media": url("media"),
        "tasks": url("tasks"),
        "share": url("share", world.task.pk),
        "sandbox": url("sandbox"),
    }[name]


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def snapshot() -> tuple[object, ...]:
    """Everything a POST of this app could change."""
    return (
        AuditEvent.objects.count(),
        Review.objects.count(),
        MediaAsset.objects.count(),
        list(
            Post.objects.order_by("pk").values_list(
                "pk", "state", "title", "version", "round", "publish_at"
            )
        ),
        list(Delivery.objects.order_by("pk").values_list("pk", "state", "due_at", "remote_url")),
        list(Pause.objects.order_by("pk").values_list("pk", "desk_id", "resumed_at")),
        list(Channel.objects.order_by("pk").values_list("pk", "status", "credentials_sealed")),
        list(DistributionTask.objects.order_by("pk").values_list("pk", "state", "link")),
    )


def cells(row: Row) -> dict[str, int]:
    return dict(zip(PEOPLE, row, strict=True))


def table(expected: dict[str, tuple[Row, Row | None]]) -> list[object]:
    return [
        pytest.param(name, who, scope, cells(row)[who], id=f"{name}-{who}-{scope}")
        for name, (inside, outside) in expected.items()
        for scope, row in ((IN, inside), (OUT, outside))
        if row is not None
        for who in PEOPLE
    ]


# The tables -----------------------------------------------------------------------------------


def test_the_tables_cover_every_url_of_the_app():
    names = {p.name for p in urls.urlpatterns}

    assert names == set(GET_EXPECTED) | POST_ONLY
    assert set(POST_EXPECTED) == set(ATTEMPTS)
    assert set(VERB_ATTEMPTS) == set(views.VERBS)  # every verb of the "act" URL


@pytest.mark.parametrize(("name", "who", "scope", "expected"), table(GET_EXPECTED))
def test_get(client, world, name, who, scope, expected):
    response = signed_in(client, world.people[who]).get(get_url(name, world, scope))

    assert response.status_code == expected


@dataclass(frozen=True)
class Attempt:
    """One POST: how to send it, and how to tell it was done."""

    send: Callable[[Client, World, str, User], object]
    done: Callable[[World, str, User], bool]
    prepare: Callable[[World, str], object] | None = None


def _state(post: Post) -> str:
    return Post.objects.values_list("state", flat=True).get(pk=post.pk)


def _act(verb: str, post: Callable[[Side], Post], state: str, **data: str) -> Attempt:
    return Attempt(
        send=lambda c, w, scope, u: c.post(url("act", post(w.side(scope)).pk, verb), data),
        done=lambda w, scope, u: _state(post(w.side(scope))) == state,
    )


VERB_ATTEMPTS: dict[str, Attempt] = {
    "submit": _act("submit", lambda s: s.draft, PostState.IN_REVIEW),
    "approve": _act("approve", lambda s: s.in_review, PostState.APPROVED),
    "request_changes": _act(
        "request_changes",
        lambda s: s.in_review,
        PostState.CHANGES_REQUESTED,
        note="Add the helpline number.",
    ),
    "reject": _act("reject", lambda s: s.in_review, PostState.REJECTED, note="Off message."),
    "schedule": _act("schedule", lambda s: s.approved, PostState.SCHEDULED, publish_at=LATER),
    "unschedule": _act("unschedule", lambda s: s.scheduled, PostState.APPROVED),
    "withdraw": _act("withdraw", lambda s: s.scheduled, PostState.WITHDRAWN, note="Wrong date."),
    "comment": Attempt(
        send=lambda c, w, scope, u: c.post(
            url("act", w.side(scope).in_review.pk, "comment"), {"note": "Looks right to me."}
        ),
        done=lambda w, scope, u: Review.objects.filter(
            post=w.side(scope).in_review, reviewer=u, decision=Review.Decision.COMMENT
        ).exists(),
    ),
}


def compose_data(world: World, title: str, channel: Channel | None = None) -> dict[str, object]:
    chosen = channel or world.state_channel
    return {
        "title": title,
        "text_hi": "बहादुरगंज में राहत शिविर आज से खुले हैं।",
        "text_en": "",
        "channels": [chosen.pk],
        f"variant_{chosen.pk}": "",
        "claims": "",
        "mcmc_certificate": "",
        "publish_at": "",
        "draft": "",
    }


def calendar_csv(title: str) -> str:
    header = "date,time,title,text_hi,text_en,channels"
    return f"{header}\n2020-10-23,10:00,{title},राहत शिविर,,@vip_bihar\n"


def _pause(desk: Callable[[World, str], Desk | None]) -> Callable[[World, str], Pause]:
    def prepare(world: World, scope: str) -> Pause:
        return pause_publishing(
            election=world.election,
            actor=world.people[HD],
            reason="Rally incident",
            desk=desk(world, scope),
        )

    return prepare


def _active_pause(desk: Desk | None) -> Pause:
    return Pause.objects.get(desk=desk, resumed_at=None)


def _media_data(desk: Desk | None, title: str) -> dict[str, object]:
    return {
        "file": SimpleUploadedFile("camp.png", png_bytes(), content_type="image/png"),
        "kind": "image",
        "title": title,
        "alt_text": "A relief camp",
        "source": "Desk photographer",
        "desk": desk.pk if desk else "",
    }


ATTEMPTS: dict[str, Attempt] = {
    **VERB_ATTEMPTS,
    "compose": Attempt(
        send=lambda c, w, scope, u: c.post(
            url("compose"), compose_data(w, f"Written by {u.username}")
        ),
        done=lambda w, scope, u: Post.objects.filter(
            title=f"Written by {u.username}", author=u
        ).exists(),
    ),
    "edit": Attempt(
        send=lambda c, w, scope, u: c.post(
            url("edit", w.side(scope).draft.pk),
            compose_data(w, "Edited title", w.side(scope).channel),
        ),
        done=lambda w, scope, u: Post.objects.filter(
            pk=w.side(scope).draft.pk, title="Edited title", version=2
        ).exists(),
    ),
    "settle": Attempt(
        send=lambda c, w, scope, u: c.post(
            url("settle", w.side(scope).unconfirmed.pk),
            {"published": "yes", "url": "https://x.com/vip/status/1"},
        ),
        done=lambda w, scope, u: Delivery.objects.filter(
            pk=w.side(scope).unconfirmed.pk, state=Delivery.State.PUBLISHED
        ).exists(),
    ),
    "pause_all": Attempt(
        send=lambda c, w, scope, u: c.post(url("pause"), {"reason": "Rally incident", "desk": ""}),
        done=lambda w, scope, u: Pause.objects.filter(desk=None, resumed_at=None).exists(),
    ),
    "pause_desk": Attempt(
        send=lambda c, w, scope, u: c.post(
            url("pause"), {"reason": "Check the figures", "desk": w.side(scope).desk.pk}
        ),
        done=lambda w, scope, u: Pause.objects.filter(
            desk=w.side(scope).desk, resumed_at=None
        ).exists(),
    ),
    "resume_all": Attempt(
        prepare=_pause(lambda w, scope: None),
        send=lambda c, w, scope, u: c.post(url("pause"), {"resume": _active_pause(None).pk}),
        done=lambda w, scope, u: not Pause.objects.filter(resumed_at=None).exists(),
    ),
    "resume_desk": Attempt(
        prepare=_pause(lambda w, scope: w.side(scope).desk),
        send=lambda c, w, scope, u: c.post(
            url("pause"), {"resume": _active_pause(w.side(scope).desk).pk}
        ),
        done=lambda w, scope, u: not Pause.objects.filter(resumed_at=None).exists(),
    ),
    "channel_status": Attempt(
        send=lambda c, w, scope, u: c.post(
            url("channels"), {"channel": w.state_channel.pk, "status": "paused"}
        ),
        done=lambda w, scope, u: Channel.objects.filter(
            pk=w.state_channel.pk, status=Channel.Status.PAUSED
        ).exists(),
    ),
    "reauthorise": Attempt(
        send=lambda c, w, scope, u: c.post(
            url("channels"),
            {"channel": w.state_channel.pk, "credentials": "access_token=rotated-token"},
        ),
        done=lambda w, scope, u: (
            Channel.objects.get(pk=w.state_channel.pk).credentials
            == {"access_token": "rotated-token"}
        ),
    ),
    "import_calendar": Attempt(
        send=lambda c, w, scope, u: c.post(
            url("import_calendar"), {"csv_text": calendar_csv(f"Imported by {u.username}")}
        ),
        done=lambda w, scope, u: Post.objects.filter(
            title=f"Imported by {u.username}", author=u
        ).exists(),
    ),
    "media_state": Attempt(
        send=lambda c, w, scope, u: c.post(url("media"), _media_data(None, "State camp")),
        done=lambda w, scope, u: MediaAsset.objects.filter(title="State camp", desk=None).exists(),
    ),
    "media_desk": Attempt(
        send=lambda c, w, scope, u: c.post(
            url("media"), _media_data(w.side(scope).desk, "Desk camp")
        ),
        done=lambda w, scope, u: MediaAsset.objects.filter(
            title="Desk camp", desk=w.side(scope).desk
        ).exists(),
    ),
    "share": Attempt(
        send=lambda c, w, scope, u: c.post(
            url("share", w.task.pk), {"link": "https://chat.whatsapp.com/shared"}
        ),
        done=lambda w, scope, u: DistributionTask.objects.filter(
            pk=w.task.pk, state=DistributionTask.State.SHARED
        ).exists(),
    ),
}


@pytest.mark.parametrize(("name", "who", "scope", "expected"), table(POST_EXPECTED))
def test_post(client, world, name, who, scope, expected):
    user, attempt = world.people[who], ATTEMPTS[name]
    if attempt.prepare is not None:
        attempt.prepare(world, scope)
    before = snapshot()

    response = attempt.send(signed_in(client, user), world, scope, user)

    assert response.status_code == expected  # type: ignore[attr-defined]
    if expected == 302:
        assert attempt.done(world, scope, user)
        assert AuditEvent.objects.count() > before[0]
    else:
        assert snapshot() == before, "a refused request changed something"
        assert not attempt.done(world, scope, user)


@pytest.mark.parametrize("who", list(SEES))
def test_lists_show_only_posts_in_scope(client, world, who):
    signed_in(client, world.people[who])
    listed = client.get(url("posts")).content.decode()
    queue = client.get(url("review")).content.decode()

    def on_list(side: Side) -> bool:
        return f'href="{url("post", side.in_review.pk)}"' in listed

    def in_queue(side: Side) -> bool:
        return f'id="post-{side.in_review.pk}"' in queue

    assert (
        on_list(world.inside),
        on_list(world.outside),
        in_queue(world.inside),
        in_queue(world.outside),
    ) == SEES[who]


# Everyone else ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(GET_EXPECTED) | POST_ONLY))
def test_anonymous_visitor_is_sent_to_log_in(client, world, name):
    response = client.get(get_url(name, world, IN))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("name", sorted(POST_EXPECTED))
def test_anonymous_post_is_sent_to_log_in_and_changes_nothing(client, world, name):
    attempt = ATTEMPTS[name]
    if attempt.prepare is not None:
        attempt.prepare(world, IN)
    before = snapshot()

    response = attempt.send(client, world, IN, world.people[NB])

    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"].startswith(reverse("accounts:login"))  # type: ignore[index]
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_actions_refuse_get(client, world, name):
    assert signed_in(client, world.people[HD]).get(get_url(name, world, IN)).status_code == 405


def test_an_unknown_verb_is_404(client, world):
    before = snapshot()

    response = signed_in(client, world.people[HD]).post(
        url("act", world.inside.in_review.pk, "publish")
    )

    assert response.status_code == 404
    assert snapshot() == before


def test_missing_post_and_out_of_scope_post_give_the_same_404(client, world):
    signed_in(client, world.people[DL])
    missing = client.get(url("post", 999_999))
    hidden = client.get(url("post", world.outside.in_review.pk))

    assert missing.status_code == hidden.status_code == 404

    def page(response, path):  # type: ignore[no-untyped-def]
        text = response.content.decode().replace(path, "PATH")
        return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1TOKEN", text)

    assert page(missing, url("post", 999_999)) == page(
        hidden, url("post", world.outside.in_review.pk)
    )


def test_unknown_election_is_404(client, world):
    response = signed_in(client, world.people[HD]).get(
        reverse("publishing:posts", args=["no-such-election"])
    )

    assert response.status_code == 404


def test_a_writer_cannot_write_for_a_desk_that_is_not_theirs(client, world):
    writer58 = world.people[W58]

    response = signed_in(client, writer58).post(
        url("compose"), {**compose_data(world, "Sneaked in"), "desk": world.inside.desk.pk}
    )

    assert response.status_code == 302
    post = Post.objects.get(title="Sneaked in")
    assert post.desk == world.outside.desk  # their own desk, whatever the form said
    assert set(post.acs.values_list("number", flat=True)) == {58}


# Compose, submit and review --------------------------------------------------------------


def test_compose_and_submit_creates_a_post_in_review_with_its_audit_trail(client, world):
    writer = world.people[WR]

    response = signed_in(client, writer).post(
        url("compose"),
        {
            **compose_data(world, "Bridge repair starts", world.inside.channel),
            "submit": "",
        },
    )

    post = Post.objects.get(title="Bridge repair starts")
    assert response.status_code == 302
    assert response["Location"] == url("post", post.pk)
    assert (post.state, post.round, post.desk, post.author) == (
        PostState.IN_REVIEW,
        1,
        world.inside.desk,
        writer,
    )
    assert list(
        AuditEvent.objects.filter(object_type="publishing.post", object_id=str(post.pk))
        .order_by("id")
        .values_list("action", "actor")
    ) == [("post.created", writer.pk), ("post.submitted", writer.pk)]
    page = client.get(response["Location"]).content.decode()
    assert "In review" in page
    assert "बहादुरगंज में राहत शिविर आज से खुले हैं।" in page


def variant_block(html: str, channel: Channel) -> str:
    """The compose form's part for one channel's variant: its field and its errors."""
    start = html.index(f'<div class="variant" data-channel="{channel.pk}"')
    end = html.find('<div class="variant"', start + 1)
    return html[start : end if end != -1 else html.index('name="acs"', start)]


def test_an_over_long_x_text_is_refused_next_to_its_field_and_kept(client, world):
    too_long = "क" * 300
    x = world.state_channel
    before = snapshot()

    response = signed_in(client, world.people[WR]).post(
        url("compose"),
        {
            **compose_data(world, "Too long for X"),
            f"variant_{x.pk}": too_long,
            "submit": "",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert snapshot() == before
    block = variant_block(html, x)
    assert "300 of 280 characters: shorten it by 20." in block
    assert re.search(rf'<textarea name="variant_{x.pk}"[^>]*>\s*{too_long}</textarea>', block)
    assert 'value="Too long for X"' in html
    assert 'role="alert"' in html


def test_a_blocked_submission_at_compose_shows_the_rule(client, world):
    screeners.register("test-silence")(
        lambda **kwargs: [Finding("R-SIL-2", "Campaign silence in AC 52 until 18:00 IST.")]
    )
    try:
        response = signed_in(client, world.people[WR]).post(
            url("compose"), {**compose_data(world, "During the silence"), "submit": ""}
        )
    finally:
        screeners._items.pop("test-silence")

    assert response.status_code == 200
    assert "R-SIL-2: Campaign silence in AC 52 until 18:00 IST." in response.content.decode()


def test_a_blocked_submission_at_compose_leaves_no_stray_draft(client, world):
    screeners.register("test-silence")(
        lambda **kwargs: [Finding("R-SIL-2", "Campaign silence in AC 52 until 18:00 IST.")]
    )
    try:
        for _ in range(2):
            signed_in(client, world.people[WR]).post(
                url("compose"), {**compose_data(world, "During the silence"), "submit": ""}
            )
    finally:
        screeners._items.pop("test-silence")

    assert Post.objects.filter(title="During the silence").count() <= 1


def test_editing_a_post_that_is_being_published_is_refused_with_a_message(client, world):
    post = world.inside.unconfirmed.post
    before = snapshot()

    response = signed_in(client, world.people[WR]).get(url("edit", post.pk), follow=True)

    assert snapshot() == before
    assert response.redirect_chain == [(url("post", post.pk), 302)]
    assert "This post can no longer be edited." in response.content.decode()


def test_approving_from_the_review_queue_goes_back_to_the_queue(client, world):
    post = world.inside.in_review
    signed_in(client, world.people[DL])
    queue = client.get(url("review")).content.decode()
    item = queue.split(f'id="post-{post.pk}"')[1].split("</li>")[0]
    assert f'action="{url("act", post.pk, "approve")}"' in item
    assert "1 post waits for you" in queue

    response = client.post(url("act", post.pk, "approve"), {"next": "review"}, follow=True)

    assert response.redirect_chain == [(url("review"), 302)]
    html = response.content.decode()
    assert "Approved." in html
    assert f'id="post-{post.pk}"' not in html
    assert _state(post) == PostState.APPROVED
    assert AuditEvent.objects.filter(
        action="post.approved", object_id=str(post.pk), actor=world.people[DL]
    ).exists()


def test_the_author_is_not_offered_their_own_post_to_approve(client, world):
    # The head wrote it: in their queue it waits for someone else.
    post = world.outside.writing.write("The head's own post")
    post.author = world.people[HD]
    post.save(update_fields=["author"])
    submit_post(post=post, author=world.people[HD])

    html = signed_in(client, world.people[HD]).get(url("review")).content.decode()

    item = html.split(f'id="post-{post.pk}"')[1].split("</li>")[0]
    assert url("act", post.pk, "approve") not in item
    assert "Waiting for" in item


def test_rejecting_without_a_reason_is_refused_with_a_message(client, world):
    post = world.inside.in_review
    before = snapshot()

    response = signed_in(client, world.people[DL]).post(
        url("act", post.pk, "reject"), {"note": "  ", "next": "review"}, follow=True
    )

    assert response.redirect_chain == [(url("review"), 302)]
    assert "Say why, so the author knows what to do." in response.content.decode()
    assert snapshot() == before
    assert _state(post) == PostState.IN_REVIEW


def test_the_author_approving_their_own_post_is_refused_with_a_message(client, world):
    # The desk lead writes a post of their desk: four eyes, even for an approver.
    lead = world.people[DL]
    post = create_post(
        desk=world.inside.desk,
        author=lead,
        data=post_input(world.inside.channel, title="The lead's own"),
    )
    submit_post(post=post, author=lead)
    before = snapshot()

    response = signed_in(client, lead).post(url("act", post.pk, "approve"), follow=True)

    assert "You wrote this post: someone else must approve it." in response.content.decode()
    assert snapshot() == before


# Pause, settle, channels, media ------------------------------------------------------------


def test_pause_all_holds_deliveries_and_resume_sends_them(client, world):
    signed_in(client, world.people[SP])

    paused = client.post(url("pause"), {"reason": "Rally incident", "desk": ""}, follow=True)

    html = paused.content.decode()
    assert paused.redirect_chain == [(url("deliveries"), 302)]
    assert "Publishing paused: nothing held will go until resumed." in html
    assert "All publishing is paused" in html
    assert "Rally incident" in html
    pause = Pause.objects.get(resumed_at=None)
    assert pause.paused_by == world.people[SP]

    clock.set_now(world.inside.scheduled.publish_at + timedelta(minutes=1))
    board = client.get(url("deliveries")).content.decode()
    assert "Paused: Rally incident" in board  # the due deliveries say why they wait

    resumed = client.post(url("pause"), {"resume": pause.pk}, follow=True)

    html = resumed.content.decode()
    assert "Publishing resumed; 2 held deliveries go now." in html  # both desks' posts
    assert "All publishing is paused" not in html
    pause.refresh_from_db()
    assert (pause.resumed_by, pause.resumed_at) == (world.people[SP], clock.now())
    assert AuditEvent.objects.filter(action="publishing.resumed", object_id=str(pause.pk)).exists()


def test_a_desk_lead_pauses_their_own_desk(client, world):
    response = signed_in(client, world.people[DL]).post(
        url("pause"), {"reason": "Check the figures", "desk": world.inside.desk.pk}, follow=True
    )

    assert "Publishing paused for 52 Bahadurganj" in response.content.decode()
    assert Pause.objects.get(resumed_at=None).desk == world.inside.desk


@pytest.mark.parametrize("who", [NB, AN])
def test_pause_is_404_for_people_who_may_not_pause_whatever_they_send(client, world, who):
    response = signed_in(client, world.people[who]).post(url("pause"), {"reason": ""})

    assert response.status_code == 404


def test_pausing_without_a_reason_is_refused_with_a_message(client, world):
    before = snapshot()

    response = signed_in(client, world.people[HD]).post(
        url("pause"), {"reason": "", "desk": ""}, follow=True
    )

    assert "Say why publishing is paused." in response.content.decode()
    assert snapshot() == before


def test_settling_an_unconfirmed_delivery_as_published(client, world):
    unconfirmed = world.inside.unconfirmed
    signed_in(client, world.people[SP])
    board = client.get(url("deliveries")).content.decode()
    row = board.split(f'id="delivery-{unconfirmed.pk}"')[1].split("</tr>")[0]
    assert f'action="{url("settle", unconfirmed.pk)}"' in row

    response = client.post(
        url("settle", unconfirmed.pk),
        {"published": "yes", "url": "https://x.com/vip_bahadurganj/status/1"},
        follow=True,
    )

    assert response.redirect_chain == [(url("deliveries"), 302)]
    assert "Settled." in response.content.decode()
    unconfirmed.refresh_from_db()
    assert unconfirmed.state == Delivery.State.PUBLISHED
    assert unconfirmed.remote_url == "https://x.com/vip_bahadurganj/status/1"
    assert _state(unconfirmed.post) == PostState.PUBLISHED
    assert AuditEvent.objects.filter(
        action="delivery.published", object_id=str(unconfirmed.pk), actor=world.people[SP]
    ).exists()


def test_settling_as_not_there_tries_again_now(client, world):
    unconfirmed = world.inside.unconfirmed
    back = url("post", unconfirmed.post_id)

    response = signed_in(client, world.people[DL]).post(
        url("settle", unconfirmed.pk), {"published": "no", "next": back}
    )

    assert response.status_code == 302
    assert response["Location"] == back
    unconfirmed.refresh_from_db()
    assert (unconfirmed.state, unconfirmed.due_at) == (Delivery.State.PENDING, NOW)
    assert AuditEvent.objects.filter(
        action="delivery.retried_by_hand", object_id=str(unconfirmed.pk)
    ).exists()


def test_settling_without_an_answer_is_refused_with_a_message(client, world):
    before = snapshot()

    response = signed_in(client, world.people[HD]).post(
        url("settle", world.inside.unconfirmed.pk), {"url": ""}, follow=True
    )

    assert "Say whether the post is on the platform." in response.content.decode()
    assert snapshot() == before


def test_settling_never_redirects_off_site(client, world):
    response = signed_in(client, world.people[HD]).post(
        url("settle", world.inside.unconfirmed.pk),
        {"published": "yes", "next": "https://evil.example/phish"},
    )

    assert not response["Location"].startswith("https://evil.example")


def test_reauthorising_a_channel_seals_the_new_credentials(client, world):
    x = world.state_channel
    Channel.objects.filter(pk=x.pk).update(status=Channel.Status.NEEDS_REAUTH)
    signed_in(client, world.people[HD])

    response = client.post(
        url("channels"),
        {"channel": x.pk, "credentials": "access_token = fresh-token-77\n\nuser_id=42\n"},
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain == [(url("channels"), 302)]
    assert "New credentials sealed; the channel is connected." in html
    assert "fresh-token-77" not in html
    stored = Channel.objects.get(pk=x.pk)
    assert stored.status == Channel.Status.CONNECTED
    assert stored.credentials == {"access_token": "fresh-token-77", "user_id": "42"}
    raw = Channel.objects.filter(pk=x.pk).values_list("credentials_sealed", flat=True)[0]
    assert "fresh-token-77" not in raw
    event = AuditEvent.objects.get(action="channel.reauthorised", object_id=str(x.pk))
    assert event.after == {"status": "connected", "credentials": ["access_token", "user_id"]}
    assert "fresh-token-77" not in client.get(url("channels")).content.decode()


def test_credentials_not_written_as_name_value_are_refused(client, world):
    before = snapshot()

    response = signed_in(client, world.people[HD]).post(
        url("channels"), {"channel": world.state_channel.pk, "credentials": "just-a-token"}
    )

    assert response.status_code == 200
    assert "Write each credential as name=value." in response.content.decode()
    assert snapshot() == before


def test_a_channel_of_another_election_or_none_is_404(client, world):
    before = snapshot()

    response = signed_in(client, world.people[HD]).post(
        url("channels"), {"channel": "999999", "status": "paused"}
    )

    assert response.status_code == 404
    assert snapshot() == before


def test_uploading_a_png_adds_it_to_the_desks_library(client, world, media_root):
    signed_in(client, world.people[WR])

    response = client.post(
        url("media"), _media_data(world.inside.desk, "Relief camp photo"), follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain == [(url("media"), 302)]
    assert "Added to the library." in html
    assert "Relief camp photo" in html
    medium = MediaAsset.objects.get(title="Relief camp photo")
    assert (medium.desk, medium.content_type, medium.size) == (
        world.inside.desk,
        "image/png",
        len(png_bytes()),
    )
    assert Path(medium.file.path).read_bytes() == png_bytes()
    assert Path(medium.file.path).is_relative_to(media_root)


def test_a_text_file_named_png_is_refused_with_the_message(client, world, media_root):
    before = snapshot()
    fake = SimpleUploadedFile("camp.png", b"not a picture at all\n", content_type="image/png")

    response = signed_in(client, world.people[WR]).post(
        url("media"),
        {**_media_data(world.inside.desk, "Fake picture"), "file": fake},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert snapshot() == before
    assert list(media_root.rglob("*.png")) == []
    field = html.split('name="file"')[1].split('<div class="field">')[0]
    assert "Only JPEG, PNG, GIF, WebP images and MP4 videos can be added." in field
    assert 'value="Fake picture"' in html


def test_sharing_by_hand_records_the_link(client, world):
    response = signed_in(client, world.people[WR]).post(
        url("share", world.task.pk), {"link": "https://chat.whatsapp.com/shared"}, follow=True
    )

    assert "Thank you: marked as shared." in response.content.decode()
    world.task.refresh_from_db()
    assert world.task.link == "https://chat.whatsapp.com/shared"


def test_sharing_without_proof_is_refused_with_a_message(client, world):
    before = snapshot()

    response = signed_in(client, world.people[WR]).post(
        url("share", world.task.pk), {"link": ""}, follow=True
    )

    assert "Add the link to your post or a screenshot of it." in response.content.decode()
    assert snapshot() == before


# Query counts ----------------------------------------------------------------------------


def count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def in_review(world: World, total: int) -> None:
    """``total`` posts of AC 52 in review."""
    have = Post.objects.filter(desk=world.inside.desk, state=PostState.IN_REVIEW).count()
    for n in range(have, total):
        world.inside.writing.submitted(f"Queued {n}")


def waiting(world: World, total: int) -> None:
    """``total`` deliveries waiting for their time."""
    have = Delivery.objects.filter(state=Delivery.State.PENDING).count()
    for n in range(have, total):
        world.inside.writing.approved(f"Waiting {n}", publish_at=NOW + timedelta(hours=n + 1))


def test_review_queue_queries_do_not_grow_with_its_posts(client, world):
    signed_in(client, world.people[DL])
    in_review(world, 3)
    few = count_queries(client, url("review"))
    in_review(world, 12)

    assert count_queries(client, url("review")) == few


def test_deliveries_board_queries_do_not_grow_with_deliveries(client, world):
    signed_in(client, world.people[HD])
    waiting(world, 3)
    few = count_queries(client, url("deliveries"))
    waiting(world, 12)

    assert count_queries(client, url("deliveries")) == few


def test_post_page_query_count(client, world, django_assert_max_num_queries):
    signed_in(client, world.people[DL])
    in_review(world, 3)
    # session, user, election, grants (memberships, their desks' areas), the post, its ACs
    # (for the permission, the page, the approvers), its steps (channel ids, policies: twice),
    # approvers (memberships, their desks' areas), this round's approvals, deliveries,
    # variants with channels and their posting slots, ACs, media, claims, the step's start,
    # reviews, engagement, the timeline (deliveries, events), the header's unread count
    with django_assert_max_num_queries(POST_PAGE_QUERIES):
        client.get(url("post", world.inside.in_review.pk))


def test_post_page_queries_do_not_grow_with_posts(client, world):
    signed_in(client, world.people[DL])
    page = url("post", world.inside.in_review.pk)
    in_review(world, 3)
    few = count_queries(client, page)
    in_review(world, 12)

    assert count_queries(client, page) == few


def with_channels(world: World, n: int, **changes: object) -> Post:
    """A post of AC 52 in review for the desk's channel and ``n - 1`` more of the state's."""
    extra = [
        channel(world.election, handle=f"@extra_{n}_{i}", platform="mastodon") for i in range(n - 1)
    ]
    chosen = [world.inside.channel, *extra]
    return world.inside.writing.submitted(
        f"For {n} channels", variants={c.pk: "" for c in chosen}, **changes
    )


def test_post_page_queries_do_not_grow_with_its_channels(client, world):
    signed_in(client, world.people[DL])
    one, four = with_channels(world, 1), with_channels(world, 4)

    assert count_queries(client, url("post", four.pk)) == count_queries(client, url("post", one.pk))


def test_post_page_queries_do_not_grow_with_its_deliveries(client, world):
    signed_in(client, world.people[DL])
    at = NOW + timedelta(days=1)
    one, four = with_channels(world, 1, publish_at=at), with_channels(world, 4, publish_at=at)
    for post in (one, four):
        approve_post(post=post, reviewer=world.people[DL])  # scheduled: a delivery a channel
    assert Delivery.objects.filter(post=four, state=Delivery.State.PENDING).count() == 4

    assert count_queries(client, url("post", four.pk)) == count_queries(client, url("post", one.pk))


POST_PAGE_QUERIES = 28
