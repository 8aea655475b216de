"""The REST API: django-ninja at ``/api/``, OpenAPI 3.1 at ``/api/openapi.json``, interactive
docs at ``/api/docs`` (Swagger UI served from ninja's own static files, no CDN).

Every call carries a bearer token (``tokens``). A call is answered when the token has the
endpoint's scope, the member it acts for may do the action (roles), and the object lies inside
the token's desk scope. Errors share one envelope (``errors.ApiProblem``): a missing scope or a
role that may not is 403; an object outside the scope is 404, exactly like a missing one.
"""

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from itcell.api.endpoints import compliance, desks, monitoring, posts, reference, reports
from itcell.api.errors import ApiProblem, Detail
from itcell.api.http import TokenAuth
from itcell.core.errors import InvalidInput, ItcellError

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="itcell API",
    version="1",
    description=(
        "The operations platform of a political party's IT cell. Every call needs a bearer "
        "token made by the cell's head (Integrations → API tokens); its scopes and desk scope "
        'limit what it reaches. Errors: `{"error": {"code", "message", "details"}}`.'
    ),
    auth=TokenAuth(),
    urls_namespace="rest",
    docs_url="/docs",
)


def _error(request: HttpRequest, problem: ApiProblem) -> HttpResponse:
    response = api.create_response(request, problem.body(), status=problem.status)
    if problem.retry_after is not None:
        response["Retry-After"] = str(problem.retry_after)
    return response


@api.exception_handler(ApiProblem)
def on_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return _error(request, exc)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request,
        ApiProblem(
            401,
            "unauthorized",
            _(
                "Send a live token as 'Authorization: Bearer itc_…'; this one is missing, "
                "unknown, revoked or expired."
            ),
        ),
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        Detail(".".join(str(part) for part in error.get("loc", ())), str(error.get("msg", "")))
        for error in exc.errors
    ]
    return _error(request, ApiProblem(422, "invalid", _("The request is not valid."), details))


@api.exception_handler(InvalidInput)
def on_invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    details = [Detail(p.field, p.message) for p in exc.problems]
    return _error(request, ApiProblem(422, "invalid", _("Nothing was saved."), details))


@api.exception_handler(ItcellError)
def on_refused(request: HttpRequest, exc: ItcellError) -> HttpResponse:
    return _error(request, ApiProblem(409, "refused", str(exc)))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, ApiProblem(404, "not_found", _("Not found.")))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, ApiProblem(exc.status_code, "bad_request", str(exc)))


@api.exception_handler(Exception)
def on_crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API error on %s %s", request.method, request.path)
    return _error(request, ApiProblem(500, "server_error", _("Something went wrong on our side.")))


for module in (reference, desks, posts, monitoring, compliance, reports):
    api.add_router("/", module.router)


def urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns, open to callers without a session: tokens authenticate them."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False  # type: ignore[union-attr]  # tokens, not sessions
    return patterns, app_name, namespace
