"""From text to tags: ``tag(text, gazetteer)`` cuts the text into words once, routes its
language and finds the gazetteer's names in it; ``tag_many`` does the same for a batch."""

from collections.abc import Iterable
from functools import cache

from itcell.monitoring.nlp import Tags
from itcell.monitoring.nlp.gazetteer import (
    ACRecord,
    CandidateRecord,
    DistrictRecord,
    Gazetteer,
    PartyRecord,
    shipped_aliases,
    shipped_leaders,
)
from itcell.monitoring.nlp.language import route_words
from itcell.monitoring.nlp.normalise import words

BUNDLED = "bihar-2020"


# Posts and articles run to a few thousand characters. Past this a text is a dump, not a
# post: only its opening is tagged, so one hostile item cannot hold an ingest worker for
# seconds. Spans still point into the text as given.
MAX_CHARS = 200_000


def tag(text: str, gazetteer: Gazetteer) -> Tags:
    text = text[:MAX_CHARS]
    found = words(text)
    language, script = route_words(text, found)
    return Tags(language=language, script=script, tags=tuple(gazetteer.find(found)))


def tag_many(texts: Iterable[str], gazetteer: Gazetteer) -> list[Tags]:
    return [tag(text, gazetteer) for text in texts]


@cache
def bundled_gazetteer() -> Gazetteer:
    """The gazetteer of the bundled Bihar 2020 data (``elections/data/bihar-2020``) with the
    shipped aliases and leaders; for tests, benchmarks and ``itcell tag`` without a database."""
    from itcell.elections.loader import dataset_folder, read_dataset

    data = read_dataset(dataset_folder(BUNDLED))
    census = {d.eci_name: d.census_name or d.name_en for d in data.districts}
    parties: dict[str, PartyRecord] = {
        short: PartyRecord(
            short_name=short,
            names_en=(names["name_en"], *names.get("aliases", [])),
            names_hi=(names["name_hi"],) if names["name_hi"] else (),
        )
        for short, names in data.parties.items()
    }
    for c in data.candidates:
        if c.party not in parties:
            parties[c.party] = PartyRecord(short_name=c.party, names_en=(c.party_name,))
    return build_gazetteer(
        acs=[ACRecord(a.number, a.name_en, a.name_hi, census[a.district]) for a in data.acs],
        districts=[
            DistrictRecord(census[d.eci_name], d.name_hi, d.eci_name) for d in data.districts
        ],
        parties=list(parties.values()),
        candidates=[CandidateRecord(c.ac_number, c.name, c.party) for c in data.candidates],
    )


def build_gazetteer(
    *,
    acs: list[ACRecord],
    districts: list[DistrictRecord],
    parties: list[PartyRecord],
    candidates: list[CandidateRecord],
) -> Gazetteer:
    """A gazetteer of one election's records plus the shipped leaders and aliases (those
    naming something this election has)."""
    keys = {
        "ac": {str(a.number) for a in acs},
        "district": {d.name_en for d in districts},
        "party": {p.short_name for p in parties},
        "candidate": {f"{c.ac_number}:{c.name}" for c in candidates},
    }
    leaders = shipped_leaders()
    keys["leader"] = {leader.name_en for leader in leaders}
    return Gazetteer(
        acs=acs,
        districts=districts,
        parties=parties,
        candidates=candidates,
        leaders=leaders,
        aliases=[a for a in shipped_aliases() if a.key in keys[a.kind.value]],
    )
