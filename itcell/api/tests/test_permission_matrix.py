"""Every endpoint of the OpenAPI document x token scope x desk scope.

Each operation has a probe that reaches an object of Bahadurganj (AC 52). It is asked by the
head's tokens: with every scope (answered), without the operation's scope (403), confined to
the Bahadurganj desk (answered), and confined to the Kishanganj desk (AC 54), where an object
of Bahadurganj is "not found" and a list leaves it out. A new endpoint without a probe fails
the first test.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from itcell.api.tests.conftest import EVERY_SCOPE, Api
from itcell.compliance.models import FindingRecord
from itcell.core import clock
from itcell.monitoring.models import Alert, Item, ItemTag, Source
from itcell.monitoring.nlp import Kind
from itcell.organisation.tests.factories import desk as desk_at

pytestmark = pytest.mark.django_db

NOT_NARROWED = "public reference data and checks: the desk scope does not narrow them"


@dataclass(frozen=True)
class Objects:
    """What the probes reach, all about Bahadurganj (AC 52)."""

    cell: Any
    post: Any
    delivery: Any
    item: Item
    alert: Alert
    finding: FindingRecord


@dataclass(frozen=True)
class Probe:
    method: str
    path: Callable[[Objects], str]
    params: Callable[[Objects], dict[str, Any]] = lambda o: {}
    body: Callable[[Objects], Any] = lambda o: None
    #: How an answer confined to Kishanganj shows it did not reach Bahadurganj: a status, or
    #: "absent" (a list without the object), or NOT_NARROWED.
    outside: int | str = 404
    listed: Callable[[Objects], Any] = lambda o: None  # the id a list must (not) show


def draft_body(o: Objects) -> dict[str, Any]:
    return {"desk": o.cell.desk.pk, "title": "x", "text_hi": "x", "channels": [o.cell.channel.pk]}


PROBES: dict[tuple[str, str], Probe] = {
    ("get", "/api/election"): Probe("get", lambda o: "/election", outside=NOT_NARROWED),
    ("get", "/api/districts"): Probe("get", lambda o: "/districts", outside=NOT_NARROWED),
    ("get", "/api/acs"): Probe("get", lambda o: "/acs", outside=NOT_NARROWED),
    ("get", "/api/acs/{number}"): Probe("get", lambda o: "/acs/52", outside=NOT_NARROWED),
    ("get", "/api/desks"): Probe(
        "get",
        lambda o: "/desks",
        params=lambda o: {"limit": 200},
        outside="absent",
        listed=lambda o: o.cell.desk.pk,
    ),
    ("get", "/api/desks/{desk_id}"): Probe("get", lambda o: f"/desks/{o.cell.desk.pk}"),
    ("get", "/api/on-duty"): Probe("get", lambda o: "/on-duty", params=lambda o: {"ac": 52}),
    ("get", "/api/posts"): Probe(
        "get", lambda o: "/posts", outside="absent", listed=lambda o: o.post.pk
    ),
    ("post", "/api/posts"): Probe("post", lambda o: "/posts", body=draft_body),
    ("get", "/api/posts/{post_id}"): Probe("get", lambda o: f"/posts/{o.post.pk}"),
    ("post", "/api/posts/{post_id}/submit"): Probe(
        "post", lambda o: f"/posts/{o.cell.draft().pk}/submit"
    ),
    ("get", "/api/deliveries"): Probe(
        "get", lambda o: "/deliveries", outside="absent", listed=lambda o: o.delivery.pk
    ),
    ("get", "/api/deliveries/{delivery_id}"): Probe(
        "get", lambda o: f"/deliveries/{o.delivery.pk}"
    ),
    ("get", "/api/monitoring/items"): Probe(
        "get", lambda o: "/monitoring/items", outside="absent", listed=lambda o: o.item.pk
    ),
    ("post", "/api/monitoring/items"): Probe(
        "post",
        lambda o: "/monitoring/items",
        body=lambda o: {
            "items": [{"external_id": "p", "text": "t", "published_at": "2020-10-20T10:00"}]
        },
        outside=NOT_NARROWED,
    ),
    ("get", "/api/monitoring/items/{item_id}"): Probe(
        "get", lambda o: f"/monitoring/items/{o.item.pk}"
    ),
    ("get", "/api/alerts"): Probe(
        "get", lambda o: "/alerts", outside="absent", listed=lambda o: o.alert.pk
    ),
    ("get", "/api/alerts/{alert_id}"): Probe("get", lambda o: f"/alerts/{o.alert.pk}"),
    ("get", "/api/compliance/findings"): Probe(
        "get", lambda o: "/compliance/findings", outside="absent", listed=lambda o: o.finding.pk
    ),
    ("post", "/api/compliance/check"): Probe(
        "post", lambda o: "/compliance/check", body=lambda o: {"text": "x"}, outside=NOT_NARROWED
    ),
    # The Bahadurganj desk's report is its district's: Kishanganj's, read by the desk of AC 54
    # only over part of it, so not found; the state's needs the whole state.
    ("get", "/api/reports/daily"): Probe(
        "get", lambda o: "/reports/daily", params=lambda o: {"date": "2020-10-20"}
    ),
}


def operations() -> list[tuple[str, str, str]]:
    document = Client().get("/api/openapi.json").json()
    return [
        (method, path, op["x-scope"])
        for path, ops in document["paths"].items()
        for method, op in ops.items()
    ]


def test_every_endpoint_has_a_probe():
    assert {(m, p) for m, p, _scope in operations()} == set(PROBES)


@pytest.fixture
def objects(cell) -> Objects:  # type: ignore[no-untyped-def]
    post = cell.scheduled(in_minutes=60)
    source = Source.objects.create(election=cell.election, name="probe", backend="push")
    item = Item.objects.create(
        election=cell.election,
        source=source,
        platform="api",
        external_id="probe-1",
        text="बहादुरगंज",
        published_at=clock.now() - timedelta(hours=1),
        fetched_at=clock.now(),
    )
    ItemTag.objects.create(item=item, kind=Kind.AC, key="52", confidence=1.0)
    alert = Alert.objects.create(
        election=cell.election,
        kind=Alert.Kind.SPIKE,
        key="ac:52",
        hour=clock.now().replace(minute=0, second=0, microsecond=0),
        ac_number=52,
        desk=cell.desk,
    )
    finding = FindingRecord.objects.create(
        post=post,
        version=post.version,
        checkpoint="submit",
        rule="R-TEST",
        severity="warn",
        message_en="m",
        message_hi="m",
    )
    return Objects(cell, post, post.deliveries.first(), item, alert, finding)


def ask(client: Api, probe: Probe, o: Objects) -> Any:
    if probe.method == "get":
        return client.get(probe.path(o), **probe.params(o))
    return client.post(probe.path(o), probe.body(o))


def listed_ids(answer: Any) -> set[int]:
    return {row["id"] for row in answer.json()["items"]}


@pytest.mark.parametrize(("method", "path"), sorted(PROBES))
def test_token_scope_by_desk_scope(method, path, cell, objects, make_token):  # type: ignore[no-untyped-def]
    probe = PROBES[method, path]
    scope = next(s for m, p, s in operations() if (m, p) == (method, path))
    kishanganj = desk_at(cell.election, 54)

    full = ask(Api(make_token()), probe, objects)
    assert full.status_code in (200, 201), full.json()
    if probe.listed(objects) is not None:
        assert probe.listed(objects) in listed_ids(full)

    without = ask(
        Api(make_token(scopes=tuple(s for s in EVERY_SCOPE if s != scope))), probe, objects
    )
    assert without.status_code == 403
    assert without.json()["error"]["code"] == "insufficient_scope"

    inside = ask(Api(make_token(desk=cell.desk)), probe, objects)
    if path == "/api/reports/daily":  # a desk of one constituency never reads a whole area
        assert inside.status_code == 404
    else:
        assert inside.status_code in (200, 201), inside.json()

    outside = ask(Api(make_token(desk=kishanganj)), probe, objects)
    if probe.outside == NOT_NARROWED:
        assert outside.status_code in (200, 201)
    elif probe.outside == "absent":
        assert outside.status_code == 200
        assert probe.listed(objects) not in listed_ids(outside)
    else:
        assert outside.status_code == probe.outside
        assert outside.json() == {"error": {"code": "not_found", "message": "Not found."}}
