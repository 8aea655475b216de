"""Text brought to the forms names are matched in: the *surface* form (what the author wrote,
Unicode-normalised and case-folded) and the *transliteration key* (how it sounds, the same for
"मुंगेर" and "Munger", for "तेजस्वी", "Tejaswi" and "Tejashwi").

Text is cut into words first (``words``), each with its span in the text as written, and
every word is normalised on its own. Words repeat a great deal across posts, so both forms
are cached per word: after warm-up a post costs a few dictionary look-ups per word.

The key is deliberately lossy. People type Hindi names in Latin letters without a fixed
spelling: the inherent vowel is written or dropped ("Ramnagar" / "रामनगर" = "raamanagara"),
long and short vowels are mixed ("Nitish" / "Neetish"), aspirates lose their h ("Bagaha" /
"Bgha"), v and w, z and j, f and ph, s and sh are interchangeable. The key keeps the
consonant skeleton and the vowels other than "a", so different names stay apart while
spellings of one name meet. Short keys collide with ordinary words, so the gazetteer only
trusts a key-only match when the key is long enough (``MIN_KEY_LENGTH``).
"""

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from indic_transliteration import sanscript

# Keys shorter than this (letters, without spaces) are too likely to be some other word.
MIN_KEY_LENGTH = 4

_NUKTA = "\u093c"
_VIRAMA = "\u094d"
_ANUSVARA = "\u0902"
_NASALS = frozenset("ङञणनम")
# Invisible characters people and keyboards put inside words (and evaders too).
INVISIBLE = frozenset("\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\ufeff") | frozenset(
    chr(c) for c in range(0xFE00, 0xFE10)
)
_DEVANAGARI_FOLD = {
    "\u0901": _ANUSVARA,  # chandrabindu: बाँका / बांका, spelt both ways
    "\u0949": "\u094b",  # candra o: कॉल / कोल
    "\u0945": "\u0947",  # candra e
    "\u0911": "\u0913",  # ऑ → ओ
    "\u090d": "\u090f",  # ऍ → ए
    **{chr(0x0966 + d): str(d) for d in range(10)},  # ०-९ → 0-9
}

# A word: letters and digits of any script, with the Devanagari vowel signs, virama and nukta
# that ``\w`` leaves out, and the joiners that may sit inside a Devanagari word. The danda
# (।, ॥) ends a word like a full stop.
_WORD = re.compile(
    r"[^\W_\u0964\u0965]+(?:[\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u200c\u200d][^\W_\u0964\u0965]*)*"
)


def is_devanagari(ch: str) -> bool:
    return "\u0900" <= ch <= "\u097f"


class Word(NamedTuple):  # a tuple: posts have many words, and tuples are quick to make
    text: str  # as written
    start: int
    end: int
    surface: str  # normalised: what exact matching compares
    key: str  # transliteration key: what cross-script matching compares
    text_after: str = ""  # what separates it from the next word, as written


def words(text: str) -> list[Word]:
    """The words of ``text`` with their spans, surface forms and keys."""
    found: list[Word] = []
    last: tuple[str, int, int, str, str] | None = None
    for m in _WORD.finditer(text):
        written = m.group()
        surface, key = _forms(written)
        if not surface:
            continue
        start = m.start()
        if last is not None:
            found.append(Word(*last, text[last[2] : start]))
        last = (written, start, m.end(), surface, key)
    if last is not None:
        found.append(Word(*last, text[last[2] :]))
    return found


_HONORIFIC_SUFFIXES = ("ji", "जी")


@lru_cache(maxsize=200_000)
def _forms(written: str) -> tuple[str, str]:
    canonical = _canonical(written)
    surface = surface_form(canonical)
    # "Nitishji", "मोदीजी": the respect is written on to the name.
    for suffix in _HONORIFIC_SUFFIXES:
        if canonical.endswith(suffix) and len(canonical) > len(suffix) + 3:
            return surface, word_key(canonical[: -len(suffix)])
    return surface, word_key(canonical)


def _canonical(word: str) -> str:
    """NFC, compatibility-folded (styled "𝐁𝐉𝐏" letters), invisible characters dropped,
    Devanagari variants folded, Latin accents dropped; the nukta is kept (it tells ड़ from ड,
    which the key needs)."""
    out = []
    for ch in unicodedata.normalize("NFKD", word):
        if ch in INVISIBLE or "\u0300" <= ch <= "\u036f":
            continue
        out.append(_DEVANAGARI_FOLD.get(ch, ch))
    return unicodedata.normalize("NFC", "".join(out)).casefold()


def surface_form(word: str) -> str:
    """The form exact matching compares: nukta dropped (सीतामढ़ी / सीतामढी), a half nasal
    before a consonant written as anusvara (चम्पारण / चंपारण)."""
    chars = unicodedata.normalize("NFD", word).replace(_NUKTA, "")
    out: list[str] = []
    i, n = 0, len(chars)
    while i < n:
        ch = chars[i]
        if (
            ch in _NASALS
            and i + 2 < n
            and chars[i + 1] == _VIRAMA
            and "\u0915" <= chars[i + 2] <= "\u0939"
            and out
            and is_devanagari(out[-1])
        ):
            out.append(_ANUSVARA)
            i += 2
            continue
        out.append(ch)
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def normalise(text: str) -> str:
    """The whole text in surface form, words separated by single spaces."""
    return " ".join(w.surface for w in words(text))


def transliteration_key(text: str) -> str:
    """The whole text as transliteration keys, words separated by single spaces."""
    return " ".join(w.key for w in words(text) if w.key)


# ---- the phonetic key ----------------------------------------------------------------------

_RETROFLEX_FLAP = re.compile(r"(?<=[aeiouAIU])D")  # ड between vowels is said ड़: "Khagaria"
# व is written v, w and, in Bihar, b ("Nitin Nabin", "Bijendra"); z/j, q/k, f/ph, y/i.
_LATIN_SWAPS = str.maketrans({"w": "b", "v": "b", "z": "j", "q": "k", "f": "p", "y": "i"})
_NOT_LETTER = re.compile(r"[^a-z]+")
_ASPIRATE = re.compile(r"(?<=[bcdghjkprst])h")  # "chh" too
_FINAL_H = re.compile(r"(?<=[aeiou])h$")
_NASAL_BEFORE_LABIAL = re.compile(r"n(?=[pb])")
_RUNS = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """One word's transliteration key: Devanagari read through ITRANS, then folded."""
    if any(is_devanagari(ch) for ch in word):
        word = _itrans(word)
    return _latin_key(word.casefold())


def _itrans(word: str) -> str:
    latin = sanscript.transliterate(word, sanscript.DEVANAGARI, sanscript.ITRANS)
    # सिंह is written "Singh"; सिन्हा (a half n, not an anusvara) stays "Sinha".
    latin = (
        latin.replace("Mh", "ngh")
        .replace(".D", "r")
        .replace("M", "n")
        .replace(".N", "n")
        .replace("~n", "n")
    )
    latin = latin.replace("RRi", "ri").replace("x", "ksh")
    return _RETROFLEX_FLAP.sub("r", latin)


def _latin_key(word: str) -> str:
    word = _NOT_LETTER.sub("", word.replace("x", "ks"))
    if word.endswith("ey"):  # "Chaubey" / चौबे, "Pandey" / पांडे
        word = word[:-1]
    word = word.replace("ee", "i").replace("oo", "u").replace("au", "o").replace("ou", "o")
    word = word.replace("qu", "k")  # "Siddiqui" / सिद्दीकी
    word = word.replace("ck", "k").translate(_LATIN_SWAPS)
    word = _ASPIRATE.sub("", word)
    word = _FINAL_H.sub("", word)
    word = _NASAL_BEFORE_LABIAL.sub("m", word)
    if len(word) > 1:
        # The inherent vowel is written or not at will, and written "e" as often as "a"
        # ("Verma" / वर्मा, "Jehanabad" / जहानाबाद, "Kishore" / किशोर); a word-initial vowel
        # is a real one.
        word = word[0] + word[1:].replace("a", "").replace("e", "")
    return _RUNS.sub(r"\1", word)
