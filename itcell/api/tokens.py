"""Issuing, revoking and checking API tokens, and their rate limits.

A token reads ``itc_<prefix>_<secret>``. Only its SHA-256 is stored, so a database dump gives
no usable token; the whole token is shown once, to the head who makes it.
"""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from itcell.accounts.models import User
from itcell.api.errors import ApiProblem
from itcell.api.models import ApiToken
from itcell.api.scopes import parse_scopes
from itcell.audit.services import record
from itcell.core import clock
from itcell.core.errors import InvalidInput, Problem
from itcell.elections.models import Election
from itcell.organisation.models import Desk
from itcell.organisation.permissions import Grant
from itcell.organisation.selectors import desk_target, get_grants

PREFIX = "itc_"
#: ``last_used_at`` is written at most this often per token, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class TokenInput:
    name: str
    user: User | None
    scopes: tuple[str, ...]
    desk: Desk | None = None
    rate_per_minute: int = 600
    expires_at: datetime | None = None


def _problems(election: Election, data: TokenInput) -> tuple[list[Problem], list[Grant]]:
    problems: list[Problem] = []

    def problem(message: str, field: str) -> None:
        problems.append(Problem(message, source=_("token"), field=field))

    if not data.name.strip():
        problem(_("Give the token a name: the system that will use it."), "name")
    elif len(data.name.strip()) > 100:
        problem(_("At most 100 characters."), "name")
    scopes, unknown = parse_scopes(data.scopes)
    if unknown:
        problem(_("Unknown scopes: %(scopes)s.") % {"scopes": ", ".join(unknown)}, "scopes")
    elif not scopes:
        problem(_("Choose at least one scope."), "scopes")
    if not 1 <= data.rate_per_minute <= 10_000:
        problem(_("Between 1 and 10,000 requests a minute."), "rate_per_minute")
    if data.expires_at is not None and data.expires_at <= clock.now():
        problem(_("The expiry has passed: choose a later one."), "expires_at")
    grants: list[Grant] = []
    if data.user is None:
        problem(_("Choose the member the token acts for."), "user")
    else:
        grants = get_grants(user=data.user, election=election)
        if not grants:
            problem(_("That person is not a member of this election's cell."), "user")
        elif data.desk is not None and not any(g.covers(desk_target(data.desk)) for g in grants):
            problem(_("The member does not reach that desk: choose one of theirs."), "desk")
    if data.desk is not None and data.desk.election_id != election.pk:
        problem(_("That desk is not this election's."), "desk")
    return problems, grants


@transaction.atomic
def create_token(
    *, election: Election, data: TokenInput, actor: User, source_address: str | None = None
) -> tuple[ApiToken, str]:
    """Make a token; returns it with the whole secret, which is never shown again."""
    problems, _grants = _problems(election, data)
    if problems or data.user is None:
        raise InvalidInput(problems)
    prefix = secrets.token_hex(4)
    raw = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    scopes, _unknown = parse_scopes(data.scopes)
    token = ApiToken.objects.create(
        election=election,
        name=data.name.strip(),
        user=data.user,
        desk=data.desk,
        scopes=sorted(scopes),
        rate_per_minute=data.rate_per_minute,
        expires_at=data.expires_at,
        prefix=prefix,
        digest=digest(raw),
        created_by=actor,
    )
    record(
        actor=actor,
        action="api.token_created",
        obj=token,
        after=_fields(token),
        source_address=source_address,
    )
    return token, raw


def _fields(token: ApiToken) -> dict[str, object]:
    """What the audit trail keeps of a token: never its secret or digest."""
    return {
        "name": token.name,
        "prefix": token.prefix,
        "user": token.user_id,
        "desk": token.desk_id,
        "scopes": token.scopes,
        "rate_per_minute": token.rate_per_minute,
        "expires_at": token.expires_at,
    }


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: User, source_address: str | None = None) -> None:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action="api.token_revoked",
        obj=token,
        after={"revoked_at": token.revoked_at},
        source_address=source_address,
    )


def find_token(raw: str) -> ApiToken | None:
    """The live token ``raw`` names (not revoked, not expired), with its member and desk."""
    if not raw.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.filter(digest=digest(raw), revoked_at=None)
        .select_related("election", "user", "desk")
        .first()
    )
    now = clock.now()
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def spend_request(token: ApiToken) -> None:
    """Count one request against the token's limit for this minute; ``ApiProblem`` (429) when
    it is spent. The count lives in the cache, shared by every web process (Redis in
    production)."""
    now = clock.now()
    key = f"api-rate:{token.pk}:{now:%Y%m%d%H%M}"
    if cache.add(key, 1, timeout=120):
        used = 1
    else:
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=120)
            used = 1
    if used > token.rate_per_minute:
        raise ApiProblem(
            429,
            "rate_limited",
            _("Too many requests: this token may make %(n)d a minute.")
            % {"n": token.rate_per_minute},
            retry_after=60 - now.second,
        )


def list_tokens(*, election: Election) -> Iterable[ApiToken]:
    return ApiToken.objects.filter(election=election).select_related("user", "desk", "created_by")
