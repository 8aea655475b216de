"""Stance: what each item says of the party and its allies (for, against, neutral).

Analysts label items; a classifier (``nlp.stance``) learns from their labels and guesses the
stance of new items on ingest. A guess below ``CONFIDENT`` is left unclassified, and a label
always wins over a guess. Nothing is guessed before a model has been trained.
"""

from django.core.cache import cache

from itcell.elections.models import Election
from itcell.monitoring.models import StanceModel

#: A guess at least this confident is kept on the item and counted; below it, "".
CONFIDENT = 0.6

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


def _current_model(election: Election):  # type: ignore[no-untyped-def]
    latest = (
        StanceModel.objects.filter(election=election)
        .order_by("-trained_at")
        .values_list("pk", flat=True)
        .first()
    )
    if latest is None:
        return None
    key = f"monitoring.stance.{latest}"
    model = cache.get(key)
    if model is None:
        from itcell.monitoring.nlp.stance import StanceClassifier

        model = StanceClassifier.from_parameters(StanceModel.objects.get(pk=latest).parameters)
        cache.set(key, model, timeout=3600)
    return model
