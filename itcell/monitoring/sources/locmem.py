"""An in-memory source for tests: each named stream is a list of items a test appends to;
the cursor is how many of them were read. A test queues errors in ``script`` to make the next
fetches fail (an exception to raise)."""

from itcell.monitoring.errors import SourceError
from itcell.monitoring.sources.base import Batch, Cursor, RawItem, SourceBackend

streams: dict[str, list[RawItem]] = {}  # name → every item "published" so far, oldest first
script: list[SourceError] = []  # what the next fetches raise, in order
fetches: list[Cursor] = []  # the cursor each fetch was given


def reset() -> None:
    streams.clear()
    script.clear()
    fetches.clear()


class LocmemSource(SourceBackend):
    platform = "locmem"
    supports_engagement = True

    def __init__(self, *, stream: str = "default", batch_size: int = 1000) -> None:
        self.stream = stream
        self.batch_size = batch_size

    def fetch(self, cursor: Cursor) -> Batch:
        fetches.append(cursor)
        if script:
            raise script.pop(0)
        start = int(cursor or 0)
        items = streams.get(self.stream, [])[start : start + self.batch_size]
        return Batch(items=items, cursor=start + len(items))
