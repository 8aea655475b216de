"""The monitoring tagger against its labelled evaluation sets: the tuning set
(``itcell/monitoring/nlp/eval/items.jsonl``, which the tagger was tuned on, so its figures are
optimistic) and the held-out set (``heldout.jsonl``, written afterwards and never used for
tuning, so its figures are the ones to expect on new text). For each set: per kind of tag
(AC, district, party, candidate, leader), support (labels), true and false positives, false
negatives, precision, recall and F1, then micro-averaged totals; the same micro-averages per
language; how often language routing names the labelled language, with the confusion table;
the errors that recur most. Then, with both sets, the two micro-averages side by side; and the
tagging speed on one core, in texts per second, against the bare cost of splitting the same
texts into words (``str.lower`` + ``str.split``) measured in the same run ("x baseline").

A tag counts when the tagger returns it: ``tag`` drops everything below its threshold, so what
is in ``Tags`` is what an analyst would see. The issue's aim is 0.9 precision and recall.

    python -m bench.tagging                  # the tables, for both sets
    python -m bench.tagging --set heldout    # only the held-out set (or: tuning, both)
    python -m bench.tagging --errors         # also every miss and false positive, item by item

Pure Python: no database and no Django settings. ``python -m bench`` runs every benchmark once
per database; this one does not touch a database, so it measures only on the SQLite pass
(``ITCELL_BENCH_DB``) and says so on the others.
"""

import argparse
import json
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from itcell.monitoring.nlp import Kind, Tags, bundled_gazetteer, tag

EVAL_DIR = Path(__file__).resolve().parent.parent / "itcell" / "monitoring" / "nlp" / "eval"


@dataclass(frozen=True)
class EvalSet:
    name: str
    path: Path
    title: str


# In the order they are printed; speed is measured on the first one selected.
EVAL_SETS = (
    EvalSet(
        "tuning",
        EVAL_DIR / "items.jsonl",
        "the tuning set (items.jsonl): used for tuning, figures optimistic",
    ),
    EvalSet(
        "heldout",
        EVAL_DIR / "heldout.jsonl",
        "the held-out set (heldout.jsonl), held out: not used for tuning",
    ),
)
LANGUAGES = ("hi", "hi-Latn", "en", "bho", "mai")
LABELS = {
    Kind.AC: "acs",
    Kind.DISTRICT: "districts",
    Kind.PARTY: "parties",
    Kind.CANDIDATE: "candidates",
    Kind.LEADER: "leaders",
}
REPEATS = 7
TOP_ERRORS = 15
EXCERPT = 60


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    language: str
    labels: frozenset[tuple[Kind, str]]


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Count") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def row(self, name: str) -> str:
        precision = _ratio(self.tp, self.tp + self.fp)
        recall = _ratio(self.tp, self.tp + self.fn)
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall
            else None
        )
        return (
            f"  {name:<16}{self.tp + self.fn:>8}{self.tp:>6}{self.fp:>6}{self.fn:>6}"
            f"{_show(precision):>11}{_show(recall):>8}{_show(f1):>7}"
        )


HEADER = (
    f"  {'':<16}{'support':>8}{'TP':>6}{'FP':>6}{'FN':>6}{'precision':>11}{'recall':>8}{'F1':>7}"
)


def load_items(path: Path) -> list[Item]:
    with path.open(encoding="utf-8") as f:
        return [
            Item(
                row["id"],
                row["text"],
                row["language"],
                frozenset((kind, key) for kind, field in LABELS.items() for key in row[field]),
            )
            for row in map(json.loads, filter(str.strip, f))
        ]


def predicted(tags: Tags) -> frozenset[tuple[Kind, str]]:
    return frozenset((t.kind, t.key) for t in tags.tags)


def score(items: list[Item], found: dict[str, Tags], *, errors: bool) -> Count:
    per_kind = {kind: Count() for kind in Kind}
    per_language = {language: Count() for language in LANGUAGES}
    misses: Counter[tuple[Kind, str]] = Counter()
    false_positives: Counter[tuple[Kind, str]] = Counter()
    example: dict[tuple[str, Kind, str], str] = {}
    listed = []
    for item in items:
        guess = predicted(found[item.id])
        for kind in Kind:
            labelled = {key for k, key in item.labels if k == kind}
            hit = {key for k, key in guess if k == kind}
            count = Count(len(labelled & hit), len(hit - labelled), len(labelled - hit))
            per_kind[kind].add(count)
            per_language.setdefault(item.language, Count()).add(count)
            for key in sorted(labelled - hit):
                misses[kind, key] += 1
                example.setdefault(("FN", kind, key), item.text)
                listed.append(f"  FN {kind:<10}{key:<40}{item.id:<7}{item.text}")
            for key in sorted(hit - labelled):
                false_positives[kind, key] += 1
                example.setdefault(("FP", kind, key), item.text)
                listed.append(f"  FP {kind:<10}{key:<40}{item.id:<7}{item.text}")

    print(f"\nTags, the whole set: {len(items)} texts")
    print(HEADER)
    total = Count()
    for kind in Kind:
        print(per_kind[kind].row(kind.value))
        total.add(per_kind[kind])
    print(total.row("micro-average"))

    sizes = Counter(item.language for item in items)
    print("\nTags by language (micro-averaged over the five kinds)")
    print(HEADER + f"{'texts':>7}")
    for language, count in per_language.items():
        print(count.row(language) + f"{sizes[language]:>7}")

    for title, errors_of_kind, tag_name in (
        ("misses (labelled, not found)", misses, "FN"),
        ("false positives (found, not labelled)", false_positives, "FP"),
    ):
        print(f"\nThe {TOP_ERRORS} most frequent {title}")
        for (kind, key), n in errors_of_kind.most_common(TOP_ERRORS):
            print(f"  {n:>3}  {kind:<10}{key:<40}{_excerpt(example[tag_name, kind, key])}")
    if errors:
        print("\nEvery error")
        print("\n".join(sorted(listed)))
    return total


def compare(totals: dict[str, Count]) -> None:
    print("\nBoth sets side by side (micro-averaged over the five kinds)")
    print(HEADER)
    for name, total in totals.items():
        print(total.row("held out" if name == "heldout" else name))


def routing(items: list[Item], found: dict[str, Tags]) -> None:
    confusion: Counter[tuple[str, str]] = Counter()
    for item in items:
        confusion[item.language, found[item.id].language] += 1
    columns = list(LANGUAGES) + sorted({guess for _, guess in confusion} - set(LANGUAGES), key=str)
    right = sum(confusion[language, language] for language in LANGUAGES)
    print(f"\nLanguage routing: {right} of {len(items)} right ({_show(right / len(items))})")
    corner = "labelled \\ routed"
    print(f"  {corner:<19}" + "".join(f"{c:>9}" for c in columns) + f"{'recall':>9}")
    for language in LANGUAGES:
        row = [confusion[language, c] for c in columns]
        recall = _ratio(confusion[language, language], sum(row))
        print(f"  {language:<19}" + "".join(f"{n:>9}" for n in row) + f"{_show(recall):>9}")


def throughput(texts: list[str], call: Callable[[str], object]) -> float:
    """Median over REPEATS passes of texts per second, after one warm-up pass."""
    for text in texts:
        call(text)
    rates = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for text in texts:
            call(text)
        rates.append(len(texts) / (time.perf_counter() - start))
    return statistics.median(rates)


def speed(items: list[Item], load_ms: float) -> None:
    # One core: the figure is per core, and the ingest workers run one tagger each.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    gazetteer = bundled_gazetteer()
    texts = [item.text for item in items]
    baseline = throughput(texts, lambda text: text.lower().split())
    tagging = throughput(texts, lambda text: tag(text, gazetteer))
    print(f"\nTagging speed on one core ({len(texts)} texts x {REPEATS}, median)")
    print(f"  {'what':<34}{'texts/s':>12}{'x baseline':>12}")
    print(f"  {'str.lower + str.split (baseline)':<34}{baseline:>12,.0f}{1.0:>12.1f}")
    print(f"  {'tag one text':<34}{tagging:>12,.0f}{baseline / tagging:>12.1f}")
    print(f"  building the bundled gazetteer, once per process: {load_ms:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.tagging",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--set",
        choices=("heldout", "tuning", "both"),
        default="both",
        help="which evaluation set to score (default: both)",
    )
    parser.add_argument("--errors", action="store_true", help="list every error, item by item")
    args = parser.parse_args()
    database = os.environ.get("ITCELL_BENCH_DB", "sqlite")
    if database != "sqlite":
        print(
            f"\nbench.tagging: the tagger is pure; measured on the SQLite pass, not on {database}"
        )
        return
    selected = [s for s in EVAL_SETS if args.set in (s.name, "both")]
    start = time.perf_counter()
    gazetteer = bundled_gazetteer()
    load_ms = (time.perf_counter() - start) * 1000
    totals: dict[str, Count] = {}
    for eval_set in selected:
        items = load_items(eval_set.path)
        found = {item.id: tag(item.text, gazetteer) for item in items}
        print(f"\n=== {eval_set.title} ===")
        totals[eval_set.name] = score(items, found, errors=args.errors)
        routing(items, found)
    if len(totals) > 1:
        compare(totals)
    speed(load_items(selected[0].path), load_ms)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _show(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


if __name__ == "__main__":
    main()
