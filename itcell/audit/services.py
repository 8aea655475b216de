import json
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from itcell.audit.chain import GENESIS, event_hash
from itcell.audit.models import AuditEvent, ChainHead
from itcell.core import clock


def _jsonable(value: Any) -> Any:
    """Round-trip through the JSON the database will store, so the hash is computed on
    exactly what is read back later."""
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@transaction.atomic
def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    source_address: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Every service that changes state calls this, inside its
    own transaction, so the event lands if and only if the change does.

    ``actor`` is a user, or None for the system (the loader, the scheduler).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = ChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS})
    # Microseconds are dropped so the time hashes the same on every database backend.
    at = clock.now().astimezone(UTC).replace(microsecond=0)
    event = AuditEvent(
        id=head.last_event_id + 1,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(actor.get_username() if getattr(actor, "pk", None) else "system")[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=_jsonable(before),
        after=_jsonable(after),
        source_address=source_address,
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(hash_fields(event), head.last_hash)
    event.save(force_insert=True)
    ChainHead.objects.filter(pk=1).update(last_hash=event.hash, last_event_id=event.id)
    return event


def hash_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "source_address": event.source_address,
    }
