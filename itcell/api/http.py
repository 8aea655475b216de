"""What every endpoint shares: who calls (``Caller``), pagination, the error schema."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.pagination import PaginationBase
from ninja.security import HttpBearer
from pydantic import AfterValidator, Field

from itcell.api.errors import ApiProblem
from itcell.api.models import ApiToken
from itcell.api.scopes import DeskScope, Scope
from itcell.api.tokens import find_token, spend_request
from itcell.core.clock import IST
from itcell.core.http import client_address
from itcell.organisation.access import Asker
from itcell.organisation.permissions import Target, confine
from itcell.organisation.roles import Action
from itcell.organisation.selectors import get_grants


def _to_utc(value: datetime) -> datetime:
    try:
        return (value if value.tzinfo else value.replace(tzinfo=IST)).astimezone(UTC)
    except OverflowError as error:
        raise ValueError("out of range") from error


#: An instant given by a caller: IST when it names no zone, kept in UTC (PostgreSQL takes no
#: zone beyond ±16 h, which ISO 8601 allows).
Instant = Annotated[datetime, AfterValidator(_to_utc)]
#: A row id or number as the database stores it (a larger one can name nothing).
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
#: A count a platform reports, as the database's integer column holds it.
Count = Annotated[int, Field(ge=0, le=2_147_483_647)]


@dataclass(frozen=True)
class Caller:
    """Who calls: the token, and the member it acts for with grants cut to its desk scope."""

    token: ApiToken
    asker: Asker
    desk_scope: DeskScope
    source_address: str | None

    @property
    def election(self) -> Any:
        return self.token.election

    @property
    def user(self) -> Any:
        return self.token.user

    def need(self, scope: Scope, action: Action) -> None:
        """403 unless the token has ``scope`` and the member may do ``action`` somewhere."""
        if scope not in self.token.scope_set:
            raise ApiProblem(
                403,
                "insufficient_scope",
                _("This token does not have the scope %(scope)s.") % {"scope": scope.value},
            )
        if not self.asker.may(action):
            raise ApiProblem(
                403,
                "forbidden",
                _("The member this token acts for may not do this (%(action)s).")
                % {"action": action.value},
            )

    def reach(self, action: Action, target: Target) -> None:
        """404 unless the member may do ``action`` on ``target`` within the desk scope."""
        if not self.asker.may(action, target):
            raise Http404


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = find_token(token)
        if found is None:
            return None
        spend_request(found)
        if _has_nul(request):
            raise ApiProblem(422, "invalid", _("Text may not contain NUL characters (\\u0000)."))
        grants = get_grants(user=found.user, election=found.election)
        scope = found.desk_scope()
        if not scope.whole_state:
            grants = confine(grants, Target(desk_id=scope.desk_id, acs=scope.acs))
        return Caller(
            token=found,
            asker=Asker(user=found.user, election=found.election, grants=grants),
            desk_scope=scope,
            source_address=client_address(request),
        )


def _has_nul(request: HttpRequest) -> bool:
    """A NUL character anywhere in the query or the body: PostgreSQL stores no such text."""
    values = (v for key, vs in request.GET.lists() for v in (key, *vs))
    return any("\x00" in v for v in values) or (
        b"\\u0000" in request.body or b"\x00" in request.body
    )


def caller(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined]


class ErrorBody(Schema):
    code: str
    message: str
    details: list[dict[str, str]] = []


class ErrorEnvelope(Schema):
    error: ErrorBody


#: The error answers every endpoint may give, for the OpenAPI document.
ERRORS: dict[int, type[Schema]] = dict.fromkeys((401, 403, 404, 409, 422, 429), ErrorEnvelope)


class Page(PaginationBase):
    """``limit`` and ``offset``; the answer says where the next page starts (``next_offset``,
    null on the last), without counting a table of millions."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=1_000_000)

    class Output(Schema):
        items: list[Any]
        next_offset: int | None

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        start, limit = pagination.offset, pagination.limit
        rows = list(queryset[start : start + limit + 1])
        return {"items": rows[:limit], "next_offset": start + limit if len(rows) > limit else None}


class Mapped:
    """Rows the paginator slices, each turned into its answer only for the page it keeps."""

    def __init__(self, rows: Any, convert: Callable[[Any], dict[str, Any]]) -> None:
        self.rows, self.convert = rows, convert

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [self.convert(row) for row in self.rows[page]]


def endpoint(scope: Scope) -> dict[str, Any]:
    """The OpenAPI extension naming the scope an endpoint needs (the permission matrix test
    and the docs page read it)."""
    return {"x-scope": scope.value}
