"""Errors of the elections app.

ItcellError
 ├── InvalidInput
 │    └── ReferenceDataError     a data folder was refused: each Problem names file, row, field
 └── UnknownElection             no election or data folder by that name
"""

from itcell.core.errors import InvalidInput, ItcellError


class ReferenceDataError(InvalidInput):
    pass


class UnknownElection(ItcellError):
    pass
