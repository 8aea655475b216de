"""Stance: does a text speak for the party and its allies, against them, or neither?

Pure: texts and labels in, a classifier out; no ORM, no clock, no model downloaded. It is
trained on the analysts' own labels (``monitoring.stance``), so it learns the cell's
election, its names and its slang.

    classifier = StanceClassifier.train(texts, labels)          # labels: "for", "against"...
    classifier.predict_many(["Nitish ji ne sadak banwa di"])      # [("for", 0.83)]
    StanceClassifier.from_parameters(classifier.parameters())    # the same classifier

The model is a multinomial naive Bayes over binary features (each feature counts once per
text: in short posts presence says more than repetition); features never seen in training
are passed over. Features are taken from the words
as ``normalise.words`` cuts them, through the transliteration key, so "सरकार", "sarkar" and
"sarkaar" are one feature and Hindi, romanised Hindi and Bhojpuri learn from one another:

- ``w``: each word's key (its surface form when the key is empty, as for digits);
- ``b``: each pair of neighbouring keys ("nahi mila" is not "mila");
- ``c``: character trigrams of each key, with the word's edges marked, so an inflection
  ("bigda", "bigdi", "bigde") or a new spelling still meets the forms seen in training.

Features are hashed (CRC-32, the same in every process) into ``BUCKETS`` buckets; the
parameters keep only the buckets seen in training, so they stay a few hundred kilobytes for
thousands of labels.

Naive Bayes is sure of itself far more often than it is right. Its scores are divided by a
temperature chosen on held-out folds of the training labels (the one that gives the held-out
labels the highest likelihood), so a confidence of 0.7 means about seven right in ten and
the caller's threshold (``monitoring.stance.CONFIDENT``) means what it says.
"""

import math
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from itcell.monitoring.nlp.normalise import words

BUCKETS = 1 << 20
ALPHA = 0.3  # additive smoothing of the feature counts (best of 0.1-1 on the eval set)
FOLDS = 5
MAX_INPUT_CHARS = 5000  # a pasted article is read from its beginning
TEMPERATURES = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0)
VERSION = 1

Features = frozenset[int]


def features(text: str) -> Features:
    """The hashed features of one text."""
    keys = [w.key or w.surface for w in words(text[:MAX_INPUT_CHARS])]
    found: set[str] = set()
    for i, key in enumerate(keys):
        found.add("w " + key)
        if i:
            found.add(f"b {keys[i - 1]} {key}")
        padded = f"<{key}>"
        for j in range(len(padded) - 2):
            found.add("c " + padded[j : j + 3])
    return frozenset(zlib.crc32(f.encode()) & (BUCKETS - 1) for f in found)


@dataclass(frozen=True)
class _Counts:
    """What training counts: per class, texts and feature occurrences."""

    classes: tuple[str, ...]
    texts: tuple[int, ...]  # texts per class
    features: dict[int, list[int]]  # bucket -> texts of each class that have it


def _count(rows: Sequence[Features], labels: Sequence[str]) -> _Counts:
    classes = tuple(sorted(set(labels)))
    index = {c: i for i, c in enumerate(classes)}
    texts = [0] * len(classes)
    table: dict[int, list[int]] = {}
    for row, label in zip(rows, labels, strict=True):
        c = index[label]
        texts[c] += 1
        for bucket in row:
            counts = table.get(bucket)
            if counts is None:
                counts = table[bucket] = [0] * len(classes)
            counts[c] += 1
    return _Counts(classes=classes, texts=tuple(texts), features=table)


class StanceClassifier:
    """A trained classifier: ``predict_many`` gives each text its likeliest stance and the
    (calibrated) probability of it."""

    def __init__(self, counts: _Counts, temperature: float = 1.0) -> None:
        self.counts = counts
        self.temperature = temperature
        n = len(counts.classes)
        total = sum(counts.texts)
        self._priors = [math.log(counts.texts[c] / total) for c in range(n)]
        occurrences = [0] * n
        for per_class in counts.features.values():
            for c in range(n):
                occurrences[c] += per_class[c]
        seen = len(counts.features)
        denominators = [math.log(occurrences[c] + ALPHA * seen) for c in range(n)]
        self._weights: dict[int, tuple[float, ...]] = {
            bucket: tuple(math.log(per_class[c] + ALPHA) - denominators[c] for c in range(n))
            for bucket, per_class in counts.features.items()
        }

    @property
    def classes(self) -> tuple[str, ...]:
        return self.counts.classes

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str]) -> "StanceClassifier":
        """Learn from ``texts`` and their ``labels`` (at least two different labels)."""
        return cls.train_features([features(t) for t in texts], labels)

    @classmethod
    def train_features(cls, rows: Sequence[Features], labels: Sequence[str]) -> "StanceClassifier":
        """``train`` on texts whose features are already computed (cross-validation reuses
        them for every fold)."""
        if len(set(labels)) < 2:
            raise ValueError("a stance classifier needs labels of at least two stances")
        counts = _count(rows, labels)
        return cls(counts, _fit_temperature(rows, labels))

    def scores(self, row: Features) -> list[float]:
        """Unnormalised log-scores of each class (``classes`` order), before the temperature."""
        out = list(self._priors)
        table = self._weights
        for bucket in row:
            weights = table.get(bucket)
            if weights is not None:
                for c, w in enumerate(weights):
                    out[c] += w
        return out

    def probabilities(self, row: Features) -> list[float]:
        scores = [s / self.temperature for s in self.scores(row)]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return [e / total for e in exp]

    def predict_features(self, rows: Sequence[Features]) -> list[tuple[str, float]]:
        out = []
        for row in rows:
            probabilities = self.probabilities(row)
            best = max(range(len(probabilities)), key=probabilities.__getitem__)
            out.append((self.classes[best], probabilities[best]))
        return out

    def predict_many(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """Each text's likeliest stance and its probability (0..1)."""
        return self.predict_features([features(t) for t in texts])

    def parameters(self) -> dict[str, Any]:
        """Everything the classifier needs, as JSON: the buckets seen (ascending) and, for
        each, the texts of each class that have it."""
        buckets = sorted(self.counts.features)
        return {
            "kind": "naive_bayes",
            "version": VERSION,
            "buckets": BUCKETS,
            "classes": list(self.counts.classes),
            "texts": list(self.counts.texts),
            "temperature": self.temperature,
            # Delta-encoded buckets: small numbers, a shorter JSON.
            "features": [b - a for a, b in zip([0, *buckets], buckets, strict=False)],
            "counts": [self.counts.features[b] for b in buckets],
        }

    @classmethod
    def from_parameters(cls, parameters: dict[str, Any]) -> "StanceClassifier":
        """The classifier ``parameters()`` describes (other keys are ignored)."""
        if parameters.get("version") != VERSION or parameters.get("buckets") != BUCKETS:
            raise ValueError("these stance parameters were written by another version")
        buckets: list[int] = []
        at = 0
        for delta in parameters["features"]:
            at += delta
            buckets.append(at)
        counts = _Counts(
            classes=tuple(parameters["classes"]),
            texts=tuple(parameters["texts"]),
            features=dict(zip(buckets, parameters["counts"], strict=True)),
        )
        return cls(counts, float(parameters["temperature"]))


def folds(labels: Sequence[str], k: int = FOLDS) -> list[int]:
    """Each label's fold (0..k-1), stratified: each stance dealt round the folds in turn, so
    every fold has its share of each. Deterministic."""
    seen: Counter[str] = Counter()
    out = []
    for label in labels:
        out.append(seen[label] % k)
        seen[label] += 1
    return out


def cross_validated_predictions(
    texts: Sequence[str], labels: Sequence[str], *, k: int = FOLDS
) -> list[tuple[str, float]]:
    """Each text's prediction by a classifier trained on the other folds."""
    rows = [features(t) for t in texts]
    return _held_out(rows, labels, k=k)


def cross_validate(texts: Sequence[str], labels: Sequence[str], *, k: int = FOLDS) -> float:
    """Accuracy on held-out folds (k-fold, stratified, deterministic)."""
    predicted = cross_validated_predictions(texts, labels, k=k)
    right = sum(p == label for (p, _), label in zip(predicted, labels, strict=True))
    return right / len(labels) if labels else 0.0


def _held_out(
    rows: Sequence[Features], labels: Sequence[str], *, k: int
) -> list[tuple[str, float]]:
    fold_of = folds(labels, k)
    predicted: list[tuple[str, float]] = [("", 0.0)] * len(rows)
    for fold in range(k):
        train = [i for i, f in enumerate(fold_of) if f != fold]
        test = [i for i, f in enumerate(fold_of) if f == fold]
        train_labels = [labels[i] for i in train]
        if not test or len(set(train_labels)) < 2:
            continue
        train_rows = [rows[i] for i in train]
        counts = _count(train_rows, train_labels)
        temperature = _fit_temperature(train_rows, train_labels)
        classifier = StanceClassifier(counts, temperature)
        for i, guess in zip(
            test, classifier.predict_features([rows[i] for i in test]), strict=True
        ):
            predicted[i] = guess
    return predicted


def _fit_temperature(rows: Sequence[Features], labels: Sequence[str]) -> float:
    """The temperature under which held-out folds of the training labels are likeliest."""
    fold_of = folds(labels, FOLDS)
    held: list[tuple[list[float], int]] = []  # (raw scores, index of the true class)
    for fold in range(FOLDS):
        train = [i for i, f in enumerate(fold_of) if f != fold]
        train_labels = [labels[i] for i in train]
        if len(set(train_labels)) < 2:
            continue
        classifier = StanceClassifier(_count([rows[i] for i in train], train_labels))
        index = {c: n for n, c in enumerate(classifier.classes)}
        for i, f in enumerate(fold_of):
            if f == fold and labels[i] in index:
                held.append((classifier.scores(rows[i]), index[labels[i]]))
    if not held:
        return 1.0

    def loss(temperature: float) -> float:
        total = 0.0
        for scores, truth in held:
            scaled = [s / temperature for s in scores]
            top = max(scaled)
            total += top + math.log(sum(math.exp(s - top) for s in scaled)) - scaled[truth]
        return total

    return min(TEMPERATURES, key=loss)
