from itcell.audit.chain import first_break
from itcell.audit.models import AuditEvent
from itcell.audit.services import hash_fields


def find_first_break() -> tuple[int | None, str] | None:
    """Check the whole chain in id order; see ``chain.first_break``."""
    events = (
        {**hash_fields(e), "prev_hash": e.prev_hash, "hash": e.hash}
        for e in AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    )
    return first_break(events)
