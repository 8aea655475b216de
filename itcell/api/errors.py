"""The API's one error envelope::

{"error": {"code": "not_found", "message": "…", "details": [{"field": "…", "message": "…"}]}}
"""

from dataclasses import dataclass, field
from typing import Any

from itcell.core.errors import ItcellError


@dataclass(frozen=True)
class Detail:
    field: str
    message: str


@dataclass
class ApiProblem(ItcellError):
    """An answer other than success: its HTTP status, a stable code, a message for people."""

    status: int
    code: str
    message: str
    details: list[Detail] = field(default_factory=list)
    retry_after: int | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = [{"field": d.field, "message": d.message} for d in self.details]
        return {"error": error}
