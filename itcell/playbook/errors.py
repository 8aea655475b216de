"""What the playbook refuses, for people.

ItcellError
 ├── InvalidInput                a theme, guidance line, template, calendar day or proposed
 │                               text with problems, each naming its field (nothing saved)
 └── PlaybookError               a review step that cannot happen
      ├── SelfReview             four eyes: nobody reviews their own revision
      ├── StaleRevision          the point changed since the revision was written
      └── NotWaiting             the revision was already decided or withdrawn
"""

from itcell.core.errors import ItcellError


class PlaybookError(ItcellError):
    pass


class SelfReview(PlaybookError):
    pass


class StaleRevision(PlaybookError):
    pass


class NotWaiting(PlaybookError):
    pass
