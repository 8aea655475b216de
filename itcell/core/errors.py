"""Errors every app builds on.

    ItcellError                 a failure a person can understand and act on
     └── InvalidInput           bad input: one or more Problems, each saying where and what

Each app derives its own tree from these in its ``errors.py``. A person never sees a traceback:
views show ``str(error)``, which is already translated.
"""

from dataclasses import dataclass


class ItcellError(Exception):
    """Base of every error itcell raises on purpose; its message is for people."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    message: str
    source: str = ""  # a file name, a form, an API body
    row: int | None = None  # 1-based line number in a file, counting the header as line 1
    field: str = ""

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}" if where else self.message


class InvalidInput(ItcellError):
    """The input was refused as a whole; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
