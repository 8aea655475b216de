"""The language pipeline: pure functions from text to what the text is about.

No ORM, no network, no clock: a ``Gazetteer`` is built once from plain records (the election's
reference data and the alias table) and ``tag`` is called for each text, in batches on ingest.

    gazetteer = bundled_gazetteer()            # Bihar 2020, from the shipped reference data
    tags = tag("तेजस्वी यादव राघोपुर में", gazetteer)
    tags.language, tags.script                  # "hi", "Deva"
    tags.acs                                    # {"128": 0.9}
    tags.candidates                             # {"128:Tejashwi Prasad Yadav": 0.95}

Keys, shared by the models, the evaluation set and the screens:

- ``ac``: the AC number as a string ("128").
- ``district``: the district's English census-2011 name ("West Champaran", "Munger").
- ``party``: the party's short name as in the reference data ("BJP", "JD(U)", "RJD").
- ``candidate``: "<AC number>:<name as in the candidate list>" ("128:Tejashwi Prasad Yadav").
- ``leader``: a leader's English name from the shipped leaders list ("Nitish Kumar").

Languages: "hi" (Hindi, Devanagari), "hi-Latn" (Hindi typed in Latin letters), "en", "bho"
(Bhojpuri), "mai" (Maithili), "und" when too short to tell. Scripts: "Deva", "Latn", "Mixed",
"Zyyy" (neither: digits, emoji).
"""

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    AC = "ac"
    DISTRICT = "district"
    PARTY = "party"
    CANDIDATE = "candidate"
    LEADER = "leader"


@dataclass(frozen=True, slots=True)
class Tag:
    kind: Kind
    key: str
    confidence: float  # 0..1: how sure the pipeline is that the text is about this entity
    start: int  # where in the text as written the name was found
    end: int


@dataclass(frozen=True, slots=True)
class Tags:
    language: str
    script: str
    tags: tuple[Tag, ...] = field(default=())

    def of(self, kind: Kind) -> dict[str, float]:
        """Each key of one kind with its best confidence."""
        found: dict[str, float] = {}
        for t in self.tags:
            if t.kind == kind and t.confidence > found.get(t.key, 0.0):
                found[t.key] = t.confidence
        return found

    @property
    def acs(self) -> dict[str, float]:
        return self.of(Kind.AC)

    @property
    def districts(self) -> dict[str, float]:
        return self.of(Kind.DISTRICT)

    @property
    def parties(self) -> dict[str, float]:
        return self.of(Kind.PARTY)

    @property
    def candidates(self) -> dict[str, float]:
        return self.of(Kind.CANDIDATE)

    @property
    def leaders(self) -> dict[str, float]:
        return self.of(Kind.LEADER)


# The pipeline's modules import the classes above, so they come last.
from itcell.monitoring.nlp.gazetteer import Gazetteer  # noqa: E402
from itcell.monitoring.nlp.pipeline import bundled_gazetteer, tag, tag_many  # noqa: E402

__all__ = ["Gazetteer", "Kind", "Tag", "Tags", "bundled_gazetteer", "tag", "tag_many"]
