"""Narratives: near-duplicate items (a forward with an emoji added, a headline copied by ten
sites) grouped, so a desk sees one story with its count instead of forty items.

``group_narratives`` runs every 30 seconds, after ingest rather than in it (grouping costs
as much as tagging, and ingest must keep up with the firehose): it signs the items not yet
grouped, oldest first, and puts each in the group of its nearest earlier item at or above
``nlp.dedupe``'s threshold, or starts a group named by its own id. The index of recent
signatures lives in the worker's memory and is caught up from the database before each run,
so items another worker grouped are known too; items two workers group at the same moment
may start two groups for one story (rare, and only splits a narrative in two).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from itcell.core import clock
from itcell.elections.models import Election
from itcell.monitoring.models import Item
from itcell.monitoring.nlp.dedupe import NarrativeIndex, Signature, signature

WINDOW = timedelta(hours=48)  # a story quiet for longer starts a new narrative
MAX_ITEMS = 200_000  # items a worker's index holds per election (about 3 KB each)
BATCH = 5_000  # items grouped per run


@dataclass
class _Loaded:
    index: NarrativeIndex
    last_id: int = 0  # the highest grouped item the index has seen


_loaded: dict[int, _Loaded] = {}


def _index_for(election: Election, now: datetime) -> _Loaded:
    loaded = _loaded.get(election.pk)
    grouped = Item.objects.filter(election=election, narrative__isnull=False)
    if loaded is None:
        loaded = _loaded[election.pk] = _Loaded(NarrativeIndex(max_items=MAX_ITEMS))
        grouped = grouped.filter(published_at__gte=now - WINDOW)
    else:
        grouped = grouped.filter(pk__gt=loaded.last_id)
    rows = grouped.exclude(signature=None).order_by("pk")
    for pk, packed, group in rows.values_list("pk", "signature", "narrative").iterator():
        loaded.last_id = max(loaded.last_id, pk)
        if pk in loaded.index or packed is None:
            continue
        try:
            sig = Signature.from_bytes(bytes(packed))
        except ValueError:  # signed by an older version: it takes no part until re-signed
            continue
        loaded.index.add_signature(pk, sig, group_id=group)
    return loaded


def forget_indexes() -> None:
    """Drop the in-memory indexes (tests; after re-signing items)."""
    _loaded.clear()


@transaction.atomic
def group_narratives(*, election: Election, now: datetime | None = None) -> int:
    """Group the election's items not yet grouped (at most ``BATCH``); returns how many."""
    loaded = _index_for(election, now or clock.now())
    pending = (
        Item.objects.select_for_update(skip_locked=True)
        .filter(election=election, narrative__isnull=True)
        .order_by("pk")
        .values_list("pk", "text")[:BATCH]
    )
    updates = []
    for pk, text in pending:
        sig = signature(text)
        if pk in loaded.index:  # indexed by a run whose transaction did not commit
            group = loaded.index.group_of(pk) or pk
        else:
            group = pk if sig is None else loaded.index.add_signature(pk, sig)
        updates.append(Item(pk=pk, narrative=group, signature=sig.to_bytes() if sig else None))
    Item.objects.bulk_update(updates, ["narrative", "signature"], batch_size=500)
    return len(updates)
