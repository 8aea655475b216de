"""The gazetteer: every name of every AC, district, party, candidate and leader of one
election, compiled into one Aho-Corasick automaton over transliteration keys, so one pass over
a text finds names in Devanagari, in Latin letters and in any spelling in between.

How a match becomes a tag with a confidence (the numbers are the constants below):

- A name written as the gazetteer writes it (after normalisation) counts ``FULL``; the same
  name in another script or spelling (the keys agree, the letters do not) counts a little
  less (``KEY_FACTOR``), and only when its key is long enough to be no other word.
- Shorter forms count less: a candidate's first and last name (``SHORT``).
- A name shared by several places or people of one kind ("Pipra", "Kalyanpur", three
  candidates called "Renu Devi") is split between them (``shared``), unless something else
  in the text (the candidate's seat, district or party) picks one out.
- A name that is both a district and an AC ("Munger", "Gaya", "Buxar") tags both: alone, the
  district (and its town) at ``AMBIGUOUS_DISTRICT`` and the seat below the threshold
  (``AMBIGUOUS_AC``); a word next to it ("district", "seat", "जिले", "विधानसभा") decides.
- A name that is also an ordinary word ("गया" went, "बाढ़" flood, "aap" you) counts
  ``WEAK``, below the threshold, and rises above it only with context that makes it a place
  ("गया में", "in Gaya", "गया जिले") or another mention from the same district.
- Words next to a name can make it something else: "Manjhi ji" is the leader, not the seat;
  "VIP treatment" is no party; "Chhapra ke Marhaura" names the town around Marhaura, not
  the Chhapra seat. Context stops at punctuation ("ghus gaya, DM sahab").
- A candidate implies the seat, an AC its district, each at a fraction of its own confidence;
  a leader who stands in the election implies the candidacy; "Owaisi ki party" the party.
- A candidate of a seat the text names may be spelt too differently for the keys to agree
  ("सरावगी" / "Saraogi"): the runs of words are compared with that seat's candidates by
  edit distance (``NEAR``), which is cheap because a seat has a dozen candidates.

Only tags at or above ``THRESHOLD`` are returned. The file reads top to bottom: the records a
gazetteer is built from, compiling them (``Gazetteer.__post_init__``), matching (``find``:
``_matches`` → ``_score`` → ``_near_misses`` → ``_resolve``), then the shipped tables.
"""

import csv
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import ahocorasick
from rapidfuzz import fuzz, process

from itcell.monitoring.nlp import Kind, Tag
from itcell.monitoring.nlp.normalise import MIN_KEY_LENGTH, Word, words

DATA = Path(__file__).with_name("data")

THRESHOLD = 0.5  # a tag below this is a guess, not shown and not counted
FULL = 0.9  # a full name as written in the reference data
KEY_FACTOR = 0.95  # the same name in another script or spelling
SHORT = 0.75  # a candidate's first and last name without the middle ones
NICKNAME = 0.85  # a leader's short name from the shipped list ("Nitish", "Lalu")
AMBIGUOUS_DISTRICT = 0.7  # a name that is both a district and an AC, without context: the
AMBIGUOUS_AC = 0.45  # district (and its town) is meant more often than the seat
DECIDED = 0.95  # ... with a word next to it that says which
UNDECIDED = 0.3  # ... the one the context speaks against
WEAK = 0.3  # a name that is also an ordinary word, without context
PLACE_CONTEXT = 0.3  # added to a weak name by "में", "in", "से"...
KIND_CONTEXT = 0.5  # added to a weak name by "district", "seat", "जिले"...
COMENTION = 0.3  # added to a weak name when another tag in the text is in its district
IMPLIED_AC = 0.75  # a candidate's AC, as a fraction of the candidate's confidence
IMPLIED_DISTRICT = 0.85  # an AC's district, as a fraction of the AC's confidence
NAMESAKE = 0.4  # a candidate whose namesake fits the text better (seat, party, leader)
CONFIRMED = 0.95  # a candidate whose seat is named in the same text
NEAR_MISS = 0.75  # a candidate of a named seat whose name is spelt a little differently
NEAR = 84  # ... how alike the keys must be (rapidfuzz ratio, 0-100)
NEAR_MIN_LETTERS = 6  # ... and how long: short keys are alike by chance


# ---- the records a gazetteer is built from -------------------------------------------------


@dataclass(frozen=True)
class ACRecord:
    number: int
    name_en: str
    name_hi: str
    district: str  # the district's key: its English census-2011 name


@dataclass(frozen=True)
class DistrictRecord:
    name_en: str  # the key: English census-2011 name ("West Champaran")
    name_hi: str = ""
    eci_name: str = ""  # as the Election Commission writes it ("PASCHIM CHAMPARAN")
    other_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartyRecord:
    short_name: str  # the key
    names_en: tuple[str, ...] = ()
    names_hi: tuple[str, ...] = ()
    nicknames: tuple[str, ...] = ()


@dataclass(frozen=True)
class CandidateRecord:
    ac_number: int
    name: str  # as in the candidate list; the key is "<ac>:<name>"
    party: str = ""
    name_hi: str = ""


@dataclass(frozen=True)
class LeaderRecord:
    name_en: str  # the key
    name_hi: str = ""
    party: str = ""
    other_names: tuple[str, ...] = ()  # short names and spellings, any script


@dataclass(frozen=True)
class AliasRecord:
    """Another name for something in the gazetteer: a translated or old name ("Monghyr"), a
    party's Hindi short name ("राजद"), a spelling the data does not use."""

    text: str
    kind: Kind
    key: str
    confidence: float = FULL
    capitals_only: bool = False  # only when written in capitals ("HAM", not "ham" = we)
    weak: bool = False  # also an ordinary word: needs context


# ---- compiled form -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Referent:
    """What one written form of a name may refer to."""

    kind: Kind
    key: str
    surface: str  # the form as the gazetteer writes it, normalised
    base: float
    weak: bool = False
    capitals_only: bool = False
    keyed: bool = True  # may match by transliteration key alone
    party: str = ""  # candidates and leaders: their party, for namesakes


@dataclass(frozen=True, slots=True)
class _Match:
    first: int  # word indices, inclusive
    last: int
    referents: tuple[Referent, ...]


@dataclass(frozen=True)
class _Context:
    district: frozenset[str]
    ac: frozenset[str]
    pc: frozenset[str]
    place_after: frozenset[str]
    place_before: frozenset[str]
    verb_before: frozenset[str]
    verb_after: frozenset[str]
    person_after: frozenset[str]
    not_party_after: frozenset[str]
    party_words: frozenset[str]


@cache
def _context() -> _Context:
    data = tomllib.loads((DATA / "context.toml").read_text(encoding="utf-8"))
    return _Context(**{name: frozenset(_surfaces(data[name])) for name in data})


@cache
def common_words() -> frozenset[str]:
    """Names that are also ordinary words (``data/common_words.toml``), in surface form."""
    data = tomllib.loads((DATA / "common_words.toml").read_text(encoding="utf-8"))
    return frozenset(_surfaces(data["words"])) | common_nouns()


@cache
def common_nouns() -> frozenset[str]:
    """The nouns among them: a postposition after one is no evidence of a place."""
    data = tomllib.loads((DATA / "common_words.toml").read_text(encoding="utf-8"))
    return frozenset(_surfaces(data["nouns"]))


def _surfaces(items: Iterable[str]) -> list[str]:
    return [" ".join(w.surface for w in words(item)) for item in items]


_PAUSE = re.compile(r"[,.;:!?।॥|()\[\]\n]")
_ACRONYM = re.compile(r"^[A-Z][A-Z()\-\s]*[A-Z)]$")
_HONORIFIC = frozenset({"dr", "adv", "prof", "shri", "smt", "er", "col", "capt"})


@dataclass
class Gazetteer:
    acs: Sequence[ACRecord] = ()
    districts: Sequence[DistrictRecord] = ()
    parties: Sequence[PartyRecord] = ()
    candidates: Sequence[CandidateRecord] = ()
    leaders: Sequence[LeaderRecord] = ()
    aliases: Sequence[AliasRecord] = ()
    _patterns: dict[str, list[Referent]] = field(init=False, repr=False)
    _automaton: ahocorasick.Automaton = field(init=False, repr=False)
    _ac_district: dict[str, str] = field(init=False, repr=False)
    _candidate_ac: dict[str, str] = field(init=False, repr=False)
    _names: dict[tuple[Kind, str], str] = field(init=False, repr=False)
    _leader_candidates: dict[str, tuple[str, ...]] = field(init=False, repr=False)
    _seat_forms: dict[tuple[str, int], list[tuple[str, str, str]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._patterns = defaultdict(list)
        self._ac_district = {str(ac.number): ac.district for ac in self.acs}
        self._candidate_ac = {}
        common = common_words()
        for ac in self.acs:
            for name in _name_variants(ac.name_en, ac.name_hi):
                self._add(name, Kind.AC, str(ac.number), FULL, weak_if_common=common)
        for d in self.districts:
            names = [d.name_en, d.name_hi, d.eci_name.title(), *d.other_names]
            for name in _name_variants(*names):
                self._add(name, Kind.DISTRICT, d.name_en, FULL, weak_if_common=common)
        for p in self.parties:
            self._add_party(p, common)
        self._seat_forms = defaultdict(list)
        for c in self.candidates:
            key = f"{c.ac_number}:{c.name}"
            self._candidate_ac[key] = str(c.ac_number)
            for name, base in _candidate_forms(c.name) + _candidate_forms(c.name_hi):
                self._add(name, Kind.CANDIDATE, key, base, party=c.party)
                form = _key(name).split(" ")
                if len(form) in (2, 3) and len("".join(form)) >= NEAR_MIN_LETTERS:
                    self._seat_forms[(str(c.ac_number), len(form))].append(
                        (" ".join(form), key, c.party)
                    )
        for leader in self.leaders:
            self._add(leader.name_en, Kind.LEADER, leader.name_en, FULL, party=leader.party)
            self._add(leader.name_hi, Kind.LEADER, leader.name_en, FULL, party=leader.party)
            for name in leader.other_names:
                self._add(name, Kind.LEADER, leader.name_en, NICKNAME, party=leader.party)
        for alias in self.aliases:
            self._add(
                alias.text,
                alias.kind,
                alias.key,
                alias.confidence,
                weak=alias.weak,
                capitals_only=alias.capitals_only,
            )
        self._leader_candidates = self._link_leaders()
        self._names = {(Kind.AC, str(a.number)): a.name_en for a in self.acs}
        self._names.update({(Kind.DISTRICT, d.name_en): d.name_en for d in self.districts})
        for p in self.parties:
            self._names[(Kind.PARTY, p.short_name)] = (*p.names_en, p.short_name)[0]
        for c in self.candidates:
            self._names[(Kind.CANDIDATE, f"{c.ac_number}:{c.name}")] = c.name
        self._names.update({(Kind.LEADER, x.name_en): x.name_en for x in self.leaders})
        self._automaton = ahocorasick.Automaton()
        for pattern in self._patterns:
            self._automaton.add_word(f" {pattern} ", (pattern.count(" ") + 1, pattern))
        if self._patterns:
            self._automaton.make_automaton()

    def _add_party(self, p: PartyRecord, common: frozenset[str]) -> None:
        if p.short_name in {"IND", "party"}:
            return  # "independent" is no party to monitor; "party" is a stray label
        # Whole names only: "भाकपा (माले)" without its bracket would be another party.
        for name in dict.fromkeys([p.short_name, *p.names_en, *p.names_hi]):
            acronym = bool(_ACRONYM.match(name))
            found = words(name)
            capitals = acronym and any(w.surface in common for w in found)
            self._add(
                name,
                Kind.PARTY,
                p.short_name,
                FULL,
                capitals_only=capitals,
                keyed=not acronym,
                weak=not acronym and len(found) == 1 and found[0].surface in common,
            )
        for name in p.nicknames:
            self._add(name, Kind.PARTY, p.short_name, NICKNAME)

    def _add(
        self,
        name: str,
        kind: Kind,
        key: str,
        base: float,
        *,
        weak: bool = False,
        weak_if_common: frozenset[str] = frozenset(),
        capitals_only: bool = False,
        keyed: bool = True,
        party: str = "",
    ) -> None:
        found = words(name)
        if not found:
            return
        surface = " ".join(w.surface for w in found)
        if len(found) == 1 and surface in weak_if_common:
            weak = True
        forms = [found]
        if len(found) > 1 and kind in (Kind.AC, Kind.DISTRICT):  # "Valmikinagar" too
            joined = words("".join(w.text for w in found))
            if len(joined) == 1:
                forms.append(joined)
        for form in forms:
            pattern = " ".join(w.key or "#" for w in form)
            referent = Referent(
                kind,
                key,
                " ".join(w.surface for w in form),
                base,
                weak,
                capitals_only,
                keyed and _distinctive(pattern),
                party,
            )
            if referent not in self._patterns[pattern]:
                self._patterns[pattern].append(referent)

    def _link_leaders(self) -> dict[str, tuple[str, ...]]:
        """Leaders who stand in this election: the candidates of their party whose name (or
        first and last name) has the key of one of the leader's names."""
        by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
        for c in self.candidates:
            for name, _base in _candidate_forms(c.name):
                by_key[(_key(name), c.party)].append(f"{c.ac_number}:{c.name}")
        links = {}
        for leader in self.leaders:
            names = (leader.name_en, leader.name_hi, *leader.other_names)
            found = {
                candidate
                for name in names
                if name
                for candidate in by_key.get((_key(name), leader.party), ())
            }
            if found:
                links[leader.name_en] = tuple(sorted(found))
        return links

    def _containers(
        self, scored: list[tuple[Referent, float, _Match]], found: Sequence[Word]
    ) -> set[tuple[int, str]]:
        """ACs named as the town around another AC of their district: "Chhapra ke Marhaura",
        "दरभंगा के हायाघाट में" speak of Marhaura and Hayaghat, not of Chhapra or Darbhanga."""
        starts: dict[int, set[str]] = defaultdict(set)
        for r, c, m in scored:
            if r.kind == Kind.AC and c >= THRESHOLD:
                starts[m.first].add(self._ac_district.get(r.key, ""))
        out = set()
        for r, _c, m in scored:
            if r.kind != Kind.AC or m.last + 2 >= len(found):
                continue
            genitive = found[m.last + 1].surface in _GENITIVE
            paused = bool(_PAUSE.search(found[m.last].text_after))
            around = self._ac_district.get(r.key) in starts.get(m.last + 2, ())
            if genitive and not paused and around:
                out.add((m.first, r.key))
        return out

    def name_of(self, kind: Kind, key: str) -> str:
        """The English name of the entity a key stands for (the key itself if unknown)."""
        return self._names.get((kind, key), key)

    # ---- matching --------------------------------------------------------------------------

    def find(self, found: Sequence[Word]) -> list[Tag]:
        """Tags for a text already cut into words, at or above ``THRESHOLD``."""
        if not found or not self._patterns:
            return []
        matches = self._matches(found)
        scored: list[tuple[Referent, float, _Match]] = []
        for match in matches:
            scored.extend(self._score(match, found))
        scored.extend(self._near_misses(scored, matches, found))
        tags = self._resolve(scored, found)
        return [t for t in tags if t.confidence >= THRESHOLD]

    def _near_misses(
        self,
        scored: list[tuple[Referent, float, _Match]],
        matches: list[_Match],
        found: Sequence[Word],
    ) -> list[tuple[Referent, float, _Match]]:
        """Candidates of the seats the text names, spelt differently enough that their keys
        differ ("सरावगी" / "Saraogi", "श्रवण" / "Shrawon"): compared by edit distance with
        the text's runs of two or three words. Only the few candidates of named seats are
        compared, so the cost stays small."""
        seats = {r.key for r, c, _ in scored if r.kind == Kind.AC and c >= AMBIGUOUS_AC}
        if not seats:
            return []
        named = {r.key for r, _c, _m in scored if r.kind == Kind.CANDIDATE}
        # Words that are no name of anything, or a whole namesake in another seat (who may
        # stand where this seat's candidate is meant); and words with some key to them.
        free = [len(w.key) >= 2 for w in found]
        namesakes = set()
        for m in matches:
            if all(r.kind == Kind.CANDIDATE for r in m.referents):
                namesakes.add((m.first, m.last))
            free[m.first : m.last + 1] = [False] * (m.last - m.first + 1)
        keys = [w.key for w in found]
        out = []
        for n in (2, 3):
            forms = [f for seat in seats for f in self._seat_forms.get((seat, n), ())]
            if not forms:
                continue
            choices = [form for form, _key, _party in forms]
            for i in range(len(found) - n + 1):
                if not (all(free[i : i + n]) or (i, i + n - 1) in namesakes):
                    continue
                run = " ".join(keys[i : i + n])
                hit = process.extractOne(run, choices, scorer=fuzz.ratio, score_cutoff=NEAR)
                if hit is None:
                    continue
                _form, key, party = forms[hit[2]]
                if key in named:
                    continue
                referent = Referent(Kind.CANDIDATE, key, "", NEAR_MISS, party=party)
                out.append((referent, NEAR_MISS, _Match(i, i + n - 1, (referent,))))
                named.add(key)
                free[i : i + n] = [False] * n
        return out

    def _matches(self, found: Sequence[Word]) -> list[_Match]:
        stream_parts = [" "]
        word_at_end: dict[int, int] = {}
        position = 1
        for index, w in enumerate(found):
            key = w.key or "#"
            stream_parts.append(key)
            stream_parts.append(" ")
            position += len(key)
            word_at_end[position] = index
            position += 1
        stream = "".join(stream_parts)
        spans: list[tuple[int, int, str]] = []
        for end, (length, pattern) in self._automaton.iter(stream):
            last = word_at_end[end]
            spans.append((last - length + 1, last, pattern))
        # Longest first: "Patna Sahib" wins over "Patna", "Bodh Gaya" over "Gaya".
        spans.sort(key=lambda s: (s[0] - s[1], s[0]))
        taken: set[int] = set()
        matches = []
        for first, last, pattern in spans:
            if any(i in taken for i in range(first, last + 1)):
                continue
            referents = self._fitting(pattern, found[first : last + 1])
            if referents:
                taken.update(range(first, last + 1))
                matches.append(_Match(first, last, referents))
        return matches

    def _fitting(self, pattern: str, written: Sequence[Word]) -> tuple[Referent, ...]:
        surface = " ".join(w.surface for w in written)
        capitals = all(w.text.isupper() for w in written)
        fit = []
        for r in self._patterns[pattern]:
            if r.capitals_only and not capitals:
                continue
            if r.surface == surface:
                fit.append(r)
            elif r.keyed:
                fit.append(
                    Referent(
                        r.kind,
                        r.key,
                        r.surface,
                        r.base * KEY_FACTOR,
                        r.weak or surface in common_words(),
                        r.capitals_only,
                        r.keyed,
                        r.party,
                    )
                )
        return tuple(fit)

    def _score(self, match: _Match, found: Sequence[Word]) -> list[tuple[Referent, float, _Match]]:
        ctx = _context()
        before, after = _neighbours(found, match.first, match.last)
        # "Manjhi ji": a name that is a leader's and a place's is the leader's before "ji";
        # "गया जी" is the city, said with respect.
        person = (
            bool(after)
            and after[0] in ctx.person_after
            and any(r.kind == Kind.LEADER for r in match.referents)
        )
        # "Munger district", "मुंगेर जिले में", "जिला मुंगेर"; not "Saran district's Sonpur".
        near = set(after) | set(before[-1:])
        says_district = bool(near & ctx.district)
        says_ac = bool(near & ctx.ac)
        says_pc = bool(near & ctx.pc)
        kinds = {r.kind for r in match.referents}
        both = Kind.AC in kinds and Kind.DISTRICT in kinds
        counts: dict[Kind, int] = defaultdict(int)
        for key in {(r.kind, r.key) for r in match.referents}:
            counts[key[0]] += 1
        out = []
        for r in match.referents:
            confidence = r.base
            if r.weak:
                confidence = min(r.base, WEAK) + self._weak_context(match, found, before, after)
            if confidence > 0 and r.kind in (Kind.AC, Kind.DISTRICT):
                if person:  # "Manjhi ji": the leader, not the seat
                    confidence = 0.0
                confidence = _place_confidence(
                    r.kind, confidence, both, says_pc, says_district, says_ac
                )
            if r.kind == Kind.PARTY and after and after[0] in ctx.not_party_after:
                confidence = 0.0  # "VIP treatment"
            confidence = shared(confidence, counts[r.kind])
            out.append((r, confidence, match))
            if r.kind == Kind.LEADER:
                # A leader who stands in this election: the mention is of the candidate too.
                if r.party and _says_party(after, ctx):  # "Owaisi ki party"
                    party = Referent(Kind.PARTY, r.party, "", NICKNAME)
                    out.append((party, NICKNAME, match))
                stands = self._leader_candidates.get(r.key, ())
                for candidate in stands:  # in two seats, sometimes
                    share = shared(confidence, len(stands))
                    out.append(
                        (
                            Referent(Kind.CANDIDATE, candidate, "", share, party=r.party),
                            share,
                            match,
                        )
                    )
        return out

    def _weak_context(
        self, match: _Match, found: Sequence[Word], before: list[str], after: list[str]
    ) -> float:
        ctx = _context()
        previous = before[-1] if before else ""
        following = after[0] if after else ""
        if previous in ctx.verb_before or following in ctx.verb_after:
            return -1.0
        near = set(before) | set(after)
        if near & (ctx.district | ctx.ac):
            return KIND_CONTEXT
        first = found[match.first]
        noun = match.first == match.last and first.surface in common_nouns()
        capitalised = first.text[:1].isupper() and not first.text.isupper() and match.first > 0
        if capitalised or (
            not noun and (following in ctx.place_after or previous in ctx.place_before)
        ):
            return PLACE_CONTEXT
        return 0.0

    def _resolve(
        self, scored: list[tuple[Referent, float, _Match]], found: Sequence[Word]
    ) -> list[Tag]:
        """Namesakes, co-mentions and implications, then one tag per (kind, key, span)."""
        named: dict[Kind, set[str]] = defaultdict(set)
        for r, c, _ in scored:
            if c >= THRESHOLD:
                named[r.kind].add(r.key)
        named_acs, named_districts = named[Kind.AC], named[Kind.DISTRICT]
        leader_parties: dict[int, set[str]] = defaultdict(set)
        for r, _c, m in scored:
            if r.kind == Kind.LEADER:
                leader_parties[m.first].add(r.party)
        districts_seen = named_districts | {self._ac_district.get(a, "") for a in named_acs}

        def support(r: Referent, m: _Match) -> int:
            """How much else in the text points at this candidate rather than a namesake."""
            ac = self._candidate_ac.get(r.key, "")
            return (
                4 * (r.party in leader_parties.get(m.first, ()))
                + 2 * (ac in named_acs)
                + (self._ac_district.get(ac) in named_districts)
                + (r.party in named[Kind.PARTY])
            )

        best: dict[int, int] = defaultdict(int)
        for r, _c, m in scored:
            if r.kind == Kind.CANDIDATE:
                best[m.first] = max(best[m.first], support(r, m))
        # ACs of one name in two districts ("Kalyanpur"): the district named picks one.
        seats: dict[int, list[str]] = defaultdict(list)
        for r, _c, m in scored:
            if r.kind == Kind.AC:
                seats[m.first].append(r.key)
        picked = {
            first: {k for k in keys if self._ac_district.get(k) in named_districts}
            for first, keys in seats.items()
            if len(set(keys)) > 1
        }
        containers = self._containers(scored, found)

        tags: dict[tuple[Kind, str, int], Tag] = {}

        def put(kind: Kind, key: str, confidence: float, m: _Match) -> None:
            start, end = found[m.first].start, found[m.last].end
            confidence = round(max(0.0, min(confidence, 1.0)), 3)
            old = tags.get((kind, key, start))
            if old is None or old.confidence < confidence:
                tags[(kind, key, start)] = Tag(kind, key, confidence, start, end)

        for r, confidence, m in scored:
            if r.kind == Kind.CANDIDATE:
                mine, top = support(r, m), best[m.first]
                if top and mine < top:
                    confidence *= NAMESAKE  # another candidate of this name fits the text better
                elif self._candidate_ac.get(r.key) in named_acs:
                    confidence = max(confidence, CONFIRMED * r.base / FULL)
                elif mine:
                    confidence = max(confidence, r.base * KEY_FACTOR)
                elif leader_parties.get(m.first):
                    confidence *= NAMESAKE  # a leader's name, and no leader of this party
            if r.kind == Kind.AC and picked.get(m.first):
                confidence = r.base if r.key in picked[m.first] else confidence * NAMESAKE
            if r.kind == Kind.AC and (m.first, r.key) in containers:
                confidence = min(confidence, AMBIGUOUS_AC)
            if r.weak and r.kind in (Kind.AC, Kind.DISTRICT) and 0 < confidence < THRESHOLD:
                district = r.key if r.kind == Kind.DISTRICT else self._ac_district.get(r.key)
                others = districts_seen - ({r.key} if r.kind == Kind.DISTRICT else set())
                if district in others:
                    confidence += COMENTION
            put(r.kind, r.key, confidence, m)
            if r.kind == Kind.CANDIDATE:
                ac = self._candidate_ac.get(r.key, "")
                put(Kind.AC, ac, confidence * IMPLIED_AC, m)
                district = self._ac_district.get(ac, "")
                if district:
                    put(Kind.DISTRICT, district, confidence * IMPLIED_AC * IMPLIED_DISTRICT, m)
            elif r.kind == Kind.AC and r.key in self._ac_district:
                put(Kind.DISTRICT, self._ac_district[r.key], confidence * IMPLIED_DISTRICT, m)
        return sorted(tags.values(), key=lambda t: (t.start, t.kind, -t.confidence))


_GENITIVE = frozenset({"के", "की", "का", "ke", "ki", "ka", "s"})


def _neighbours(found: Sequence[Word], first: int, last: int) -> tuple[list[str], list[str]]:
    """Up to two words either side of a match, within its clause: "ghus gaya, DM sahab"
    does not make "gaya" a district."""
    before: list[str] = []
    for i in range(first - 1, max(-1, first - 3), -1):
        if _PAUSE.search(found[i].text_after):
            break
        before.insert(0, found[i].surface)
    after: list[str] = []
    for i in range(last + 1, min(len(found), last + 3)):
        if _PAUSE.search(found[i - 1].text_after):
            break
        after.append(found[i].surface)
    return before, after


def _says_party(after: list[str], ctx: _Context) -> bool:
    return (
        len(after) == 2
        and after[0] in {"ki", "की", "s", "ka", "का"}
        and (after[1] in ctx.party_words)
    )


def _place_confidence(
    kind: Kind,
    confidence: float,
    both: bool,
    pc: bool,
    district: bool,
    ac: bool,
) -> float:
    """How sure a place name means the AC or the district, given the words next to it."""
    if pc:  # "Munger Lok Sabha (seat)": the parliamentary constituency, neither
        return min(confidence, UNDECIDED if kind == Kind.AC else AMBIGUOUS_DISTRICT)
    if not both:
        return confidence
    if district:
        return DECIDED if kind == Kind.DISTRICT else UNDECIDED
    if ac:
        return DECIDED if kind == Kind.AC else UNDECIDED
    # Alone, "Muzaffarpur" is the city and its district; the seat needs saying.
    return min(confidence, AMBIGUOUS_DISTRICT if kind == Kind.DISTRICT else AMBIGUOUS_AC)


def shared(confidence: float, between: int) -> float:
    """A name shared by ``between`` entities of one kind: each gets a share of the certainty."""
    return confidence if between <= 1 else confidence / between**0.5


def _distinctive(pattern: str) -> bool:
    """Is a key long enough to trust without the letters agreeing? Not "sit s" ("Sita Shah"
    is also "सीट से", seat from): every word needs two letters of key, or the whole seven."""
    parts = pattern.split(" ")
    letters = len("".join(parts))
    return letters >= MIN_KEY_LENGTH and (all(len(p) >= 2 for p in parts) or letters >= 7)


def _key(name: str) -> str:
    return " ".join(w.key for w in words(name))


def _name_variants(*names: str) -> list[str]:
    """Each name, and the part before a parenthesis ("Kaimur (Bhabua)" is also "Kaimur")."""
    out: list[str] = []
    for name in names:
        # Not "CPI(M)" → "CPI": a bracket glued to the name is part of it.
        for variant in (name, name.split(" (")[0].strip() if " (" in name else ""):
            if variant and variant not in out:
                out.append(variant)
    return out


_RELATION = re.compile(r"\s+[SDW]/O\s.*$", re.IGNORECASE)  # "Sudama Prasad S/O Ganga Dayal Sah"
# Initials are read out in Hindi: "C. N. Gupta" is "सी. एन. गुप्ता".
_LETTER_NAMES = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyz",
        "e bi si di i ef ji ech ai je ke el em en o pi kyu ar es ti yu vi dablyu eks vai jed".split(),  # noqa: SIM905, E501
        strict=True,
    )
)


def _candidate_forms(name: str) -> list[tuple[str, float]]:
    """The forms a candidate is named by: each side of "Alias", without honorifics or a
    father's name, with two of its words run together ("Nand Kishore" / "नंदकिशोर"), initials
    read out, and the first and last name alone when there are middle names."""
    out: list[tuple[str, float]] = []

    def add(tokens: list[str], base: float) -> None:
        form = " ".join(tokens)
        if all(form != f for f, _ in out):
            out.append((form, base))

    for part in re.split(r"\s+alias\s+", _RELATION.sub("", name), flags=re.IGNORECASE):
        tokens = [t.strip(".") for t in part.replace(".", ". ").split() if t.strip(".")]
        while tokens and tokens[0].lower() in _HONORIFIC:
            tokens = tokens[1:]
        if len(tokens) < 2:
            continue  # a single first name never identifies a candidate
        add(tokens, FULL)
        for i in range(len(tokens) - 1 if len(tokens) >= 3 else 0):
            if len(tokens[i]) > 1 and len(tokens[i + 1]) > 1:
                add([*tokens[:i], tokens[i] + tokens[i + 1].lower(), *tokens[i + 2 :]], FULL)
        initials = [t for t in tokens[:-1] if len(t) == 1]
        if initials:
            add([_LETTER_NAMES.get(t.lower(), t) if len(t) == 1 else t for t in tokens], FULL)
            add(["".join(initials), *(t for t in tokens if len(t) > 1)], FULL)  # "CN Gupta"
        if len(tokens) >= 3 and len(tokens[0]) > 1 and len(tokens[-1]) > 1:
            add([tokens[0], tokens[-1]], SHORT)
    return out


# ---- the shipped alias and leader tables ---------------------------------------------------

SHIPPED = Path(__file__).resolve().parent.parent / "data"


@cache
def shipped_aliases() -> tuple[AliasRecord, ...]:
    """``monitoring/data/aliases.csv``: translated and old names, party short names."""
    rows = _csv_rows(SHIPPED / "aliases.csv")
    return tuple(
        AliasRecord(
            text=row["alias"],
            kind=Kind(row["kind"]),
            key=row["key"],
            confidence=float(row["confidence"] or FULL),
            capitals_only=bool(row["capitals_only"]),
            weak=bool(row["weak"]),
        )
        for row in rows
    )


@cache
def shipped_leaders() -> tuple[LeaderRecord, ...]:
    """``monitoring/data/leaders.csv``: well-known leaders with their party."""
    return tuple(
        LeaderRecord(
            name_en=row["name_en"],
            name_hi=row["name_hi"],
            party=row["party"],
            other_names=tuple(n.strip() for n in row["other_names"].split(";") if n.strip()),
        )
        for row in _csv_rows(SHIPPED / "leaders.csv")
    )


def _csv_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    return [
        {k: unicodedata.normalize("NFC", (v or "").strip()) for k, v in row.items()}
        for row in csv.DictReader(text.splitlines())
    ]
