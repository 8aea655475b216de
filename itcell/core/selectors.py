from dataclasses import dataclass
from datetime import datetime, timedelta

from itcell.core import clock
from itcell.core.models import Heartbeat

STALE_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class ProcessHealth:
    process: str
    seen_at: datetime | None

    @property
    def alive(self) -> bool:
        return self.seen_at is not None and clock.now() - self.seen_at < STALE_AFTER


def list_process_health() -> list[ProcessHealth]:
    seen = dict(Heartbeat.objects.values_list("process", "seen_at"))
    return [ProcessHealth(p, seen.get(p)) for p in ("worker", "scheduler")]
