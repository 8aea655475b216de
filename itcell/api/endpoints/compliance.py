"""Compliance: the findings recorded on posts, and checking a described post against the
election's rules (the API form of ``itcell compliance check``)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Body, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from itcell.api.http import ERRORS, Id, Mapped, Page, caller, endpoint
from itcell.api.scopes import Scope
from itcell.compliance.described import parse
from itcell.compliance.engine import Severity, at_publication, evaluate
from itcell.compliance.models import FindingRecord
from itcell.compliance.selectors import get_context
from itcell.core import clock
from itcell.core.clock import IST
from itcell.organisation.roles import Action
from itcell.publishing.models import Post
from itcell.publishing.selectors import visible_posts

router = Router(tags=["compliance"])
READ = endpoint(Scope.COMPLIANCE_READ)


class FindingOut(Schema):
    id: int
    post_id: int
    version: int
    checkpoint: str
    rule: str
    severity: str
    message_en: str
    message_hi: str
    at: datetime


class FindingFilter(Schema):
    post: Id | None = None
    rule: str = Field("", max_length=20)
    severity: Severity | None = None


class Message(Schema):
    en: str
    hi: str


class CheckedFinding(Schema):
    rule: str
    severity: str
    message: Message
    source: str
    overridable: bool
    until: str | None


class CheckOut(Schema):
    election: str
    at: str
    findings: list[CheckedFinding]


def _finding(f: FindingRecord) -> dict[str, object]:
    return {
        "id": f.pk,
        "post_id": f.post_id,
        "version": f.version,
        "checkpoint": f.checkpoint,
        "rule": f.rule,
        "severity": f.severity,
        "message_en": f.message_en,
        "message_hi": f.message_hi,
        "at": f.at,
    }


@router.get("/compliance/findings", response={200: list[FindingOut], **ERRORS}, openapi_extra=READ)
@paginate(Page)
def list_findings(request: HttpRequest, filters: Query[FindingFilter]) -> Mapped:
    """What the rules said about the posts within reach, at submission and approval."""
    who = caller(request)
    who.need(Scope.COMPLIANCE_READ, Action.VIEW)
    posts = visible_posts(Post.objects.filter(election=who.election), who.asker.grants, Action.VIEW)
    findings = FindingRecord.objects.filter(post__in=posts.values("pk"))
    if filters.post:
        findings = findings.filter(post_id=filters.post)
    if filters.rule:
        findings = findings.filter(rule=filters.rule)
    if filters.severity:
        findings = findings.filter(severity=filters.severity)
    return Mapped(findings.order_by("-at", "-pk"), _finding)


@router.post("/compliance/check", response={200: CheckOut, **ERRORS}, openapi_extra=READ)
def check(
    request: HttpRequest,
    post: dict[str, Any] = Body(  # noqa: B008 (ninja's way to take a free-form body)
        ...,
        openapi_examples={
            "boost": {
                "summary": "A paid post on the poll's eve",
                "value": {
                    "text": "Vote for development!",
                    "channel": "x",
                    "is_paid": True,
                    "scheduled_at": "2020-10-27T20:00:00+05:30",
                    "acs": [52],
                },
            }
        },
    ),
) -> dict[str, object]:
    """Evaluate a post described in JSON (the fields of ``itcell compliance check``; see
    docs/compliance.md) against the election's rules at its publishing time. Nothing is
    stored."""
    who = caller(request)
    who.need(Scope.COMPLIANCE_READ, Action.VIEW)
    content = parse(post, "body")
    ctx = get_context(election=who.election, at=at_publication(content, clock.now()))
    return {
        "election": who.election.slug,
        "at": ctx.at.astimezone(IST).isoformat(),
        "findings": [f.as_json() for f in evaluate(content, ctx)],
    }
