"""Items pushed in from outside (``POST /api/monitoring/items``): the source is where they are
filed; polling it reads nothing, since the other system sends rather than serves."""

from datetime import timedelta

from itcell.monitoring.sources.base import Batch, Cursor, SourceBackend


class PushSource(SourceBackend):
    platform = "api"
    supports_engagement = True
    default_interval = timedelta(days=1)

    def fetch(self, cursor: Cursor) -> Batch:
        return Batch(items=(), cursor=cursor)
