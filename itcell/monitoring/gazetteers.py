"""The gazetteer of an election in the database: its ACs, districts, parties and candidacies
with the shipped leaders and aliases, compiled once and kept per election.

Compiling takes most of a second, so ingest must not do it per item. The cache is checked
against a stamp of the reference data (counts and highest ids, one query per table): loading
or adding candidacies rebuilds it; renaming a row in the admin does not until
``forget_gazetteers()`` or a restart.
"""

from threading import Lock

from django.db.models import Count, Max

from itcell.elections.models import AssemblyConstituency, Candidacy, District, Election, Party
from itcell.monitoring.nlp.gazetteer import (
    ACRecord,
    CandidateRecord,
    DistrictRecord,
    Gazetteer,
    PartyRecord,
)
from itcell.monitoring.nlp.pipeline import build_gazetteer

Stamp = tuple[object, ...]

_cache: dict[int, tuple[Stamp, Gazetteer]] = {}
_lock = Lock()


def get_gazetteer(election: Election) -> Gazetteer:
    """The election's gazetteer, rebuilt only when its reference data has changed."""
    stamp = _stamp(election)
    cached = _cache.get(election.pk)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        cached = _cache.get(election.pk)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        gazetteer = _build(election)
        _cache[election.pk] = (stamp, gazetteer)
        return gazetteer


def forget_gazetteers() -> None:
    """Drop every cached gazetteer (after editing names in the admin, and in tests)."""
    with _lock:
        _cache.clear()


def _stamp(election: Election) -> Stamp:
    def counted(queryset: object) -> tuple[object, object]:
        row = queryset.aggregate(n=Count("pk"), top=Max("pk"))  # type: ignore[attr-defined]
        return row["n"], row["top"]

    return (
        counted(AssemblyConstituency.objects.filter(state_id=election.state_id)),
        counted(District.objects.filter(state_id=election.state_id)),
        counted(Party.objects.all()),
        counted(Candidacy.objects.filter(election=election)),
    )


def _build(election: Election) -> Gazetteer:
    districts = list(District.objects.filter(state_id=election.state_id))
    district_key = {d.pk: d.census_name or d.name_en for d in districts}
    acs = AssemblyConstituency.objects.filter(state_id=election.state_id).only(
        "number", "name_en", "name_hi", "district_id"
    )
    candidacies = (
        Candidacy.objects.filter(election=election)
        .select_related("party")
        .only("ac__number", "name", "name_hi", "party__short_name")
        .values_list("ac__number", "name", "name_hi", "party__short_name")
    )
    return build_gazetteer(
        acs=[
            ACRecord(ac.number, ac.name_en, ac.name_hi, district_key[ac.district_id]) for ac in acs
        ],
        districts=[
            DistrictRecord(
                district_key[d.pk],
                d.name_hi,
                d.eci_name,
                other_names=(d.name_en,) if d.name_en != district_key[d.pk] else (),
            )
            for d in districts
        ],
        parties=[
            PartyRecord(p.short_name, (p.name_en,), (p.name_hi,) if p.name_hi else ())
            for p in Party.objects.all()
        ],
        candidates=[
            CandidateRecord(number, name, party, name_hi)
            for number, name, name_hi, party in candidacies
        ],
    )
