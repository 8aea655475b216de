"""Every HTML URL x every role x inside / outside the desk's scope.

The cell is the demo's (the Bihar 2020 exercise copy: desks, people, posts, the playbook,
training, monitoring, an API token) with one more object of each desk-bound kind at the
Valmiki Nagar desk (AC 1, West Champaran): out of reach of everyone at Bahadurganj (AC 52) and
at the Kishanganj district desk, whose objects are the "inside" ones. It is built once for the
module; every request runs in a savepoint that is rolled back, so a POST changes nothing the
next request sees.

Each URL name has a probe: how to fill its arguments with an object inside the asker's
scope, outside it, or missing, and the action (``roles.Action``) the view requires. What a
role may do is asked of ``permissions.allows`` with the asker's own grants, so the matrix in
``roles.py`` is the expectation. The project's convention (docs/permissions.md, "A refusal is
a 404"): a refusal and an object out of scope both answer the same 404 as a missing id. A new
URL without a probe fails the first test.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from itcell.accounts.models import User
from itcell.api.models import WebhookDelivery, WebhookSubscription
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import District, Election
from itcell.monitoring.models import Alert, Claim, ClaimMatch, Item, ItemTag, Source, Tip, hour_of
from itcell.monitoring.nlp import Kind
from itcell.notifications.models import Notification
from itcell.organisation import selectors as org
from itcell.organisation.models import Desk
from itcell.organisation.permissions import Grant, Target, allows
from itcell.organisation.roles import Action, Role
from itcell.organisation.services import assign_shift, grant_role, ist, write_handover
from itcell.organisation.tests.factories import desk as desk_at
from itcell.organisation.tests.factories import person
from itcell.playbook.models import (
    CalendarDay,
    Guidance,
    Module,
    PostTemplate,
    Revision,
    TalkingPoint,
    Theme,
    Workshop,
)
from itcell.publishing import crypto
from itcell.publishing.models import Channel, Delivery, DistributionTask
from itcell.publishing.services.posts import create_post
from itcell.publishing.tests.factories import post_input
from itcell.warroom import report_files, reports

pytestmark = pytest.mark.django_db

#: Text only the objects outside Bahadurganj and Kishanganj carry: no page answered to someone
#: whose reach stops at Kishanganj may show it.
SECRET = "ZQXOUTSIDE"
#: The pages anyone may open signed out; they get their own check below.
PUBLIC = {
    "accounts:login",
    "accounts:logout",
    "accounts:switch_language",
    "accounts:set_password",
    # The second steps of signing in (a code; enrolling a second factor), for a person
    # half-signed-in: the accounts app's tests own them.
    "accounts:two_factor",
    "accounts:enrol_two_factor",
    "organisation:join",
    "core:healthz",
}
SKIPPED_MOUNTS = ("api/", "admin/")
MISSING = 987_654
#: The askers: their usernames in the demo (or made here), state-wide ones first.
WHO = {
    "head": "head",
    "spokesperson": "spokesperson",
    "district_lead": "lead.kishanganj",
    "lead": "lead.bahadurganj",
    "writer": "writer.bahadurganj",
    "analyst": "az.analyst",
    "trainer": "az.trainer",
    "observer": "az.observer",
    "nobody": "az.nobody",
}
STATE_WIDE = {"head", "spokesperson"}


# --- the cell -----------------------------------------------------------------------------------


@dataclass
class World:
    election: Election
    users: dict[str, User]
    grants: dict[str, list[Grant]]
    clients: dict[str, Client]
    #: kind -> "inside" / "outside" -> object
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: kind -> who -> the asker's own object (shifts, tasks, notifications)
    own: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.election.slug

    def pk(self, kind: str, where: str) -> int:
        return MISSING if where == "missing" else self.objects[kind][where].pk


def _build_demo() -> Election:
    from itcell.accounts.services import create_user
    from itcell.api import demo as api_demo
    from itcell.compliance import demo as compliance_demo
    from itcell.elections.models import Party
    from itcell.elections.services import create_or_shift_exercise, load_election, set_own_party
    from itcell.monitoring import demo as monitoring_demo
    from itcell.organisation import demo as organisation_demo
    from itcell.playbook import demo as playbook_demo
    from itcell.playbook import training_demo
    from itcell.publishing import demo as publishing_demo

    source = load_election(name="bihar-2020").election
    election = create_or_shift_exercise(
        source=source, first_poll_on=clock.today_ist() + timedelta(days=4)
    )
    set_own_party(election=election, party=Party.objects.get(short_name="VIP"))
    create_user(username="head", password="x", display_name="Cell Head")
    organisation_demo.build(election=election, password="x", first_day=clock.today_ist())
    for demo in (playbook_demo, publishing_demo, compliance_demo, training_demo, monitoring_demo):
        demo.build(election=election)
    api_demo.build(election=election)
    return election


def _build(election: Election) -> World:
    district = desk_at(election, "KISHANGANJ")
    inside, outside = desk_at(election, 52), desk_at(election, 1)
    assert outside.district_id != inside.district_id
    users = {who: User.objects.filter(username=name).first() for who, name in WHO.items()}
    for who, role in (
        ("analyst", Role.ANALYST),
        ("trainer", Role.TRAINER),
        ("observer", Role.OBSERVER),
    ):
        users[who] = person(WHO[who], inside, role)
    users["nobody"] = person(WHO["nobody"])
    outsider = person("az.outsider", outside, Role.WRITER)
    grant_role(user=outsider, desk=outside, role=Role.DESK_LEAD, actor=None)
    grants = {who: org.get_grants(user=u, election=election) for who, u in users.items()}
    clients = {}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    world = World(election, users, grants, clients)
    o = world.objects
    o["desk"] = {"inside": inside, "outside": outside}
    o["district"] = {
        "inside": District.objects.get(pk=district.district_id),
        "outside": District.objects.get(pk=outside.district_id),
    }
    o["handover"] = {
        "inside": write_handover(
            desk=inside, author=users["writer"], pending_items="", open_alerts="", notes="in"
        ),
        "outside": write_handover(
            desk=outside, author=outsider, pending_items="", open_alerts="", notes=SECRET
        ),
    }
    # Shifts of one's own, ten days on (after the demo's week of roster).
    day = clock.today_ist() + timedelta(days=10)
    world.own["shift"] = {
        who: assign_shift(
            desk=Desk.objects.get(pk=g[0].desk_id),
            user=users[who],
            starts_at=ist(day, time(n)),
            ends_at=ist(day, time(n)) + timedelta(minutes=50),
            actor=None,
        )
        for n, (who, g) in enumerate(grants.items())
        if g
    }
    o["shift"] = {
        "outside": assign_shift(
            desk=outside,
            user=outsider,
            starts_at=ist(day, time(20)),
            ends_at=ist(day, time(21)),
            actor=None,
        )
    }
    party_channel = Channel.objects.filter(election=election, desk=None).first()
    assert party_channel is not None
    o["post"] = {
        "inside": create_post(
            desk=inside,
            author=users["writer"],
            data=post_input(party_channel, title="Inside post", publish_at=None),
        ),
        "outside": create_post(
            desk=outside,
            author=outsider,
            data=post_input(
                party_channel,
                title=SECRET,
                text_hi=SECRET,
                text_en=SECRET,
                ac_numbers=frozenset({1}),
                publish_at=None,
            ),
        ),
    }
    now = clock.now()
    o["delivery"] = {
        where: Delivery.objects.create(
            post=post, channel=party_channel, state=Delivery.State.FAILED, due_at=now
        )
        for where, post in o["post"].items()
    }
    world.own["task"] = {
        who: DistributionTask.objects.create(
            delivery=o["delivery"]["inside"], volunteer=user, desk=inside
        )
        for who, user in users.items()
        if who != "nobody"  # tasks are made for the cell's members
    }
    o["task"] = {
        "outside": DistributionTask.objects.create(
            delivery=o["delivery"]["outside"], volunteer=outsider, desk=outside
        )
    }
    source = Source.objects.create(election=election, name="az probe", backend="push")
    o["item"] = {}
    for where, number in (("inside", 52), ("outside", 1)):
        item = Item.objects.create(
            election=election,
            source=source,
            platform="api",
            external_id=f"az-{where}",
            text=SECRET if where == "outside" else "बहादुरगंज",
            published_at=now - timedelta(hours=1),
            fetched_at=now,
        )
        ItemTag.objects.create(item=item, kind=Kind.AC, key=str(number), confidence=1.0)
        o["item"][where] = item
    claim = Claim.objects.filter(election=election).first()
    assert claim is not None
    o["match"] = {
        where: ClaimMatch.objects.create(item=item, claim=claim, score=0.9)
        for where, item in o["item"].items()
    }
    o["alert"] = {
        where: Alert.objects.create(
            election=election,
            kind=Alert.Kind.SPIKE,
            key=f"ac:{number}",
            hour=hour_of(now - timedelta(hours=30)),  # not one of the demo's hours
            ac_number=number,
            desk=desk,
            figures={
                "current": 9,
                "baseline_mean": 1.0,
                "baseline_hours": 24,
                "expected": 1.0,
                "ratio": 9.0,
                "p_value": 0.0001,
            },
        )
        for where, number, desk in (("inside", 52, inside), ("outside", 1, outside))
    }
    o["tip"] = {}
    for where, who in (("inside", users["writer"]), ("outside", outsider)):
        tip = Tip(item=o["item"][where], member=who, via=Tip.Via.FORM)
        tip.screenshot.save(f"az-{where}.png", ContentFile(b"\x89PNG az"), save=False)
        tip.save()
        o["tip"][where] = tip
    world.own["notification"] = {
        who: Notification.objects.create(
            recipient=user, kind="system", title=f"for {who}", url="/notifications/"
        )
        for who, user in users.items()
    }
    o["notification"] = {
        "outside": Notification.objects.create(recipient=outsider, kind="system", title=SECRET)
    }
    subscription = WebhookSubscription.objects.create(
        election=election,
        name="az hook",
        url="https://hooks.example.org/itcell",
        events=["post.published"],
        sealed_secret=crypto.seal({"secret": "s"}),
        created_by=users["head"],
    )
    o["subscription"] = {"inside": subscription}
    o["webhook_delivery"] = {
        "inside": WebhookDelivery.objects.create(
            subscription=subscription,
            event="post.published",
            event_id=uuid4(),
            payload={},
            state=WebhookDelivery.State.FAILED,
            created_at=now,
        )
    }
    from itcell.api.models import ApiToken

    election_wide = {
        "token": ApiToken.objects.filter(election=election),
        "point": TalkingPoint.objects.filter(election=election),
        "revision": Revision.objects.filter(election=election, state=Revision.State.PROPOSED),
        "theme": Theme.objects.filter(election=election),
        "guidance": Guidance.objects.filter(election=election),
        "template": PostTemplate.objects.filter(election=election),
        "day": CalendarDay.objects.filter(election=election),
        "module": Module.objects.filter(election=election, is_active=True),
        "workshop": Workshop.objects.filter(election=election),
    }
    for kind, rows in election_wide.items():
        found = rows.first()
        assert found is not None, kind
        o[kind] = {"inside": found}
    # Reports the nightly job kept, yesterday, for each district.
    yesterday = clock.now().astimezone(IST).date() - timedelta(days=1)
    folder = report_files.report_dir(election, yesterday)
    folder.mkdir(parents=True, exist_ok=True)
    for district_row in o["district"].values():
        area = reports.get_area(district=district_row)
        (folder / report_files.kept_name(area, "en", "csv")).write_bytes(b"section,metric\n")
    world.objects["report_day"] = {"inside": yesterday}
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """The cell, built once for the module inside a transaction rolled back at its end."""
    from itcell.publishing.connectors import DEFAULT_CONNECTORS

    overrides = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}},
        ITCELL_CONNECTORS={
            **DEFAULT_CONNECTORS,
            "locmem": {"BACKEND": "itcell.publishing.connectors.locmem.LocmemConnector"},
        },
    )
    with django_db_blocker.unblock(), overrides:
        atomic = transaction.atomic()
        atomic.__enter__()
        built = None
        try:
            built = _build(_build_demo())
            yield built
        finally:
            if built is not None:
                day = built.objects["report_day"]["inside"]
                _remove(report_files.report_dir(built.election, day))
                for tip in built.objects["tip"].values():
                    tip.screenshot.delete(save=False)
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _remove(folder: Path) -> None:
    for path in folder.glob("*"):
        path.unlink()
    folder.rmdir()


# --- the probes ---------------------------------------------------------------------------------

Kwargs = Callable[[World, str, str], dict[str, Any]]
Targets = Callable[[World, str], Target | None]


def anywhere(w: World, where: str) -> Target | None:
    return None


def area(w: World, where: str) -> Target | None:
    """The desk the object belongs to (Bahadurganj inside, Valmiki Nagar outside)."""
    return org.desk_target(w.objects["desk"][where])


def state(w: World, where: str) -> Target | None:
    return org.state_target(election=w.election)


def district_area(w: World, where: str) -> Target | None:
    return reports.get_area(district=w.objects["district"][where]).target


def ac(number_inside: int = 52) -> Targets:
    return lambda w, where: Target(acs=frozenset({52 if where == "inside" else 1}))


@dataclass(frozen=True)
class Probe:
    action: Action | None  # None: any signed-in person
    target: Targets = anywhere
    kwargs: Kwargs | None = None  # None: the URL takes the election's slug only
    query: Callable[[World, str], dict[str, Any]] = lambda w, where: {}
    post: bool = False  # a POST-only view: it is sent an empty form (but for ``data``)
    data: Callable[[World, str], dict[str, Any]] = lambda w, where: {}
    #: Whether the asker may, when more than the action decides it (one's own shift, say).
    allowed: Callable[[World, str, str], bool] | None = None
    #: Whether the URL can name an object out of scope (False: election-wide objects).
    scoped: bool = True
    #: Why the page shows the whole state to whoever may open it ("" when it must not).
    whole_state: str = ""

    #: Whether the arguments name an object (False: asked once, inside).
    names_object: bool = True
    #: Whether an id can be missing (False: public reference numbers, an AC's, say).
    can_miss: bool = True

    def wheres(self) -> list[str]:
        plain = self.kwargs is None and self.query is Probe.query and self.data is Probe.data
        if not self.names_object or plain:
            return ["inside"]
        wheres = ["inside", "outside", "missing"] if self.scoped else ["inside", "missing"]
        return wheres if self.can_miss else wheres[:-1]


AUDIT = "the trail is the installation's (docs/audit.md)"
ITEMS = "the feed and its items are the whole election's (docs/monitoring.md, Screens)"


def obj(of: str, name: str | None = None, /, **extra: Any) -> Kwargs:
    """Fill ``name`` (default ``<of>_id``) with the id of the object of kind ``of``, and
    ``extra`` as given."""
    return lambda w, where, who: {name or f"{of}_id": w.pk(of, where), **extra}


def own(kind: str, name: str) -> Kwargs:
    """One's own object inside; another person's (out of scope) outside."""

    def kwargs(w: World, where: str, who: str) -> dict[str, Any]:
        if where == "inside":
            mine = w.own[kind].get(who) or w.own[kind]["writer"]
            return {name: mine.pk}
        return {name: w.pk(kind, where)}

    return kwargs


def owner_may(kind: str, action: Action | None = None) -> Callable[[World, str, str], bool]:
    def allowed(w: World, where: str, who: str) -> bool:
        if where != "inside" or who not in w.own[kind]:
            return False
        if action is None:
            return True
        desk_id = w.own[kind][who].desk_id
        return allows(w.grants[who], action, org.desk_target(Desk.objects.get(pk=desk_id)))

    return allowed


def election_wide(of: str, name: str | None = None, /, **extra: Any) -> dict[str, Any]:
    """An object of the whole election's (the playbook, say): no desk's, so none out of scope."""
    return {"kwargs": obj(of, name, **extra), "scoped": False}


def fixed(**kwargs: Any) -> dict[str, Any]:
    """Arguments that name no object: asked once, inside."""
    return {"kwargs": lambda w, where, who: kwargs, "names_object": False}


def ac_query(w: World, where: str) -> dict[str, Any]:
    return {"ac": {"inside": 52, "outside": 1}.get(where, 999)}


def tip_allowed(w: World, where: str, who: str) -> bool:
    tip = w.objects["tip"][where]
    return tip.member_id == w.users[who].pk or allows(w.grants[who], Action.MONITOR)


def day_kwargs(w: World, where: str, who: str) -> dict[str, Any]:
    return {"day": w.objects["report_day"]["inside"].isoformat()}


def district_query(w: World, where: str) -> dict[str, Any]:
    return {"district": w.pk("district", where)}


def kept_kwargs(w: World, where: str, who: str) -> dict[str, Any]:
    district_id = MISSING if where == "missing" else w.objects["district"][where].pk
    return {**day_kwargs(w, where, who), "name": f"district-{district_id}-en.csv"}


PROBES: dict[str, Probe] = {
    # notifications: one's own, whoever one is
    "notifications:inbox": Probe(None),
    "notifications:mark_read": Probe(
        None, kwargs=own("notification", "pk"), post=True, allowed=owner_may("notification")
    ),
    "notifications:mark_all_read": Probe(None, post=True),
    "notifications:preferences": Probe(None),
    "notifications:badge": Probe(None),
    # organisation
    "organisation:desks": Probe(Action.VIEW),
    "organisation:desk": Probe(Action.VIEW, area, obj("desk")),
    "organisation:roster": Probe(Action.VIEW, area, obj("desk")),
    "organisation:roster_template": Probe(Action.MANAGE_ROSTER, area, obj("desk"), post=True),
    "organisation:handover": Probe(Action.WRITE_HANDOVER, area, obj("desk")),
    "organisation:acknowledge": Probe(
        Action.ACKNOWLEDGE_HANDOVER,
        area,
        lambda w, where, who: {
            "desk_id": w.pk("desk", where),
            "handover_id": w.pk("handover", where),
        },
        post=True,
    ),
    "organisation:invite": Probe(Action.MANAGE_MEMBERS, area, obj("desk")),
    # A district's roster shows the desks of it the asker may see: AC 52's lead sees theirs.
    "organisation:district_roster": Probe(Action.VIEW, area, obj("district")),
    "organisation:coverage": Probe(Action.VIEW),
    "organisation:my_shifts": Probe(Action.VIEW),
    "organisation:check_in": Probe(
        Action.CHECK_IN,
        kwargs=own("shift", "shift_id"),
        post=True,
        allowed=owner_may("shift", Action.CHECK_IN),
    ),
    "organisation:check_out": Probe(
        Action.CHECK_IN,
        kwargs=own("shift", "shift_id"),
        post=True,
        allowed=owner_may("shift", Action.CHECK_IN),
    ),
    "organisation:import_members": Probe(Action.MANAGE_MEMBERS, state),
    "organisation:on_duty": Probe(Action.VIEW),
    # publishing
    "publishing:posts": Probe(Action.VIEW),
    "publishing:compose": Probe(Action.DRAFT),
    "publishing:check": Probe(Action.DRAFT, post=True),
    "publishing:from_template": Probe(
        Action.DRAFT,
        area,
        post=True,
        data=lambda w, where: {
            "desk": w.pk("desk", where),
            "start_template": w.objects["template"]["inside"].pk,
        },
    ),
    "publishing:post": Probe(Action.VIEW, area, obj("post")),
    "publishing:edit": Probe(Action.DRAFT, area, obj("post")),
    "publishing:act": Probe(Action.VIEW, area, obj("post", verb="comment"), post=True),
    "publishing:review": Probe(Action.VIEW),
    "publishing:calendar": Probe(Action.VIEW),
    "publishing:import_calendar": Probe(Action.DRAFT),
    "publishing:deliveries": Probe(Action.VIEW),
    "publishing:settle": Probe(Action.APPROVE, area, obj("delivery"), post=True),
    "publishing:pause": Probe(Action.PAUSE_PUBLISHING, post=True),
    "publishing:channels": Probe(Action.VIEW),
    "publishing:media": Probe(Action.VIEW),
    "publishing:tasks": Probe(Action.VIEW),
    "publishing:share": Probe(
        None, kwargs=own("task", "task_id"), post=True, allowed=owner_may("task", Action.VIEW)
    ),
    "publishing:sandbox": Probe(Action.VIEW),
    # compliance
    "compliance:overview": Probe(Action.VIEW),
    "compliance:check_json": Probe(Action.VIEW, post=True),
    "compliance:override": Probe(Action.OVERRIDE_FINDING, area, obj("post"), post=True),
    "compliance:ledger": Probe(Action.VIEW),
    "compliance:certificates": Probe(Action.VIEW),
    "compliance:takedowns": Probe(Action.VIEW),
    "compliance:dossier": Probe(
        Action.VIEW_AUDIT, ac(), lambda w, where, who: {"fmt": "csv"}, ac_query, can_miss=False
    ),
    "compliance:dossier_pdf": Probe(
        Action.VIEW_AUDIT, ac(), lambda w, where, who: {"fmt": "pdf"}, ac_query, can_miss=False
    ),
    # monitoring
    "monitoring:feed": Probe(Action.MONITOR, whole_state=ITEMS),
    "monitoring:item": Probe(Action.MONITOR, anywhere, obj("item"), whole_state=ITEMS),
    "monitoring:label_stance": Probe(Action.MONITOR, area, obj("item"), post=True),
    "monitoring:decide_match": Probe(Action.MONITOR, area, obj("match"), post=True),
    "monitoring:alerts": Probe(Action.MONITOR),
    "monitoring:alert_act": Probe(Action.MONITOR, area, obj("alert", verb="dismiss"), post=True),
    "monitoring:narratives": Probe(Action.MONITOR),
    "monitoring:claims": Probe(Action.MONITOR),
    "monitoring:sources": Probe(Action.MONITOR),
    "monitoring:stance": Probe(Action.MONITOR),
    "monitoring:train_stance": Probe(Action.MONITOR, state, post=True),
    "monitoring:tips": Probe(Action.VIEW),
    # A tip's screenshot: for its sender, and for whoever monitors (items are the election's).
    "monitoring:tip_screenshot": Probe(
        Action.MONITOR,
        kwargs=lambda w, where, who: {
            "item_id": MISSING if where == "missing" else w.objects["tip"][where].item_id
        },
        allowed=tip_allowed,
        whole_state=ITEMS,
    ),
    # war room (``warroom.selectors.WAR_ROOM`` is ``monitor``)
    "warroom:map": Probe(Action.MONITOR),
    "warroom:summary": Probe(Action.MONITOR, state),
    "warroom:outlines": Probe(Action.MONITOR),
    "warroom:measures": Probe(Action.MONITOR),
    "warroom:panel": Probe(
        Action.MONITOR,
        ac(),
        lambda w, where, who: {"number": {"inside": 52, "outside": 1}.get(where, 999)},
    ),
    "warroom:seats": Probe(Action.MONITOR),
    "warroom:chart": Probe(Action.MONITOR, state),
    "warroom:district": Probe(Action.MONITOR, district_area, obj("district")),
    "warroom:ticker": Probe(Action.MONITOR),
    "warroom:report_latest": Probe(Action.MONITOR, district_area),
    "warroom:report": Probe(Action.MONITOR, district_area, day_kwargs, query=district_query),
    "warroom:report_pdf": Probe(Action.MONITOR, district_area, day_kwargs, query=district_query),
    "warroom:report_csv": Probe(Action.MONITOR, district_area, day_kwargs, query=district_query),
    "warroom:report_kept": Probe(Action.MONITOR, district_area, kept_kwargs),
    # playbook: everyone reads it; writers propose; the head and spokesperson edit
    "playbook:overview": Probe(Action.VIEW),
    "playbook:propose_new": Probe(Action.DRAFT),
    "playbook:point": Probe(Action.VIEW, **election_wide("point")),
    "playbook:propose": Probe(Action.DRAFT, **election_wide("point")),
    "playbook:version": Probe(Action.VIEW, **election_wide("point", version=1)),
    "playbook:review": Probe(Action.EDIT_PLAYBOOK),
    "playbook:decide": Probe(
        Action.EDIT_PLAYBOOK, post=True, **election_wide("revision", verb="reject")
    ),
    "playbook:theme_new": Probe(Action.EDIT_PLAYBOOK),
    "playbook:theme": Probe(Action.EDIT_PLAYBOOK, **election_wide("theme")),
    "playbook:guidance_new": Probe(Action.EDIT_PLAYBOOK),
    "playbook:guidance": Probe(Action.EDIT_PLAYBOOK, **election_wide("guidance")),
    "playbook:template_new": Probe(Action.EDIT_PLAYBOOK),
    "playbook:preview": Probe(Action.EDIT_PLAYBOOK, post=True),
    "playbook:template": Probe(Action.EDIT_PLAYBOOK, **election_wide("template")),
    "playbook:day_new": Probe(Action.EDIT_PLAYBOOK),
    "playbook:day": Probe(Action.EDIT_PLAYBOOK, **election_wide("day")),
    "playbook:delete": Probe(
        Action.EDIT_PLAYBOOK, post=True, **election_wide("theme", "thing_id", kind="theme")
    ),
    # training
    "training:mine": Probe(Action.VIEW),
    "training:module": Probe(Action.VIEW, **election_wide("module")),
    "training:board": Probe(Action.TRAIN),
    "training:remind": Probe(Action.TRAIN, post=True),
    "training:modules": Probe(Action.TRAIN),
    "training:new_module": Probe(Action.TRAIN),
    "training:edit_module": Probe(Action.TRAIN, **election_wide("module")),
    "training:set_core": Probe(Action.SET_CORE_TRAINING, post=True),
    "training:workshops": Probe(Action.TRAIN),
    "training:new_workshop": Probe(Action.TRAIN),
    "training:workshop": Probe(Action.TRAIN, **election_wide("workshop")),
    "training:edit_workshop": Probe(Action.TRAIN, **election_wide("workshop")),
    # elections: public reference data, for anyone signed in
    "elections:home": Probe(None),
    "elections:election": Probe(None),
    "elections:constituencies": Probe(None),
    "elections:constituency": Probe(
        None, kwargs=lambda w, where, who: {"number": {"inside": 52, "outside": 1}.get(where, 999)}
    ),
    # audit
    "audit:events": Probe(Action.VIEW_AUDIT, whole_state=AUDIT),
    "audit:verify": Probe(Action.VIEW_AUDIT, post=True, whole_state=AUDIT),
    "audit:export": Probe(Action.VIEW_AUDIT, whole_state=AUDIT, **fixed(fmt="csv")),
    # integrations
    "api:tokens": Probe(Action.MANAGE_INTEGRATIONS),
    "api:revoke": Probe(Action.MANAGE_INTEGRATIONS, post=True, **election_wide("token")),
    "api:webhooks": Probe(Action.MANAGE_INTEGRATIONS),
    "api:webhook": Probe(Action.MANAGE_INTEGRATIONS, **election_wide("subscription")),
    "api:webhook_active": Probe(
        Action.MANAGE_INTEGRATIONS, post=True, **election_wide("subscription")
    ),
    "api:webhook_ping": Probe(
        Action.MANAGE_INTEGRATIONS, post=True, **election_wide("subscription")
    ),
    "api:webhook_retry": Probe(
        Action.MANAGE_INTEGRATIONS,
        post=True,
        kwargs=lambda w, where, who: {
            "subscription_id": w.objects["subscription"]["inside"].pk,
            "delivery_id": w.pk("webhook_delivery", where),
        },
        scoped=False,
    ),
}


def url_names() -> set[str]:
    """Every named URL of the site but the API's and the admin's."""
    names: set[str] = set()

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(SKIPPED_MOUNTS):
                continue
            if isinstance(p, URLResolver):
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, route, inner)
            elif isinstance(p, URLPattern):
                assert p.name, f"{route} has no name"
                names.add(namespace + p.name)

    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_url_has_a_probe() -> None:
    assert url_names() - PUBLIC == set(PROBES)


# --- asking -------------------------------------------------------------------------------------


def url_of(w: World, name: str, probe: Probe, where: str, who: str) -> str:
    kwargs = probe.kwargs(w, where, who) if probe.kwargs else {}
    if name.split(":")[0] not in ("notifications",) and name != "elections:home":
        kwargs = {"slug": w.slug, **kwargs}
    return reverse(name, kwargs=kwargs)


def ask(client: Client, w: World, name: str, probe: Probe, where: str, who: str) -> Any:
    """The answer, with whatever the request wrote rolled back."""
    url = url_of(w, name, probe, where, who)
    query = probe.query(w, where)
    client.cookies.pop("messages", None)  # a flash message left by the last test's request
    with transaction.atomic():
        if probe.post:
            answer = client.post(url + _query_string(query), probe.data(w, where))
        else:
            answer = client.get(url, query)
        transaction.set_rollback(True)
    return answer


def _query_string(query: dict[str, Any]) -> str:
    return "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""


def may(w: World, probe: Probe, where: str, who: str) -> bool:
    if where == "missing":
        return False
    if probe.allowed is not None:
        return probe.allowed(w, where, who)
    if probe.action is None:
        return True
    return allows(w.grants[who], probe.action, probe.target(w, where))


#: What differs between two renderings of one page: the CSRF token, and the page's own address
#: (the language switch's ``next``).
VARYING = re.compile(
    rb'name="csrfmiddlewaretoken" value="[^"]*"|csrf[-_]?token[^,}<]*|name="next" value="[^"]*"',
    re.I,
)


def body_of(answer: Any) -> bytes:
    if getattr(answer, "streaming", False):
        return b"".join(answer.streaming_content)
    return bytes(answer.content)


OK = {200, 302}
OK_POST = {200, 302, 400}  # an empty form may be refused as a bad request, never a 5xx


@pytest.mark.parametrize("name", sorted(PROBES))
def test_url_by_role_and_scope(name: str, world: World) -> None:
    probe = PROBES[name]
    problems = []
    for who in WHO:
        client = world.clients[who]
        not_found = None
        for where in reversed(probe.wheres()):  # missing first: the 404 the others must equal
            answer = ask(client, world, name, probe, where, who)
            body = body_of(answer)
            allowed = may(world, probe, where, who)
            ok = OK_POST if probe.post else OK
            line = f"{who} {where}: {answer.status_code}"
            if answer.status_code >= 500:
                problems.append(f"{line} (server error)")
            elif allowed and answer.status_code not in ok:
                problems.append(f"{line}, expected {sorted(ok)}")
            elif not allowed and answer.status_code != 404:
                problems.append(f"{line}, expected 404")
            if who not in STATE_WIDE and not probe.whole_state and SECRET.encode() in body:
                problems.append(f"{line}: shows an object outside the asker's reach")
            if where == "missing":
                not_found = VARYING.sub(b"", body)
            elif (
                not_found is not None
                and answer.status_code == 404
                and VARYING.sub(b"", body) != not_found
            ):
                problems.append(f"{line}: a 404 unlike the missing id's")
    assert not problems, f"{name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_signed_out_is_sent_to_log_in(name: str, world: World) -> None:
    probe = PROBES[name]
    answer = ask(Client(), world, name, probe, "inside", "writer")
    if name == "notifications:badge":  # stops the header's polling instead (see the view)
        assert answer.status_code == 286
        return
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", sorted(PROBES))
def test_post_without_csrf_token_is_refused(name: str, world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["head"])
    url = url_of(world, name, PROBES[name], "inside", "head")
    with transaction.atomic():
        answer = client.post(url, {})
        transaction.set_rollback(True)
    assert answer.status_code == 403


def test_public_pages_answer_signed_out(world: World) -> None:
    client = Client()
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    language = client.post(reverse("accounts:switch_language"), {"language": "en", "next": "/"})
    assert language.status_code == 302
    bad_link = reverse("accounts:set_password", kwargs={"uidb64": "MQ", "token": "x-y"})
    assert client.get(bad_link).status_code in (200, 302)
    bad_invitation = client.get(reverse("organisation:join", kwargs={"token": "nope"}))
    assert bad_invitation.status_code == 404


def test_public_posts_without_csrf_token_are_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    for name, kwargs in (
        ("accounts:login", {}),
        ("accounts:logout", {}),
        ("accounts:switch_language", {}),
        ("organisation:join", {"token": "nope"}),
    ):
        assert client.post(reverse(name, kwargs=kwargs), {}).status_code == 403, name
