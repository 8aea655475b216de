"""The stance classifier (``itcell/monitoring/nlp/stance.py``) against its labelled evaluation
set (``itcell/monitoring/nlp/eval/stance.jsonl``: 312 short items written for the purpose,
Hindi, English, romanised Hindi, Bhojpuri, Maithili, each with its stance towards the party
the demo cell works for, VIP, and its NDA allies).

Labelling rules: "for" praises the party, its allies, their government or candidates, or
attacks their opponents; "against" criticises them (a complaint about the government's
services counts) or praises the opponents; "neutral" reports, schedules and asks without
taking a side.

Printed: 5-fold cross-validated accuracy (stratified, deterministic), per-stance precision
and recall, accuracy per language, how often a guess at or above ``CONFIDENT`` is right and
how many are that sure, then the median time to train on the whole set and to predict it.

    python -m bench.stance

Pure Python: no database. Measured only on the SQLite pass of ``python -m bench``
(``ITCELL_BENCH_DB``), as ``bench.tagging`` is.
"""

import json
import os
import statistics
import time
from collections import Counter
from pathlib import Path

from itcell.monitoring.nlp.stance import StanceClassifier, cross_validated_predictions

EVAL_SET = (
    Path(__file__).resolve().parent.parent
    / "itcell"
    / "monitoring"
    / "nlp"
    / "eval"
    / "stance.jsonl"
)
STANCES = ("for", "against", "neutral")
CONFIDENT = 0.6  # as ``itcell.monitoring.stance.CONFIDENT`` (importing it needs Django)
REPEATS = 7


def main() -> None:
    database = os.environ.get("ITCELL_BENCH_DB", "sqlite")
    if database != "sqlite":
        print(
            f"\nbench.stance: the classifier is pure; measured on the SQLite pass, not {database}"
        )
        return
    with EVAL_SET.open(encoding="utf-8") as f:
        items = [json.loads(line) for line in f if line.strip()]
    texts = [i["text"] for i in items]
    labels = [i["stance"] for i in items]
    predicted = cross_validated_predictions(texts, labels)
    guesses = [p for p, _ in predicted]
    right = sum(g == t for g, t in zip(guesses, labels, strict=True))
    print(f"\nStance: {len(items)} labelled items, 5-fold cross-validation")
    chance = max(Counter(labels).values()) / len(items)
    print(f"  accuracy {right / len(items):.3f}  (the commonest stance alone: {chance:.3f})")
    print(f"  {'stance':<10}{'support':>8}{'precision':>11}{'recall':>8}")
    for stance in STANCES:
        tp = sum(g == t == stance for g, t in zip(guesses, labels, strict=True))
        said = guesses.count(stance)
        support = labels.count(stance)
        precision = tp / said if said else 0.0
        print(f"  {stance:<10}{support:>8}{precision:>11.3f}{tp / support:>8.3f}")
    print(f"  {'language':<10}{'items':>8}{'accuracy':>11}")
    for language in sorted({i["language"] for i in items}):
        rows = [n for n, i in enumerate(items) if i["language"] == language]
        ok = sum(guesses[n] == labels[n] for n in rows)
        print(f"  {language:<10}{len(rows):>8}{ok / len(rows):>11.3f}")
    sure = [(g, t) for (g, c), t in zip(predicted, labels, strict=True) if c >= CONFIDENT]
    sure_right = sum(g == t for g, t in sure)
    print(
        f"  guesses at or above {CONFIDENT}: {len(sure)} of {len(items)}"
        f" ({len(sure) / len(items):.0%}), right {sure_right / len(sure):.3f}"
    )

    train_ms = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        classifier = StanceClassifier.train(texts, labels)
        train_ms.append((time.perf_counter() - start) * 1000)
    predict_ms = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        classifier.predict_many(texts)
        predict_ms.append((time.perf_counter() - start) * 1000)
    predict = statistics.median(predict_ms)
    size = len(json.dumps(classifier.parameters()))
    print(f"  training on {len(items)} items: {statistics.median(train_ms):.1f} ms (median)")
    print(
        f"  predicting {len(items)} items: {predict:.1f} ms (median),"
        f" {len(items) / predict * 1000:,.0f} texts/s"
    )
    print(f"  parameters: {size / 1024:.0f} KiB of JSON")


if __name__ == "__main__":
    main()
