from itcell.core import clock
from itcell.core.models import Heartbeat


def beat(*, process: str) -> None:
    """Record that ``process`` is alive now."""
    Heartbeat.objects.update_or_create(process=process, defaults={"seen_at": clock.now()})
