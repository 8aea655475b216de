"""MCC content screening against its labelled evaluation set
(``itcell/compliance/lexicon/eval.jsonl``): per family, support (posts labelled with it),
true and false positives, false negatives, precision and recall, then micro-averaged
totals; recall per script (Devanagari, English, romanised Hindi); and the time to scan one
post against the bare normalisation cost of the same posts (``casefold`` + NFC), measured
in the same run ("x baseline", as in ``bench.pages``).

A hit holds a post for a person, so recall matters most; precision says how much of the
reviewers' queue is noise.

The set's ``held-`` lines were scored once, before anyone tuned the lexicon against them,
and are reported on their own: the rest of the set is what the lexicon was tuned on, so its
figures flatter it, and the held-out figures are the honest estimate for unseen posts. Keep
them that way: ``--errors`` does not list them; when you add examples, add them to both
parts, and never change ``terms.toml`` to fix a held-out miss you happened to see.

    python -m bench.screening            # the tables
    python -m bench.screening --errors   # also every miss and false alarm outside held-out

Pure Python: no database and no Django settings. ``python -m bench`` runs every benchmark
once per database; this one does not touch a database, so it prints only on the SQLite
pass (``ITCELL_BENCH_DB``), not twice.
"""

import json
import os
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.timing import Timing, report
from itcell.compliance.lexicon import Family, Lexicon, scan

EVAL_SET = (
    Path(__file__).resolve().parent.parent / "itcell" / "compliance" / "lexicon" / "eval.jsonl"
)
FORMS = ("devanagari", "english", "romanised")
HELD_OUT = "held-"
REPEATS = 7


@dataclass(frozen=True)
class Example:
    id: str
    form: str
    text: str
    families: frozenset[Family]


def load_examples() -> list[Example]:
    with EVAL_SET.open(encoding="utf-8") as f:
        return [
            Example(row["id"], row["form"], row["text"], frozenset(map(Family, row["families"])))
            for row in map(json.loads, f)
        ]


def score(
    title: str, examples: list[Example], found: dict[str, frozenset[Family]], *, errors: bool
) -> None:
    tp: Counter[Family] = Counter()
    fp: Counter[Family] = Counter()
    fn: Counter[Family] = Counter()
    form_support: Counter[str] = Counter()
    form_tp: Counter[str] = Counter()
    wrong = []
    for example in examples:
        predicted = found[example.id]
        for family in Family:
            labelled = family in example.families
            hit = family in predicted
            if labelled:
                form_support[example.form] += 1
            if labelled and hit:
                tp[family] += 1
                form_tp[example.form] += 1
            elif hit:
                fp[family] += 1
                wrong.append(f"  FP {family:<17}{example.id:<11}{example.text}")
            elif labelled:
                fn[family] += 1
                wrong.append(f"  FN {family:<17}{example.id:<11}{example.text}")

    print(f"\n{title}: {len(examples)} posts")
    print(
        f"  {'family':<18}{'support':>8}{'TP':>6}{'FP':>6}{'FN':>6}{'precision':>11}{'recall':>8}"
    )
    for family in Family:
        _row(family.value, tp[family], fp[family], fn[family])
    _row("micro-average", sum(tp.values()), sum(fp.values()), sum(fn.values()))

    print(f"\n  {'script':<18}{'positives':>10}{'recall':>8}")
    for form in FORMS:
        print(f"  {form:<18}{form_support[form]:>10}{_ratio(form_tp[form], form_support[form]):>8}")
    clean = [e for e in examples if not e.families]
    flagged = sum(1 for e in clean if found[e.id])
    print(f"  clean posts sent to review: {flagged} of {len(clean)}")
    if errors:
        print("\nErrors")
        print("\n".join(sorted(wrong)))


def _row(name: str, tp: int, fp: int, fn: int) -> None:
    print(
        f"  {name:<18}{tp + fn:>8}{tp:>6}{fp:>6}{fn:>6}"
        f"{_ratio(tp, tp + fp):>11}{_ratio(tp, tp + fn):>8}"
    )


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "-"


def per_post(name: str, texts: list[str], call: object) -> Timing:
    """One sample per post per repeat: the median is the time one post takes."""
    assert callable(call)
    samples = []
    for _ in range(REPEATS):
        for text in texts:
            start = time.perf_counter()
            call(text)
            samples.append((time.perf_counter() - start) * 1000)
    return Timing(name, samples)


def main() -> None:
    if os.environ.get("ITCELL_BENCH_DB", "sqlite") != "sqlite":
        return
    examples = load_examples()
    start = time.perf_counter()
    lexicon = Lexicon.load()
    load_ms = (time.perf_counter() - start) * 1000
    found = {e.id: frozenset(hit.family for hit in scan(e.text, lexicon)) for e in examples}
    tuned = [e for e in examples if not e.id.startswith(HELD_OUT)]
    held_out = [e for e in examples if e.id.startswith(HELD_OUT)]
    score("Screening, the whole evaluation set", examples, found, errors=False)
    score("Held out (never tuned on)", held_out, found, errors=False)
    if "--errors" in sys.argv:
        score("Tuned-on part, with its errors", tuned, found, errors=True)

    texts = [e.text for e in examples]
    baseline = per_post(
        "casefold + NFC (baseline)",
        texts,
        lambda text: unicodedata.normalize("NFC", text.casefold()),
    )
    screening = per_post("scan one post", texts, lambda text: scan(text, lexicon))
    report(f"Screening time per post ({len(texts)} posts x {REPEATS})", [screening], baseline)
    print(f"  loading and compiling the lexicon, once per process: {load_ms:.0f} ms")


if __name__ == "__main__":
    main()
