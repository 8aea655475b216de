"""What a token may reach. Pure: a token carries scopes (what kind of thing, read or write) and
a desk scope (where); the member it acts for carries roles. A call is allowed when all three
agree: the scope is on the token, the member's role allows the action there
(``permissions.allows``), and the target is inside the token's desk scope."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from itcell.organisation.permissions import Target


class Scope(StrEnum):
    REFERENCE_READ = "reference:read"
    DESKS_READ = "desks:read"
    POSTS_READ = "posts:read"
    POSTS_WRITE = "posts:write"
    DELIVERIES_READ = "deliveries:read"
    MONITORING_READ = "monitoring:read"
    MONITORING_WRITE = "monitoring:write"
    ALERTS_READ = "alerts:read"
    COMPLIANCE_READ = "compliance:read"
    REPORTS_READ = "reports:read"

    @property
    def label(self) -> str:
        return str(SCOPE_LABELS[self])


SCOPE_LABELS = {
    Scope.REFERENCE_READ: _("Read reference data: districts, constituencies, phases, candidates"),
    Scope.DESKS_READ: _("Read desks and who is on duty"),
    Scope.POSTS_READ: _("Read posts and their state"),
    Scope.POSTS_WRITE: _("Write drafts and send them for review"),
    Scope.DELIVERIES_READ: _("Read deliveries"),
    Scope.MONITORING_READ: _("Read monitored items"),
    Scope.MONITORING_WRITE: _("Push monitored items from outside"),
    Scope.ALERTS_READ: _("Read alerts"),
    Scope.COMPLIANCE_READ: _("Read compliance findings and check texts against the rules"),
    Scope.REPORTS_READ: _("Read daily reports"),
}


@dataclass(frozen=True)
class DeskScope:
    """Where a token reaches: one desk and the constituencies it covers, or the whole state."""

    desk_id: int | None = None  # None: wherever the member reaches
    acs: frozenset[int] = frozenset()

    @property
    def whole_state(self) -> bool:
        return self.desk_id is None

    def covers(self, target: Target | None) -> bool:
        if self.whole_state:
            return True
        if target is None:  # "anywhere at all": the desk itself is somewhere
            return True
        return target.desk_id == self.desk_id or (bool(target.acs) and target.acs <= self.acs)

    def reaches_ac(self, number: int) -> bool:
        return self.whole_state or number in self.acs


def parse_scopes(written: Iterable[str]) -> tuple[frozenset[Scope], list[str]]:
    """The known scopes among ``written``, and the unknown ones (to name in an error)."""
    known = {s.value for s in Scope}
    scopes = frozenset(Scope(w) for w in written if w in known)
    return scopes, sorted({w for w in written if w not in known})
