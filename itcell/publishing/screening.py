"""The compliance hook: a post is screened when it is submitted, when it is approved and right
before each delivery, through this one interface. The compliance app registers its rules
here as *screeners*; a blocking finding stops the step with the rule's message.

    @screeners.register("silence")
    def silence(*, post: Post, checkpoint: Checkpoint, channel: Channel | None,
                at: datetime) -> list[Finding]: ...
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from itcell.core.registry import Registry
from itcell.publishing.errors import Blocked

if TYPE_CHECKING:
    from itcell.publishing.models import Channel, Post


class Checkpoint(StrEnum):
    COMPOSE = "compose"  # while writing: what would stop it being sent for review
    REVIEW = "review"  # on the post's page: what would stop its approval now
    SUBMIT = "submit"
    APPROVE = "approve"
    DELIVER = "deliver"


@dataclass(frozen=True)
class Finding:
    rule: str  # the rule's id, e.g. "R-SIL-2" (ECI-RULES.md)
    message: str  # for people, in their language: what is wrong and what to do
    blocking: bool = True
    #: The finding lifts at this instant (a silence window closes): a delivery it stops is
    #: held until then instead of failing.
    until: datetime | None = None
    severity: str = ""  # the screener's own grade (block, hold, warn, info), for display
    overridable: bool = False  # the head or the spokesperson may let it pass

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


Screener = Callable[..., list[Finding]]
screeners: Registry[Screener] = Registry("post screener")


def findings(
    *,
    post: "Post",
    checkpoint: Checkpoint,
    at: datetime,
    channel: "Channel | None" = None,
    using: Iterable[Screener] | None = None,
) -> list[Finding]:
    """Every finding about ``post`` at ``checkpoint``, blocking or not."""
    chosen = using if using is not None else [s for _name, s in screeners.items()]
    return [
        finding
        for screener in chosen
        for finding in screener(post=post, checkpoint=checkpoint, channel=channel, at=at)
    ]


def screen(
    *,
    post: "Post",
    checkpoint: Checkpoint,
    at: datetime,
    channel: "Channel | None" = None,
    using: Iterable[Screener] | None = None,
) -> list[Finding]:
    """Every finding about ``post`` at ``checkpoint``; raises ``Blocked`` when one blocks.
    Returns the findings that do not block (warnings to show)."""
    found = findings(post=post, checkpoint=checkpoint, at=at, channel=channel, using=using)
    blocking = [f for f in found if f.blocking]
    if blocking:
        raise Blocked(blocking)
    return found
