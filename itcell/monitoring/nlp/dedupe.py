"""Near-duplicate grouping: which earlier item is this text a copy of?

A narrative spreads as copies: the same WhatsApp forward with "Forwarded" on top, an emoji
added, a last line changed, a link swapped. ``NarrativeIndex`` groups such copies, one item at a
time, as items arrive:

    index = NarrativeIndex()
    index.add(1, "नीतीश सरकार ने 10 लाख नौकरियां दीं, पूरी लिस्ट देखें")   # 1: a new group
    index.add(2, "Forwarded\\nनीतीश सरकार ने 10 लाख नौकरियां दी 🙏 पूरी लिस्ट देखें!")  # 1

How, and why this way:

- The text is brought to a *surface form* (``normalise``): NFKC (so styled "𝐁𝐉𝐏" letters are
  plain letters), case-folded, Devanagari nukta dropped (ड़ / ड, spelt both ways), chandrabindu
  folded to anusvara, Devanagari digits to ASCII, links, @mentions, hashtag marks, emoji,
  punctuation and forward markers ("Forwarded", "आगे भेजा गया") removed, spaces collapsed.
- Its *shingles* are the overlapping 5-character pieces of the surface form. Characters, not
  words: Hindi is spelt loosely (दीं / दी, नौकरियां / नौकरियाँ) and a one-letter change
  should cost a few shingles, not a whole word's worth of meaning.
- Similarity is the Jaccard index of two shingle sets, estimated from a 128-value MinHash
  *signature*. The signature is computed by one-permutation hashing with optimal densification
  (Shrivastava, ICML 2017): each shingle is hashed once (crc32), not 128 times, which keeps
  ``add`` at about 8,000 posts of 135 characters a second on one core in pure Python.
- Candidates are found by LSH banding (32 bands of 4 values): a pair with Jaccard 0.6 shares at
  least one band with probability 0.99, a pair at 0.3 with 0.23. Candidates are then checked on
  the whole signature against ``threshold``.

The threshold (``DEFAULT_THRESHOLD`` = 0.6) was set on the hand-written pairs in
``tests/test_dedupe.py``: copies (a forward marker, emoji, a swapped link, a changed sign-off
line, a source added to a headline) score 0.72-1.0; different posts on the same topic (same
names, same place, a claim and its rebuttal) score 0.0-0.17. The gap is wide on purpose: the
estimate's standard error at 128 values is about 0.04. The close calls are templated headlines
("PM Modi to address rally in Darbhanga on Tuesday" / "... in Sasaram on Wednesday", 0.55) and
a short forward whose last line is a third of it (0.57): both stay apart. A longer sign-off
change, or a changed last line in a longer forward, joins.

A new item joins the group of its most similar earlier item, so a narrative can drift: C may join
A's group through B without resembling A. Groups are never merged, so a group id, once given, is
stable. A text with nothing left after normalisation (only emoji, only a link) has no signature
and is a group of its own.

Signatures are stored with the item (``Signature.to_bytes``, 513 bytes), and the index is rebuilt
at start-up from stored signatures and groups (``add_signature``) without re-reading texts. The
first byte is ``SIGNATURE_VERSION``: change the normalisation, the shingle length or the hashing
and bump it, and stored signatures of the old version are refused (re-sign those items' texts).
"""

import operator
import re
import struct
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass

DEFAULT_THRESHOLD = 0.6
SIGNATURE_VERSION = 1
SHINGLE_LENGTH = 5
NUM_VALUES = 128  # values in a signature; a power of two (a bin is the top 7 bits of a hash)
BANDS = 32
ROWS = NUM_VALUES // BANDS  # values per band
# Long texts are judged on their beginning: a 1 MB paste must not stall ingestion, and two
# articles sharing their first 10,000 characters are the same article for our purpose.
MAX_INPUT_CHARS = 100_000
MAX_SURFACE_CHARS = 10_000
# A bucket (one band's values) keeps the newest this many items: copies of a viral forward all
# land in the same buckets, and a few of them represent the group as well as ten thousand. The
# newest, so that the copies still in the window keep the narrative findable when the oldest
# are forgotten.
BUCKET_CAP = 8
# Candidates checked on the full signature, most shared bands first.
MAX_CHECKED = 16

_MASK64 = (1 << 64) - 1
_BIN_MASK = NUM_VALUES - 1
_EMPTY = 1 << 32  # above every stored (32-bit) value
_FORMAT = struct.Struct(f"<B{NUM_VALUES}I")

# ---- the surface form ----------------------------------------------------------------------

_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|in|org|net|ly|me|co)/\S*", re.I)
_MENTION = re.compile(r"(?<!\w)@\w+")
_ASTRAL = re.compile(r"[\U00010000-\U0010ffff]")  # emoji and pictographs (letters are NFKC-folded)
_SPACES = re.compile(r"\s+")
# Lines that are only a forward marker, in the words WhatsApp and people use.
_FORWARD_MARKERS = frozenset(
    {
        "forwarded",
        "forwarded many times",
        "forwarded as received",
        "fwd",
        "fw",
        "आगे भेजा गया",
        "कई बार आगे भेजा गया",
        "जैसा मिला वैसा भेजा",
        "जैसा प्राप्त हुआ वैसा ही भेजा",
    }
)
_MARKER_PREFIX = re.compile(
    r"^\s*(?:forwarded(?: many times| as received)?|fwd?|कई बार आगे भेजा गया|आगे भेजा गया)\s*[:\-]\s*"
)


def _surface_table() -> dict[int, str]:
    """What ``str.translate`` does to each BMP character: keep letters, marks and digits; drop
    format characters (joiners inside Devanagari words); everything else becomes a space."""
    table: dict[int, str] = {}
    for code in range(0x10000):
        category = unicodedata.category(chr(code))
        if category[0] in "LMN":
            continue
        table[code] = "" if category == "Cf" else " "
    table.update(
        {
            0x093C: "",  # nukta: सड़क / सडक
            0x0901: "\u0902",  # chandrabindu → anusvara: नौकरियाँ / नौकरियां
            0x0949: "\u094b",  # candra o: कॉलेज / कोलेज
            0x0945: "\u0947",  # candra e
            **{0x0966 + d: str(d) for d in range(10)},  # ०-९ → 0-9
            **{ord(c): "\n" for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"},  # lines stay
        }
    )
    return table


_TABLE = _surface_table()


def normalise(text: str) -> str:
    """``text`` in surface form: what near-duplicate comparison sees."""
    text = unicodedata.normalize("NFKC", text[:MAX_INPUT_CHARS]).casefold()
    text = _LINK.sub(" ", text)
    if "@" in text:
        text = _MENTION.sub(" ", text)
    text = _ASTRAL.sub(" ", _MARKER_PREFIX.sub("", text).translate(_TABLE))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return " ".join(line for line in lines if line and line not in _FORWARD_MARKERS)[
        :MAX_SURFACE_CHARS
    ]


def shingles(surface: str) -> set[bytes]:
    """The overlapping ``SHINGLE_LENGTH``-character pieces of a surface form (as UTF-32, so a
    piece is a fixed number of bytes and the text is encoded once); a form shorter than that is
    one shingle."""
    data = surface.encode("utf-32-le")
    width = 4 * SHINGLE_LENGTH
    if len(data) <= width:
        return {data} if data else set()
    return {data[i : i + width] for i in range(0, len(data) - width + 4, 4)}


# ---- the signature -------------------------------------------------------------------------


def _mix(x: int) -> int:
    """splitmix64's finaliser: 64 well-mixed bits from any int."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


# For each bin, the bins an empty bin borrows from, in order (a fixed pseudo-random sequence,
# the same for every text, which is what makes densified signatures comparable).
_PROBES: tuple[tuple[int, ...], ...] = tuple(
    tuple(_mix((i << 16) | attempt) & _BIN_MASK for attempt in range(1, 65))
    for i in range(NUM_VALUES)
)
_GOLDEN = 0x9E3779B97F4A7C15  # Fibonacci hashing: the top bits of crc * this pick the bin
_BIN_SHIFT = 64 - NUM_VALUES.bit_length() + 1


@dataclass(frozen=True, slots=True)
class Signature:
    """A text's MinHash signature: ``NUM_VALUES`` 32-bit values."""

    values: tuple[int, ...]

    def __post_init__(self) -> None:
        values = self.values
        if len(values) != NUM_VALUES or min(values) < 0 or max(values) >= _EMPTY:
            raise ValueError(f"a signature is {NUM_VALUES} values from 0 to 2**32-1")

    def similarity(self, other: "Signature") -> float:
        """Estimated Jaccard index of the two texts' shingle sets, 0..1."""
        return sum(map(operator.eq, self.values, other.values)) / NUM_VALUES

    def to_bytes(self) -> bytes:
        return _FORMAT.pack(SIGNATURE_VERSION, *self.values)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Signature":
        """A stored signature; ``ValueError`` if it is not one of this version (re-sign the
        item's text)."""
        if len(data) != _FORMAT.size or data[0] != SIGNATURE_VERSION:
            raise ValueError(
                f"not a version-{SIGNATURE_VERSION} signature: sign the item's text again"
            )
        return cls(_FORMAT.unpack(data)[1:])


def signature(text: str) -> Signature | None:
    """The text's signature, or ``None`` when nothing is left after normalisation."""
    pieces = shingles(normalise(text))
    if not pieces:
        return None
    bins = [_EMPTY] * NUM_VALUES
    # One hash per shingle (crc32, in C); its bin from the top bits of a multiply. This loop is
    # the cost of ``add``: keep it to these few operations.
    for piece in pieces:
        h = zlib.crc32(piece)
        b = ((h * _GOLDEN) & _MASK64) >> _BIN_SHIFT
        if h < bins[b]:
            bins[b] = h
    filled = bins.copy()
    for i, v in enumerate(bins):
        if v == _EMPTY:
            filled[i] = _borrow(bins, i)
    return Signature(tuple(filled))


def _borrow(bins: list[int], i: int) -> int:
    for j in _PROBES[i]:
        if bins[j] != _EMPTY:
            return bins[j]
    # 64 probes all empty: only for texts of a handful of shingles. Scan in a fixed order.
    for step in range(1, NUM_VALUES):
        j = (i + step) & _BIN_MASK
        if bins[j] != _EMPTY:
            return bins[j]
    raise AssertionError("a signature of a non-empty text has a filled bin")


# ---- the index -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Neighbour:
    item_id: int
    group_id: int
    similarity: float


class NarrativeIndex:
    """Items seen so far, grouped into narratives; ``add`` says which group a new item joins.

    Memory is about 3 KB an item (the signature packed, 32 band entries), so an index keeps a
    window: with ``max_items`` the oldest items are forgotten as new ones come (a narrative
    whose copies stop for longer than the window starts a new group when it returns). Items
    are expected oldest first, as they arrive or as they are restored.

    Not thread-safe: one index per worker.
    """

    def __init__(
        self, *, threshold: float = DEFAULT_THRESHOLD, max_items: int | None = None
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold is a Jaccard index above 0 and at most 1")
        if max_items is not None and max_items < 1:
            raise ValueError("max_items is at least 1 (or None for no limit)")
        self.threshold = threshold
        self.max_items = max_items
        # Item → (packed signature, group), oldest first. Packed: 545 bytes instead of 4.6 KB
        # for a tuple of 128 ints.
        self._items: dict[int, tuple[bytes, int]] = {}
        # One dict for all bands: hash of (band, its values) → the item, or the newest items (at
        # most BUCKET_CAP) sharing it. A hash collision only adds a candidate, to be checked.
        self._buckets: dict[int, int | list[int]] = {}

    def __len__(self) -> int:
        """Items indexed (items without a signature are not)."""
        return len(self._items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._items

    def group_of(self, item_id: int) -> int | None:
        found = self._items.get(item_id)
        return found[1] if found else None

    def add(self, item_id: int, text: str) -> int:
        """Index a new item and return its group id: the id of the first item of the group it
        is a near-duplicate of, or ``item_id`` itself when it starts a new group."""
        sig = signature(text)
        if sig is None:
            return item_id
        return self.add_signature(item_id, sig)

    def add_signature(self, item_id: int, sig: Signature, *, group_id: int | None = None) -> int:
        """Index an item by its signature. With ``group_id`` (restoring stored items, oldest
        first) the item is put in that group as it is; without, the group is decided as in
        ``add``. Adding an id twice is an error: ids are items, and items do not change text."""
        if item_id in self._items:
            raise ValueError(f"item {item_id} is already indexed")
        keys = _band_keys(sig)
        if group_id is None:
            nearest = self._nearest(sig, keys)
            group_id = nearest.group_id if nearest else item_id
        self._items[item_id] = (sig.to_bytes(), group_id)
        buckets = self._buckets
        for key in keys:
            held = buckets.get(key)
            if held is None:
                buckets[key] = item_id
            elif isinstance(held, int):
                buckets[key] = [held, item_id]
            else:
                if len(held) == BUCKET_CAP:
                    del held[0]
                held.append(item_id)
        if self.max_items is not None and len(self._items) > self.max_items:
            self._forget(next(iter(self._items)))
        return group_id

    def _forget(self, item_id: int) -> None:
        packed, _group = self._items.pop(item_id)
        for key in _band_keys(Signature.from_bytes(packed)):
            held = self._buckets.get(key)
            if held == item_id:
                del self._buckets[key]
            elif isinstance(held, list) and item_id in held:
                held.remove(item_id)
                if not held:
                    del self._buckets[key]

    def nearest(self, sig: Signature) -> Neighbour | None:
        """The indexed item most similar to ``sig`` at or above the threshold, if any."""
        return self._nearest(sig, _band_keys(sig))

    def _nearest(self, sig: Signature, keys: list[int]) -> Neighbour | None:
        found: list[int] = []
        for key in keys:
            held = self._buckets.get(key)
            if held is None:
                continue
            if isinstance(held, int):
                found.append(held)
            else:
                found.extend(held)
        if not found:
            return None
        best: Neighbour | None = None
        for candidate, _shared in Counter(found).most_common(MAX_CHECKED):
            packed, group_id = self._items[candidate]
            stored = _FORMAT.unpack(packed)[1:]
            similarity = sum(map(operator.eq, sig.values, stored)) / NUM_VALUES
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Neighbour(candidate, group_id, similarity)
        return best


def _band_keys(sig: Signature) -> list[int]:
    # Tuples of ints hash the same in every process (no hash randomisation for ints), though
    # nothing relies on that: band keys live only in memory.
    v = sig.values
    return [hash((band, v[i : i + ROWS])) for band, i in enumerate(range(0, NUM_VALUES, ROWS))]
