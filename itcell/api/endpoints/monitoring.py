"""Monitored items (query them, push them in from outside) and alerts."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from itcell.api.endpoints import reach
from itcell.api.http import ERRORS, Caller, Count, Id, Instant, Mapped, Page, caller, endpoint
from itcell.api.models import ApiToken
from itcell.api.scopes import Scope
from itcell.audit.services import record
from itcell.monitoring.models import Alert, AuthorKind, Item, ItemTag, Source, Stance
from itcell.monitoring.nlp import Kind
from itcell.monitoring.selectors import alert_target, item_target
from itcell.monitoring.services import create_source, ingest
from itcell.monitoring.sources.base import Batch, RawItem
from itcell.organisation.roles import Action

router = Router(tags=["monitoring"])
READ = endpoint(Scope.MONITORING_READ)


class ItemOut(Schema):
    id: int
    platform: str
    external_id: str
    url: str
    author: str
    author_kind: str
    text: str
    language: str
    published_at: datetime
    stance: str
    acs: list[int]


class ItemFilter(Schema):
    ac: Id | None = None
    language: str = Field("", max_length=10)
    stance: Stance | None = None
    since: Instant | None = Field(None, description="Published at or after")
    until: Instant | None = Field(None, description="Published before")


class ItemIn(Schema):
    external_id: str = Field(min_length=1, max_length=255)
    text: str = Field(min_length=1, max_length=20_000)
    published_at: Instant = Field(description="IST when no zone is given")
    url: str = Field("", max_length=1000)
    author: str = Field("", max_length=200)
    author_kind: AuthorKind = AuthorKind.PUBLIC
    author_followers: int | None = Field(None, ge=0, le=10**12)
    platform: str = Field("", max_length=30)
    likes: Count | None = None
    shares: Count | None = None
    replies: Count | None = None
    views: int | None = Field(None, ge=0, le=10**12)


class PushIn(Schema):
    items: list[ItemIn] = Field(min_length=1, max_length=500)


class PushOut(Schema):
    new: int
    duplicates: int


class AlertOut(Schema):
    id: int
    kind: str
    severity: str
    state: str
    key: str
    ac: int | None
    desk_id: int
    hour: datetime
    figures: dict[str, object]
    created_at: datetime


class AlertFilter(Schema):
    state: Alert.State | None = None
    kind: Alert.Kind | None = None
    ac: Id | None = None


def _item(item: Item) -> dict[str, object]:
    return {
        "id": item.pk,
        "platform": item.platform,
        "external_id": item.external_id,
        "url": item.url,
        "author": item.author,
        "author_kind": item.author_kind,
        "text": item.text,
        "language": item.language,
        "published_at": item.published_at,
        "stance": item.stance,
        "acs": sorted(int(t.key) for t in item.tags.all() if t.kind == Kind.AC),
    }


def _tagged(numbers: Iterable[int]) -> QuerySet[ItemTag, Any]:
    return ItemTag.objects.filter(kind=Kind.AC, key__in=[str(n) for n in numbers]).values("item")


@router.get("/monitoring/items", response={200: list[ItemOut], **ERRORS}, openapi_extra=READ)
@paginate(Page)
def list_items(request: HttpRequest, filters: Query[ItemFilter]) -> Mapped:
    """Items heard, the newest first; within a desk scope, those naming its constituencies."""
    who = caller(request)
    who.need(Scope.MONITORING_READ, Action.MONITOR)
    items = Item.objects.filter(election=who.election)
    area = reach(who.asker.grants, Action.MONITOR)
    if area is not None:
        items = items.filter(pk__in=_tagged(area[1]))
    if filters.ac:
        items = items.filter(pk__in=_tagged([filters.ac]))
    if filters.language:
        items = items.filter(language=filters.language)
    if filters.stance:
        items = items.filter(stance=filters.stance)
    if filters.since:
        items = items.filter(published_at__gte=filters.since)
    if filters.until:
        items = items.filter(published_at__lt=filters.until)
    rows = items.prefetch_related("tags").order_by("-published_at", "-pk")
    return Mapped(rows, _item)


@router.get("/monitoring/items/{item_id}", response={200: ItemOut, **ERRORS}, openapi_extra=READ)
def get_item(request: HttpRequest, item_id: Id) -> dict[str, object]:
    who = caller(request)
    who.need(Scope.MONITORING_READ, Action.MONITOR)
    item = Item.objects.filter(election=who.election, pk=item_id).prefetch_related("tags").first()
    if item is None:
        raise Http404
    who.reach(Action.MONITOR, item_target(item))
    return _item(item)


def _push_source(who: Caller) -> Source:
    """The source the token's items are filed under, made at its first push."""
    token: ApiToken = who.token
    name = f"API {token.prefix}: {token.name}"[:120]
    found = Source.objects.filter(election=who.election, backend="push", name=name).first()
    return found or create_source(
        election=who.election,
        name=name,
        backend="push",
        actor=who.user,
        source_address=who.source_address,
    )


@router.post(
    "/monitoring/items",
    response={200: PushOut, **ERRORS},
    openapi_extra=endpoint(Scope.MONITORING_WRITE),
)
def push_items(request: HttpRequest, body: PushIn) -> dict[str, int]:
    """Add items heard elsewhere (up to 500 a call). They are tagged, counted and alerted on
    like any other; an item sent again (same platform and id) is not stored twice."""
    who = caller(request)
    who.need(Scope.MONITORING_WRITE, Action.MONITOR)
    raws = [
        RawItem(
            external_id=i.external_id,
            text=i.text,
            published_at=i.published_at,
            url=i.url,
            author=i.author,
            author_kind=i.author_kind,
            author_followers=i.author_followers,
            platform=i.platform,
            likes=i.likes,
            shares=i.shares,
            replies=i.replies,
            views=i.views,
        )
        for i in body.items
    ]
    with transaction.atomic():
        source = _push_source(who)
        done = ingest(source=source, batch=Batch(items=raws, cursor=None))
        record(
            actor=who.user,
            action="monitoring.items_pushed",
            obj=source,
            after={"token": who.token.prefix, "new": done.new, "duplicates": done.duplicates},
            source_address=who.source_address,
        )
    return {"new": done.new, "duplicates": done.duplicates}


def _alert(alert: Alert) -> dict[str, object]:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "severity": Alert.Severity(alert.severity).name.lower(),
        "state": alert.state,
        "key": alert.key,
        "ac": alert.ac_number,
        "desk_id": alert.desk_id,
        "hour": alert.hour,
        "figures": alert.figures,
        "created_at": alert.created_at,
    }


@router.get(
    "/alerts", response={200: list[AlertOut], **ERRORS}, openapi_extra=endpoint(Scope.ALERTS_READ)
)
@paginate(Page)
def list_alerts(request: HttpRequest, filters: Query[AlertFilter]) -> Mapped:
    """Alerts within reach, the most severe first, then the newest."""
    who = caller(request)
    who.need(Scope.ALERTS_READ, Action.MONITOR)
    alerts = Alert.objects.filter(election=who.election)
    area = reach(who.asker.grants, Action.MONITOR)
    if area is not None:
        desks, numbers = area
        alerts = alerts.filter(desk_id__in=desks) | alerts.filter(ac_number__in=numbers)
    if filters.state:
        alerts = alerts.filter(state=filters.state)
    if filters.kind:
        alerts = alerts.filter(kind=filters.kind)
    if filters.ac:
        alerts = alerts.filter(ac_number=filters.ac)
    return Mapped(alerts.order_by("-severity", "-created_at", "-pk"), _alert)


@router.get(
    "/alerts/{alert_id}",
    response={200: AlertOut, **ERRORS},
    openapi_extra=endpoint(Scope.ALERTS_READ),
)
def get_alert(request: HttpRequest, alert_id: Id) -> dict[str, object]:
    who = caller(request)
    who.need(Scope.ALERTS_READ, Action.MONITOR)
    alert = Alert.objects.filter(election=who.election, pk=alert_id).first()
    if alert is None:
        raise Http404
    who.reach(Action.MONITOR, alert_target(alert))
    return _alert(alert)
