"""MCC content screening by pattern and lexicon: which words in a post may breach the Model
Code of Conduct (ECI-RULES.md §1), the silence period (R-SIL-5), the exit-poll ban (R-EXIT-1)
or the 2024 directions (R-AI-8). Pure Python: plain text in, hits out.

A hit is a reason for a person to look, never a verdict: words cannot tell an appeal to caste
from news about a caste, so the rules *hold* a post on a hit and a reviewer decides. The
lexicon therefore leans towards recall.

Campaign text here is Hindi in Devanagari, English, and Hindi typed in Latin letters with no
fixed spelling ("vote/vot/voat", "jaati/jati"), often all three in one post. Both the text and
the lexicon's words are brought to one form before matching (``normalise``), and Latin words
also match their common Hinglish spelling variants (``_word_regex``). Hits point back into the
text as it was written, so a reviewer sees the words the author typed.

The shipped words live in ``terms.toml`` (read once, at first use); an election may add its
own through ``Lexicon.load(extra=...)``.
"""

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

TERMS_FILE = Path(__file__).with_name("terms.toml")


class Family(StrEnum):
    COMMUNAL_APPEAL = "communal_appeal"  # R-MCC-4: votes asked on grounds of caste or religion
    ENMITY = "enmity"  # R-MCC-1: hatred or tension between castes, communities, religions
    PRIVATE_LIFE = "private_life"  # R-MCC-2: a rival's private life, unconnected to public life
    ALLEGATION = "allegation"  # R-MCC-3: a factual allegation against a rival (needs sources)
    WORSHIP = "worship"  # R-MCC-5: a place of worship used as a campaign forum
    CORRUPT_PRACTICE = "corrupt_practice"  # R-MCC-6: bribery, intimidation, booth offences
    PICKETING = "picketing"  # R-MCC-7: demonstrations before individuals' houses
    EXIT_POLL = "exit_poll"  # R-EXIT-1: exit-poll results, published or forwarded
    OPINION_POLL = "opinion_poll"  # R-SIL-5: opinion-poll and survey results
    DEROGATORY = "derogatory"  # R-AI-8: derogatory to women, children, violence, animals


@dataclass(frozen=True)
class Hit:
    family: Family
    term: str  # the lexicon word, or the name of the pattern, that matched
    start: int  # offsets into the text given to ``scan``, as written
    end: int
    excerpt: str  # the matched words with a few words either side, as written


# ---- normalisation ------------------------------------------------------------------------

# Letters, digits and signs that continue a word. ``re``'s \w leaves out Devanagari vowel
# signs and virama (categories Mn/Mc), so \b would cut "वोटों" after "व". The danda (।, ॥)
# and the abbreviation sign end a word the way a full stop does, so they are left out.
WORD = r"\w\u0900-\u0963\u0966-\u096f\u0971-\u097f"
EDGE_BEFORE = rf"(?<![{WORD}])"
EDGE_AFTER = rf"(?![{WORD}])"

_NUKTA = "\u093c"
# Invisible characters that people (and keyboards) put inside words; an evader can too.
_INVISIBLE = frozenset("\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\ufeff") | frozenset(
    chr(c) for c in range(0xFE00, 0xFE10)
)
_FOLD = {
    "\u2018": "'",  # curly apostrophes: "don’t", "you’re" as phones type them
    "\u2019": "'",
    "\u0901": "\u0902",  # chandrabindu → anusvara: हँस / हंस, spelt both ways online
    "\u0949": "\u094b",  # candra o → o: कॉल / कोल, loanwords spelt either way
    "\u0945": "\u0947",  # candra e → e
    "\u0911": "\u0913",  # ऑ → ओ
    "\u090d": "\u090f",  # ऍ → ए
    **{chr(0x0966 + d): str(d) for d in range(10)},  # ०-९ → 0-9, for seat and vote counts
}
_NASALS = frozenset("ङञणनम")
_VIRAMA = "\u094d"
_ANUSVARA = "\u0902"


def _is_consonant(ch: str) -> bool:
    return "\u0915" <= ch <= "\u0939"


@cache
def _fold(cluster: str) -> str:
    """One base character and the combining marks after it, folded. Compatibility
    decomposition (NFKD) also undoes the "𝐯𝐨𝐭𝐞"-style styled letters of social media."""
    out = []
    for ch in unicodedata.normalize("NFKD", cluster):
        if ch == _NUKTA or ch in _INVISIBLE:
            continue
        if "\u0300" <= ch <= "\u036f":  # Latin accents: "vóte" is "vote"
            continue
        out.append(_FOLD.get(ch, ch).casefold())
    return "".join(out)


@dataclass(frozen=True)
class Normalised:
    """Text in the form the lexicon is matched in, with, for every character, the span of
    the original text it came from (canonical reordering moves marks inside a cluster, so a
    character maps to its whole cluster)."""

    text: str
    starts: list[int] = field(repr=False)
    ends: list[int] = field(repr=False)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> Normalised:
    """NFC-equivalent and compatibility-folded, Latin case-folded, nukta dropped, chandrabindu
    and a half nasal before a consonant written as anusvara (हिन्दू = हिंदू), invisible joiners
    dropped, runs of three or more of one Latin letter written once ("voteee" → "vote")."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        # Combining marks with a non-zero class are the ones normalisation may reorder.
        while j < n and unicodedata.combining(text[j]):
            j += 1
        for ch in _fold(text[i:j]):
            chars.append(ch)
            starts.append(i)
            ends.append(j)
        i = j

    out: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    k, m = 0, len(chars)
    while k < m:
        ch = chars[k]
        if (
            ch in _NASALS
            and k + 2 < m
            and chars[k + 1] == _VIRAMA
            and _is_consonant(chars[k + 2])
            and out  # inside a word only: a word does not begin with a half nasal
            and "\u0900" <= out[-1] <= "\u097f"
        ):
            out.append(_ANUSVARA)
            out_starts.append(starts[k])
            out_ends.append(ends[k + 1])
            k += 2
            continue
        if "a" <= ch <= "z":
            run = k + 1
            while run < m and chars[run] == ch:
                run += 1
            if run - k >= 3:
                out.append(ch)
                out_starts.append(starts[k])
                out_ends.append(ends[run - 1])
                k = run
                continue
        out.append(ch)
        out_starts.append(starts[k])
        out_ends.append(ends[k])
        k += 1
    return Normalised("".join(out), out_starts, out_ends)


# ---- compiling the lexicon -----------------------------------------------------------------

# Between two words of a pattern: punctuation and spaces, but not the end of a sentence, so
# a co-occurrence stays inside one sentence ("Rs.500" and "4.5%" keep their full stop).
_SEPARATOR = rf"(?:[^{WORD}.!?।॥\n]|\.(?!\s))+"
_MACROS = {
    "b": EDGE_BEFORE,
    "e": EDGE_AFTER,
    "s": _SEPARATOR,
    "w": f"[{WORD}]",
    "num": r"\d[\d,]*(?:\.\d+)?",
    # {not}: the word that follows is not negated ("mat do vote", "don't vote"). The inner
    # edge keeps "मुसलमान वोट" from reading as "न वोट".
    "not": "".join(
        f"(?<!{EDGE_BEFORE}{re.escape(word)} )"
        for word in ("mat", "na", "not", "never", "don't", "dont", "मत", "न", "ना", "नहीं")
    ),
}
_GAP = re.compile(r"gap(\d)")
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

# How Hindi typed in Latin letters varies: vowel length ("jaati/jati", "jeet/jit",
# "hindu/hindoo"), doubled consonants ("gaddar/gadar"), v/w, z/j, ph/f.
_LATIN_VOWELS = {"a": "a{1,2}", "i": "(?:i{1,2}|ee)", "u": "(?:u{1,2}|oo)", "o": "o{1,2}"}
_LATIN_SWAPS = {"v": "[vw]", "w": "[vw]", "z": "[zj]", "j": "[jz]"}
# Short and long vowel signs are confused in typed Hindi (जाति / जाती, हिंदू / हिंदु).
_DEVANAGARI_SWAPS = {
    "ि": "[िी]",
    "ी": "[िी]",
    "ु": "[ुू]",
    "ू": "[ुू]",
    "इ": "[इई]",
    "ई": "[इई]",
    "उ": "[उऊ]",
    "ऊ": "[उऊ]",
}


def _word_regex(word: str) -> str:
    """A lexicon word (a literal, never a regex, so an admin's entry cannot misbehave) as a
    regex over normalised text. A trailing ``*`` lets the word go on ("घोटाल*": घोटाला,
    घोटाले, घोटालों); a space matches any run of spaces and punctuation ("exit poll",
    "exit-poll")."""
    open_end = word.endswith("*")
    text = normalise(word.rstrip("*").strip()).text
    parts: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace() or ch == "-":
            while i < len(text) and (text[i].isspace() or text[i] == "-"):
                i += 1
            parts.append(_SEPARATOR)
            continue
        if ch in "aiuo":
            run = i
            while run < len(text) and text[run] in "aiueo":
                run += 1
            parts.append(_latin_vowels(text[i:run]))
            i = run
            continue
        if ch == "e":
            if text[i : i + 2] == "ee":
                parts.append(_LATIN_VOWELS["i"])
                i += 2
            else:
                parts.append("e{1,2}")
                i += 1
            continue
        if ch == "p" and text[i : i + 2] == "ph":
            parts.append("(?:ph|f)")
            i += 2
            continue
        if ch == "f":
            parts.append("(?:ph|f{1,2})")
            i += 1
            continue
        if "a" <= ch <= "z":
            run = i
            while run < len(text) and text[run] == ch:
                run += 1
            parts.append(_LATIN_SWAPS.get(ch, ch) + "{1,2}")
            i = run
            continue
        parts.append(_DEVANAGARI_SWAPS.get(ch) or re.escape(ch))
        i += 1
    if not parts:
        return ""
    return "".join(parts) + (f"[{WORD}]*" if open_end else "")


def _latin_vowels(run: str) -> str:
    """A run of Latin vowels: "aa" is a long a, "ee"/"ii" a long i, "oo"/"uu" a long u; any
    other run is its vowels one by one ("ai", "au", "oe")."""
    out: list[str] = []
    i = 0
    while i < len(run):
        pair = run[i : i + 2]
        if pair in ("aa", "ii", "uu"):
            out.append(_LATIN_VOWELS[pair[0]])
            i += 2
        elif pair == "ee":
            out.append(_LATIN_VOWELS["i"])
            i += 2
        elif pair == "oo":
            out.append(_LATIN_VOWELS["u"])
            i += 2
        else:
            ch = run[i]
            out.append(_LATIN_VOWELS.get(ch, "e{1,2}" if ch == "e" else ch))
            i += 1
    return "".join(out)


def _alternatives(words: Iterable[str]) -> str:
    regexes = sorted({r for r in (_word_regex(w) for w in words) if r}, key=len, reverse=True)
    return "|".join(regexes)


def _alternation(pattern: str | Sequence[str]) -> str:
    """A pattern in the TOML is a regex or, to keep long ones readable, a list of them."""
    if isinstance(pattern, str):
        return pattern
    return "|".join(f"(?:{alternative})" for alternative in pattern)


def _expand(
    pattern: str,
    sets: Mapping[str, str],
    fragments: Mapping[str, str],
    *,
    name: str,
    depth: int = 0,
) -> str:
    if depth > 8:
        raise ValueError(f"pattern {name!r}: fragments refer to each other in a circle")

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in _MACROS:
            return _MACROS[key]
        if gap := _GAP.fullmatch(key):
            # {gapN}: up to N whole words between two words of a pattern.
            return rf"(?:{_SEPARATOR}[{WORD}]+){{0,{gap.group(1)}}}{_SEPARATOR}"
        if key in sets:
            return f"(?:{EDGE_BEFORE}(?:{sets[key]}){EDGE_AFTER})"
        if key in fragments:
            inner = _expand(fragments[key], sets, fragments, name=name, depth=depth + 1)
            return f"(?:{inner})"
        raise ValueError(f"pattern {name!r} uses {{{key}}}, which the lexicon does not define")

    return _PLACEHOLDER.sub(replace, pattern)


@dataclass(frozen=True)
class _Screen:
    family: Family
    regex: re.Pattern[str]
    names: Mapping[str, str]  # regex group → lexicon word or pattern name


@dataclass(frozen=True)
class Lexicon:
    """Compiled patterns per family. Build it with ``load``."""

    screens: tuple[_Screen, ...]

    @classmethod
    def load(cls, extra: Mapping[str, Sequence[str]] | None = None) -> "Lexicon":
        """The shipped lexicon plus an election's own words, ``{family value: [word, ...]}``
        (an admin's entries: literal words, a trailing ``*`` for "and any ending")."""
        key = _freeze(extra or {})
        return _compiled(key)


def _freeze(extra: Mapping[str, Sequence[str]]) -> tuple[tuple[Family, tuple[str, ...]], ...]:
    frozen = []
    for name, words in extra.items():
        try:
            family = Family(name)
        except ValueError:
            known = ", ".join(f.value for f in Family)
            raise ValueError(f"{name!r} is not a screening family; use one of: {known}") from None
        if isinstance(words, str):
            raise ValueError(f"the words for {name!r} must be a list, not one string")
        cleaned = tuple(sorted({w.strip() for w in words if w.strip() and w.strip() != "*"}))
        frozen.append((family, cleaned))
    return tuple(sorted(frozen))


@cache
def _shipped_data() -> dict[str, Any]:
    with TERMS_FILE.open("rb") as f:
        return tomllib.load(f)


# Keyed by an election's extra words: a few elections, each edited now and then.
@lru_cache(maxsize=16)
def _compiled(extra: tuple[tuple[Family, tuple[str, ...]], ...]) -> Lexicon:
    data = _shipped_data()
    sets = {name: _alternatives(words) for name, words in data.get("sets", {}).items()}
    fragments = {name: _alternation(p) for name, p in data.get("fragments", {}).items()}
    added = dict(extra)
    screens = []
    for family in Family:
        table = data.get(family.value, {})
        branches: list[str] = []
        names: dict[str, str] = {}
        for pattern_name, pattern in table.get("patterns", {}).items():
            regex = _expand(_alternation(pattern), sets, fragments, name=pattern_name)
            names[f"p{len(branches)}"] = pattern_name
            branches.append(regex)
        for word in (*table.get("terms", ()), *added.get(family, ())):
            regex = _word_regex(word)
            if not regex:
                continue
            regex = f"{regex}{EDGE_AFTER}"
            names[f"p{len(branches)}"] = word
            branches.append(regex)
        if not branches:
            continue
        alternation = "|".join(f"(?P<p{i}>{b})" for i, b in enumerate(branches))
        compiled = re.compile(f"{EDGE_BEFORE}(?:{alternation})")
        _check(compiled, branches, names)
        screens.append(_Screen(family, compiled, names))
    return Lexicon(tuple(screens))


def _check(regex: re.Pattern[str], branches: list[str], names: Mapping[str, str]) -> None:
    """Compiling a family is the slow part of loading, so each pattern is compiled alone only
    to name the one that is wrong."""
    # A capturing group inside a pattern would hide which branch matched (``lastgroup``).
    if regex.groups != len(branches):
        for i, branch in enumerate(branches):
            if re.compile(branch).groups:
                raise ValueError(f"pattern {names[f'p{i}']!r} has a capturing group; use (?:...)")
    if (empty := regex.fullmatch("")) and empty.lastgroup:
        raise ValueError(f"pattern {names[empty.lastgroup]!r} matches empty text")


# ---- scanning ------------------------------------------------------------------------------

_CONTEXT_WORDS = 4
_FAMILY_ORDER = {family: i for i, family in enumerate(Family)}
# A survey taken after the vote is an exit poll (R-EXIT-1, state-wide for the whole ban),
# not also an opinion poll (R-SIL-5, per constituency's silence): one finding, the stricter.
_SUPERSEDES = {Family.OPINION_POLL: Family.EXIT_POLL}


def scan(text: str, lexicon: Lexicon | None = None) -> list[Hit]:
    """Every hit in text, in order of position, at most one hit per (family, span).
    lexicon None → the shipped lexicon (cached)."""
    screens = (lexicon or Lexicon.load()).screens
    normalised = normalise(text)
    hits = []
    for screen in screens:
        for match in screen.regex.finditer(normalised.text):
            if match.end() == match.start() or match.lastgroup is None:
                continue
            start, end = normalised.original_span(match.start(), match.end())
            hits.append(
                Hit(
                    family=screen.family,
                    term=screen.names[match.lastgroup],
                    start=start,
                    end=end,
                    excerpt=_excerpt(text, start, end),
                )
            )
    for weaker, stronger in _SUPERSEDES.items():
        spans = [(h.start, h.end) for h in hits if h.family == stronger]
        hits = [
            h
            for h in hits
            if h.family != weaker or not any(s < h.end and h.start < e for s, e in spans)
        ]
    hits.sort(key=lambda hit: (hit.start, hit.end, _FAMILY_ORDER[hit.family]))
    return hits


def _excerpt(text: str, start: int, end: int) -> str:
    """The matched words and a few words either side, on one line: what a reviewer needs to
    judge the hit without opening the post."""
    lo = start
    while lo > 0 and not text[lo - 1].isspace():  # the rest of the first word ("#vote")
        lo -= 1
    for _ in range(_CONTEXT_WORDS):
        j = lo
        while j > 0 and text[j - 1].isspace():
            j -= 1
        while j > 0 and not text[j - 1].isspace():
            j -= 1
        if j == lo:
            break
        lo = j
    hi = end
    while hi < len(text) and not text[hi].isspace():  # and of the last ("seats!")
        hi += 1
    for _ in range(_CONTEXT_WORDS):
        j = hi
        while j < len(text) and text[j].isspace():
            j += 1
        while j < len(text) and not text[j].isspace():
            j += 1
        if j == hi:
            break
        hi = j
    excerpt = " ".join(text[lo:hi].split())
    if text[:lo].strip():
        excerpt = "…" + excerpt
    if text[hi:].strip():
        excerpt += "…"
    return excerpt
