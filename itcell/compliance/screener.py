"""The compliance engine as publishing's screener (``publishing.screening``): every post is
checked against the ECI rules on submit, on approval and right before each delivery.

What stops a post depends on the checkpoint:
- compose and submit: a block that no one may override (a post scheduled into a silence
  window); holds and overridable blocks go to the reviewers, who see them;
- review (the post's page), approve and deliver: every block and hold, unless the head or
  the spokesperson overrode that rule for this version of the post.
"""

from datetime import datetime

from django.utils.translation import get_language

from itcell.compliance.engine import Finding, Severity
from itcell.compliance.selectors import findings_for, get_overridden
from itcell.compliance.services import record_findings
from itcell.publishing import screening
from itcell.publishing.models import Channel, Post
from itcell.publishing.screening import Checkpoint, screeners


def stops(finding: Finding, checkpoint: Checkpoint, overridden: set[str]) -> bool:
    if finding.overridable and finding.rule in overridden:
        return False
    if checkpoint in (Checkpoint.COMPOSE, Checkpoint.SUBMIT):
        return finding.severity == Severity.BLOCK and not finding.overridable
    return finding.stops


@screeners.register("eci")
def eci(
    *, post: Post, checkpoint: Checkpoint, channel: Channel | None, at: datetime
) -> list[screening.Finding]:
    findings = findings_for(post, at=at, channel=channel)
    overridden = get_overridden(post=post)
    decided = [(f, stops(f, checkpoint, overridden)) for f in findings]
    if checkpoint in (Checkpoint.SUBMIT, Checkpoint.APPROVE, Checkpoint.DELIVER):
        record_findings(post=post, checkpoint=checkpoint, findings=decided)
    language = get_language()
    return [
        screening.Finding(
            f.rule,
            f.text(language),
            blocking=stop,
            until=f.until,
            severity=f.severity,
            overridable=f.overridable and f.rule not in overridden,
        )
        for f, stop in decided
    ]
