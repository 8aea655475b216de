from typing import Any

from itcell.core.errors import ItcellError


class ComplianceError(ItcellError):
    pass


class RuleBlocks(ComplianceError):
    """A rule blocks the action (a spend over the ceiling, closing an incident too soon)."""

    def __init__(self, findings: list[Any]) -> None:  # engine.Finding
        self.findings = findings
        super().__init__("\n".join(f"{f.rule}: {f.message}" for f in findings))
