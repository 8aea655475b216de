"""Every write to reference data: loading a data folder, making the exercise copy."""

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models, transaction

from itcell.audit.services import record
from itcell.core.clock import IST
from itcell.elections.loader import Dataset, dataset_folder, read_dataset
from itcell.elections.models import (
    ACPoll,
    Alliance,
    AssemblyConstituency,
    Candidacy,
    District,
    Election,
    ExpenditureCeiling,
    ParliamentaryConstituency,
    Party,
    Phase,
    SeatAllocation,
    State,
)


@dataclass
class Changes:
    """Rows created and updated, by model name."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> dict[str, dict[str, int]]:
        return {"created": dict(self.created), "updated": dict(self.updated)}


@dataclass(frozen=True)
class LoadReport:
    election: Election
    changes: Changes


def sync_rows[M: models.Model](
    model: type[M],
    existing: Iterable[M],
    key: Any,
    rows: Iterable[dict[str, Any]],
    changes: Changes,
    *,
    keep: tuple[str, ...] = (),
) -> dict[Any, M]:
    """Create the rows that are missing and update the ones that differ, in bulk; leave rows
    that match alone, so loading the same data twice writes nothing. ``keep`` names fields that
    are set on creation only (people edit them afterwards in the admin)."""
    by_key = {key(obj): obj for obj in existing}
    new: list[M] = []
    changed: list[M] = []
    fields_changed: set[str] = set()
    for row in rows:
        obj = by_key.get(key(row))
        if obj is None:
            obj = model(**row)
            new.append(obj)
            by_key[key(row)] = obj
            continue
        diff = {k: v for k, v in row.items() if k not in keep and getattr(obj, k) != v}
        if diff:
            for name, value in diff.items():
                setattr(obj, name, value)
            changed.append(obj)
            fields_changed.update(diff)
    name = model._meta.model_name or model.__name__
    if new:
        model._default_manager.bulk_create(new, batch_size=500)
        changes.created[name] += len(new)
    if changed:
        model._default_manager.bulk_update(changed, sorted(fields_changed), batch_size=500)
        changes.updated[name] += len(changed)
    return by_key


def _attr_key(*names: str) -> Any:
    def key(obj: Any) -> tuple[Any, ...]:
        get = obj.get if isinstance(obj, dict) else lambda n: getattr(obj, n)
        return tuple(get(n) for n in names)

    return key


def geojson_text(geometry: dict[str, Any] | None) -> str:
    return json.dumps(geometry, separators=(",", ":")) if geometry else ""


def at_ist(day: date, hour: time) -> datetime:
    return datetime.combine(day, hour, tzinfo=IST)


@transaction.atomic
def load_election(*, name: str, actor: Any = None) -> LoadReport:
    """Load a reference-data folder (bundled name or path). All or nothing: the folder is read
    and checked completely before the first write."""
    dataset = read_dataset(dataset_folder(name))
    changes = Changes()
    election = _write(dataset, changes)
    if changes.changed:
        record(actor=actor, action="election.loaded", obj=election, after=changes.summary())
    return LoadReport(election=election, changes=changes)


def _write(data: Dataset, changes: Changes) -> Election:
    (state,) = sync_rows(
        State,
        State.objects.filter(code=data.state["code"]),
        _attr_key("code"),
        [
            {
                "code": data.state["code"],
                "name_en": data.state["name_en"],
                "name_hi": data.state.get("name_hi", ""),
            }
        ],
        changes,
    ).values()
    districts = sync_rows(
        District,
        District.objects.filter(state=state),
        _attr_key("eci_name"),
        (
            {
                "state": state,
                "eci_name": d.eci_name,
                "name_en": d.name_en,
                "name_hi": d.name_hi,
                "census_name": d.census_name,
                "census_code": d.census_code,
                "boundary": geojson_text(d.boundary),
            }
            for d in data.districts
        ),
        changes,
    )
    pcs = sync_rows(
        ParliamentaryConstituency,
        ParliamentaryConstituency.objects.filter(state=state),
        _attr_key("number"),
        list(
            {
                ac.pc_number: {
                    "state": state,
                    "number": ac.pc_number,
                    "name_en": ac.pc_name_en,
                    "name_hi": ac.pc_name_hi,
                    "reservation": ac.pc_reservation,
                }
                for ac in data.acs
            }.values()
        ),
        changes,
    )
    acs = sync_rows(
        AssemblyConstituency,
        AssemblyConstituency.objects.filter(state=state),
        _attr_key("number"),
        (
            {
                "state": state,
                "number": ac.number,
                "name_en": ac.name_en,
                "name_hi": ac.name_hi,
                "reservation": ac.reservation,
                "district": districts[(ac.district,)],
                "pc": pcs[(ac.pc_number,)],
                "boundary": geojson_text(ac.boundary),
            }
            for ac in data.acs
        ),
        changes,
    )
    party_rows = {
        short: {"short_name": short, "name_en": names["name_en"], "name_hi": names["name_hi"]}
        for short, names in data.parties.items()
    }
    for candidate in data.candidates:
        party_rows.setdefault(
            candidate.party,
            {"short_name": candidate.party, "name_en": candidate.party_name, "name_hi": ""},
        )
    parties = sync_rows(
        Party,
        Party.objects.filter(short_name__in=party_rows),
        _attr_key("short_name"),
        party_rows.values(),
        changes,
    )
    e = data.election
    (election,) = sync_rows(
        Election,
        Election.objects.filter(slug=e["slug"]),
        _attr_key("slug"),
        [
            {
                "slug": e["slug"],
                "state": state,
                "name_en": e["name_en"],
                "name_hi": e.get("name_hi", ""),
                "mcc_from": e["mcc_from"],
                "mcc_until": e["mcc_until"],
                "counting_date": e["counting_date"],
                "exit_poll_ban_from": e["exit_poll_ban_from"],
                "exit_poll_ban_until": e["exit_poll_ban_until"],
            }
        ],
        changes,
    ).values()
    sync_rows(
        ExpenditureCeiling,
        election.ceilings.all(),
        _attr_key("effective_from"),
        (
            {
                "election": election,
                "effective_from": c["effective_from"],
                "amount_inr": c["amount_inr"],
                "source": c.get("source", ""),
            }
            for c in data.ceilings
        ),
        changes,
    )
    phases = sync_rows(
        Phase,
        election.phases.all(),
        _attr_key("number"),
        (
            {
                "election": election,
                "number": p["number"],
                "poll_date": p["poll_date"],
                "poll_opens": p["poll_opens"],
                "poll_closes": p["poll_closes"],
            }
            for p in data.phases
        ),
        changes,
    )
    _sync_polls(election, {acs[(ac.number,)]: phases[(ac.phase,)] for ac in data.acs}, changes)
    alliances = {}
    for a in data.alliances:
        (alliance,) = sync_rows(
            Alliance,
            election.alliances.filter(short_name=a["short_name"]),
            _attr_key("short_name"),
            [
                {
                    "election": election,
                    "short_name": a["short_name"],
                    "name_en": a["name_en"],
                    "name_hi": a.get("name_hi", ""),
                }
            ],
            changes,
        ).values()
        members = {parties[(p,)] for p in a["parties"]}
        current = set(alliance.parties.all())
        if current != members:
            alliance.parties.set(members)
            if current:  # a new alliance's parties are part of creating it
                changes.updated["alliance members"] += 1
        alliances[a["short_name"]] = alliance
    sync_rows(
        SeatAllocation,
        election.seats.all(),
        _attr_key("ac_id", "alliance_id"),
        (
            {
                "election": election,
                "ac_id": acs[(ac,)].pk,
                "alliance_id": alliances[a].pk,
                "party_id": parties[(p,)].pk,
            }
            for ac, a, p in data.seats
        ),
        changes,
    )
    sync_rows(
        Candidacy,
        election.candidacies.all(),
        _attr_key("ac_id", "name", "party_id"),
        (
            {
                "election": election,
                "ac_id": acs[(c.ac_number,)].pk,
                "name": c.name,
                "party_id": parties[(c.party,)].pk,
                "gender": c.gender,
                "age": c.age,
            }
            for c in data.candidates
        ),
        changes,
    )
    return election


def _sync_polls(
    election: Election, phase_of: Mapping[AssemblyConstituency, Phase], changes: Changes
) -> None:
    """A constituency's close of poll is the phase's hour when first loaded or when it moves
    to another phase; otherwise it is kept, since people set early closes by hand."""
    existing = {poll.ac_id: poll for poll in election.polls.all()}
    rows = []
    for ac, phase in phase_of.items():
        poll = existing.get(ac.pk)
        close = at_ist(phase.poll_date, phase.poll_closes)
        if poll is not None and poll.phase_id == phase.pk:
            close = poll.poll_close_at
        rows.append(
            {"election": election, "ac_id": ac.pk, "phase_id": phase.pk, "poll_close_at": close}
        )
    sync_rows(ACPoll, existing.values(), _attr_key("ac_id"), rows, changes)


@transaction.atomic
def create_or_shift_exercise(
    *, source: Election, first_poll_on: date, actor: Any = None
) -> Election:
    """A rehearsal copy of ``source`` whose first phase polls on ``first_poll_on``: every date
    moves by the same whole number of days, so the gaps between phases and the hours of each
    window stay as they were. Run again on a later day, it moves the same copy (and keeps
    whatever has been attached to it)."""
    first_poll = source.phases.order_by("number").values_list("poll_date", flat=True).first()
    if first_poll is None:
        raise ValueError(f"{source.slug} has no phases")
    shift_days = (first_poll_on - first_poll).days
    exercise = Election.objects.filter(exercise_of=source).first()
    if exercise is not None and exercise.shifted_by_days == shift_days:
        return exercise
    move = timedelta(days=shift_days - (exercise.shifted_by_days if exercise else 0))
    if exercise is None:
        exercise = Election.objects.create(
            slug=f"{source.slug}-exercise"[:60],
            state=source.state,
            name_en=f"{source.name_en} (exercise)",
            name_hi=f"{source.name_hi} (अभ्यास)" if source.name_hi else "",
            mcc_from=source.mcc_from,
            mcc_until=source.mcc_until,
            counting_date=source.counting_date,
            exit_poll_ban_from=source.exit_poll_ban_from,
            exit_poll_ban_until=source.exit_poll_ban_until,
            own_party=source.own_party,
            exercise_of=source,
        )
        _copy_contest(source, exercise)
    for name in (
        "mcc_from",
        "mcc_until",
        "counting_date",
        "exit_poll_ban_from",
        "exit_poll_ban_until",
    ):
        setattr(exercise, name, getattr(exercise, name) + move)
    before = {"shifted_by_days": exercise.shifted_by_days}
    exercise.shifted_by_days = shift_days
    exercise.save()
    for ceiling in exercise.ceilings.all():
        ceiling.effective_from += move
        ceiling.save(update_fields=["effective_from"])
    for phase in exercise.phases.all():
        phase.poll_date += move
        phase.save(update_fields=["poll_date"])
    exercise.polls.update(poll_close_at=models.F("poll_close_at") + move)
    record(
        actor=actor,
        action="election.exercise_shifted",
        obj=exercise,
        before=before,
        after={"shifted_by_days": shift_days, "first_poll_on": first_poll_on},
    )
    return exercise


def _copy_contest(source: Election, exercise: Election) -> None:
    ExpenditureCeiling.objects.bulk_create(
        ExpenditureCeiling(
            election=exercise,
            effective_from=c.effective_from,
            amount_inr=c.amount_inr,
            source=c.source,
        )
        for c in source.ceilings.all()
    )
    phases = {}
    for p in source.phases.all():
        phases[p.pk] = Phase.objects.create(
            election=exercise,
            number=p.number,
            poll_date=p.poll_date,
            poll_opens=p.poll_opens,
            poll_closes=p.poll_closes,
        )
    ACPoll.objects.bulk_create(
        ACPoll(
            election=exercise,
            ac_id=poll.ac_id,
            phase=phases[poll.phase_id],
            poll_close_at=poll.poll_close_at,
        )
        for poll in source.polls.all()
    )
    alliances = {}
    for a in source.alliances.prefetch_related("parties"):
        alliances[a.pk] = Alliance.objects.create(
            election=exercise, short_name=a.short_name, name_en=a.name_en, name_hi=a.name_hi
        )
        alliances[a.pk].parties.set(a.parties.all())
    SeatAllocation.objects.bulk_create(
        SeatAllocation(
            election=exercise, ac_id=s.ac_id, alliance=alliances[s.alliance_id], party_id=s.party_id
        )
        for s in source.seats.all()
    )
    Candidacy.objects.bulk_create(
        (
            Candidacy(
                election=exercise,
                ac_id=c.ac_id,
                name=c.name,
                name_hi=c.name_hi,
                party_id=c.party_id,
                gender=c.gender,
                age=c.age,
                declared_handles=c.declared_handles,
            )
            for c in source.candidacies.all()
        ),
        batch_size=500,
    )


@transaction.atomic
def set_own_party(*, election: Election, party: Party, actor: Any = None) -> None:
    if election.own_party_id == party.pk:
        return
    before = {"own_party": election.own_party.short_name if election.own_party else None}
    election.own_party = party
    election.save(update_fields=["own_party"])
    record(
        actor=actor,
        action="election.own_party_set",
        obj=election,
        before=before,
        after={"own_party": party.short_name},
    )
