"""Stance: what each item says of the party and its allies (for, against, neutral).

Analysts label items; a classifier (``nlp.stance``) learns from their labels and guesses the
stance of new items on ingest. A guess below ``CONFIDENT`` is left unclassified, and a label
always wins over a guess. Nothing is guessed before a model has been trained.

- ``label_stance``: an analyst's label, moving the item in the hourly counts from its old
  stance to the new one in the same transaction, so the counts keep agreeing with the items.
- ``train_stance_model``: a new model from the election's labels, when there are enough and
  they changed since the newest model (``tasks.train_stance_models`` calls it every few
  minutes; "Train now" on the queue screen too).
- ``predict_stances``: the newest model's own guess, for the screens (the queue puts the
  items it is least sure of first: an analyst's label teaches it most there).
"""

import hashlib
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from itcell.audit.services import record
from itcell.core.errors import InvalidInput, Problem
from itcell.elections.models import Election
from itcell.monitoring.models import HourlyCount, Item, ItemTag, Stance, StanceModel
from itcell.monitoring.nlp import Kind, Tag, Tags
from itcell.monitoring.nlp.stance import StanceClassifier, cross_validate

#: A guess at least this confident is kept on the item and counted; below it, "".
CONFIDENT = 0.6
#: Training waits for this many labels, of at least ``MIN_STANCES`` different stances.
MIN_LABELS = 20
MIN_STANCES = 2
#: Older models are deleted once this many newer ones exist (each holds its parameters).
KEEP_MODELS = 5
#: The stances an analyst may give ("" is no label).
LABELS = (Stance.FOR, Stance.AGAINST, Stance.NEUTRAL)

Guess = tuple[str, float | None]  # (stance, confidence); ("", None): not classified


def classify_stances(*, election: Election, texts: list[str]) -> list[Guess]:
    """The newest model's guess for each text; unclassified when no model is trained."""
    model = _current_model(election)
    if model is None or not texts:
        return [("", None)] * len(texts)
    return [
        (stance, round(confidence, 3)) if confidence >= CONFIDENT else ("", round(confidence, 3))
        for stance, confidence in model.predict_many(texts)
    ]


def predict_stances(*, election: Election, texts: Sequence[str]) -> list[tuple[str, float]] | None:
    """The newest model's likeliest stance for each text, however unsure; None: no model."""
    model = _current_model(election)
    if model is None:
        return None
    return model.predict_many(texts)


def _current_model(election: Election) -> StanceClassifier | None:
    latest = (
        StanceModel.objects.filter(election=election)
        .order_by("-trained_at", "-pk")
        .values_list("pk", "trained_at")
        .first()
    )
    if latest is None:
        return None
    pk, trained_at = latest
    # The time too: SQLite may give a deleted model's id to the next one.
    key = f"monitoring.stance.{pk}.{trained_at.timestamp()}"
    model: StanceClassifier | None = cache.get(key)
    if model is None:
        model = StanceClassifier.from_parameters(StanceModel.objects.get(pk=pk).parameters)
        cache.set(key, model, timeout=3600)
    return model


# Labels ------------------------------------------------------------------------------------


@transaction.atomic
def label_stance(*, item: Item, stance: str, user: Any, source_address: str | None = None) -> Item:
    """Record an analyst's label on ``item`` (confidence 1), and move the item's hourly
    counts from its old stance to the new one."""
    if stance not in LABELS:
        raise InvalidInput([Problem(_("Choose for, against or neutral."), field="stance")])
    # Locked, so two analysts labelling at once move the counts one after the other.
    locked = Item.objects.select_for_update().get(pk=item.pk)
    before = {
        "stance": locked.stance,
        "confidence": locked.stance_confidence,
        "by": locked.stance_by_id,
    }
    if locked.stance != stance:
        _move_in_hourly_counts(item=locked, old=locked.stance, new=stance)
    locked.stance = stance
    locked.stance_confidence = 1.0
    locked.stance_by = user
    locked.save(update_fields=["stance", "stance_confidence", "stance_by"])
    record(
        actor=user,
        action="monitoring.stance_labelled",
        obj=locked,
        before=before,
        after={"stance": stance},
        source_address=source_address,
    )
    return locked


def _move_in_hourly_counts(*, item: Item, old: str, new: str) -> None:
    # The cells come from the same ``rollup_cells`` ingest counted the item with, read from
    # its stored tags, so the move takes it out of exactly the cells it was added to. (The
    # services module imports this one for ingest: imported here to break the cycle.)
    from itcell.monitoring.services import add_to_hourly_counts, rollup_cells

    tags = Tags(
        language=item.language,
        script=item.script,
        tags=tuple(
            Tag(kind=Kind(kind), key=key, confidence=confidence, start=0, end=0)
            for kind, key, confidence in ItemTag.objects.filter(item=item).values_list(
                "kind", "key", "confidence"
            )
        ),
    )
    for (hour, ac, party, _stance), n in rollup_cells([(item.published_at, tags, old)]).items():
        cell = HourlyCount.objects.filter(
            election_id=item.election_id,
            source_id=item.source_id,
            hour=hour,
            party=party,
            stance=old,
            count__gte=n,  # never below zero, even if a count was lost before
        )
        cell = cell.filter(ac_number__isnull=True) if ac is None else cell.filter(ac_number=ac)
        cell.update(count=F("count") - n)
    add_to_hourly_counts(
        election_id=item.election_id,
        source_id=item.source_id,
        cells=rollup_cells([(item.published_at, tags, new)]),
    )


# Training ----------------------------------------------------------------------------------


def count_labels(*, election: Election) -> Counter[str]:
    """The analysts' labels of the election's items, per stance."""
    return Counter(
        Item.objects.filter(election=election, stance_by__isnull=False)
        .exclude(stance="")
        .values_list("stance", flat=True)
    )


def train_stance_model(
    *,
    election: Election,
    now: datetime,
    actor: Any = None,
    source_address: str | None = None,
) -> StanceModel | None:
    """A model trained on the election's labels, with its cross-validated accuracy; None
    when there are too few labels (``MIN_LABELS`` of ``MIN_STANCES`` stances) or none has
    changed since the newest model."""
    labelled = list(
        Item.objects.filter(election=election, stance_by__isnull=False)
        .exclude(stance="")
        .order_by("pk")
        .values_list("pk", "stance")
    )
    if len(labelled) < MIN_LABELS or len({s for _, s in labelled}) < MIN_STANCES:
        return None
    digest = hashlib.sha256(repr(labelled).encode()).hexdigest()
    newest = (
        StanceModel.objects.filter(election=election)
        .order_by("-trained_at", "-pk")
        .values_list("parameters__labels_digest", flat=True)
        .first()
    )
    if newest == digest:
        return None
    texts = dict(Item.objects.filter(pk__in=[pk for pk, _ in labelled]).values_list("pk", "text"))
    rows = [(texts[pk], stance) for pk, stance in labelled if pk in texts]
    return store_model(
        election=election,
        now=now,
        texts=[t for t, _ in rows],
        stances=[s for _, s in rows],
        digest=digest,
        actor=actor,
        source_address=source_address,
    )


def store_model(
    *,
    election: Election,
    now: datetime,
    texts: Sequence[str],
    stances: Sequence[str],
    digest: str,
    actor: Any = None,
    source_address: str | None = None,
) -> StanceModel:
    """Train a classifier on labelled texts and make it the election's newest model, with
    its cross-validated accuracy; ``digest`` names the labels (see ``train_stance_model``).
    The demo starts from a model trained on the bundled labelled set this way."""
    # Training takes a moment (seconds for thousands of labels): outside any transaction.
    classifier = StanceClassifier.train(texts, stances)
    accuracy = cross_validate(texts, stances)
    with transaction.atomic():
        model = StanceModel.objects.create(
            election=election,
            trained_at=now,
            labels=len(texts),
            accuracy=round(accuracy, 3),
            # The digest of the labels says, next time, whether any changed.
            parameters={**classifier.parameters(), "labels_digest": digest},
        )
        old = StanceModel.objects.filter(election=election).order_by("-trained_at", "-pk")
        StanceModel.objects.filter(
            pk__in=list(old.values_list("pk", flat=True)[KEEP_MODELS:])
        ).delete()
        record(
            actor=actor,
            action="monitoring.stance_model_trained",
            obj=model,
            after={"labels": model.labels, "accuracy": model.accuracy},
            source_address=source_address,
        )
    return model
