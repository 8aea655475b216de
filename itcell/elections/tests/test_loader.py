"""Loading a reference-data folder: what bihar-2020 gives, loading it twice, and refusing
every kind of bad file without writing anything."""

import csv
import io
import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from itcell.audit.models import AuditEvent, ChainHead
from itcell.core import clock
from itcell.core.errors import Problem
from itcell.elections.errors import ReferenceDataError, UnknownElection
from itcell.elections.loader import DATA_ROOT
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
from itcell.elections.services import load_election

IST = ZoneInfo("Asia/Kolkata")
BUNDLED = DATA_ROOT / "bihar-2020"
LOAD_AT = datetime(2020, 10, 1, 10, 0, tzinfo=IST)

MODELS = (
    State,
    District,
    ParliamentaryConstituency,
    AssemblyConstituency,
    Party,
    Election,
    ExpenditureCeiling,
    Phase,
    ACPoll,
    Alliance,
    Alliance.parties.through,
    SeatAllocation,
    Candidacy,
    AuditEvent,
    ChainHead,
)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table a load writes to, so 'nothing written' also catches updates."""
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in MODELS}


def copy_bihar(tmp_path: Path) -> Path:
    folder = tmp_path / "bihar-2020"
    shutil.copytree(BUNDLED, folder)
    return folder


# --- editing a copied folder ---------------------------------------------------------------


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_csv(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cell(folder: Path, name: str, line: int, column: str, value: str) -> None:
    """Set one value; ``line`` counts the header as line 1, like the loader's row numbers."""
    rows = read_csv(folder / name)
    rows[line - 1][rows[0].index(column)] = value
    write_csv(folder / name, rows)


def drop_column(folder: Path, name: str, column: str) -> None:
    rows = read_csv(folder / name)
    index = rows[0].index(column)
    write_csv(folder / name, [r[:index] + r[index + 1 :] for r in rows])


def drop_acs(folder: Path, name: str, numbers: set[str]) -> None:
    rows = read_csv(folder / name)
    write_csv(folder / name, [rows[0]] + [r for r in rows[1:] if r[0] not in numbers])


def edit_lines(folder: Path, name: str, edit: Callable[[list[str]], None]) -> None:
    lines = (folder / name).read_text(encoding="utf-8").split("\n")
    edit(lines)
    (folder / name).write_text("\n".join(lines), encoding="utf-8")


def edit_geojson(folder: Path, name: str, edit: Callable[[dict[str, Any]], Any]) -> None:
    doc = json.loads((folder / name).read_text(encoding="utf-8"))
    doc = edit(doc) or doc
    (folder / name).write_text(json.dumps(doc), encoding="utf-8")


def replace_in(folder: Path, name: str, old: str, new: str) -> None:
    text = (folder / name).read_text(encoding="utf-8")
    assert old in text
    (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")


# --- what bihar-2020 gives -----------------------------------------------------------------


def test_bihar_has_243_acs_in_38_districts_and_40_pcs(bihar: Election) -> None:
    assert AssemblyConstituency.objects.count() == 243
    assert set(AssemblyConstituency.objects.values_list("number", flat=True)) == set(range(1, 244))
    assert District.objects.count() == 38
    assert ParliamentaryConstituency.objects.count() == 40
    assert bihar.polls.count() == 243


def test_bihar_reserves_38_sc_and_2_st_seats(bihar: Election) -> None:
    reservations = Counter(AssemblyConstituency.objects.values_list("reservation", flat=True))
    assert reservations == {"GEN": 203, "SC": 38, "ST": 2}
    assert set(
        AssemblyConstituency.objects.filter(reservation="ST").values_list("number", flat=True)
    ) == {67, 162}


def test_bihar_votes_in_three_phases_of_71_94_78(bihar: Election) -> None:
    per_phase = Counter(bihar.polls.values_list("phase__number", flat=True))
    assert per_phase == {1: 71, 2: 94, 3: 78}
    assert list(bihar.phases.values_list("number", "poll_date")) == [
        (1, datetime(2020, 10, 28).date()),
        (2, datetime(2020, 11, 3).date()),
        (3, datetime(2020, 11, 7).date()),
    ]


def test_bihar_polls_close_at_six_in_the_evening_ist(bihar: Election) -> None:
    closes = {c.astimezone(IST).time() for c in bihar.polls.values_list("poll_close_at", flat=True)}
    assert closes == {time(18, 0)}


def test_nda_gives_vip_11_seats_including_bahadurganj(bihar: Election) -> None:
    vip = SeatAllocation.objects.filter(
        election=bihar, alliance__short_name="NDA", party__short_name="VIP"
    )
    assert sorted(vip.values_list("ac__number", flat=True)) == [
        11,
        36,
        52,
        65,
        76,
        79,
        81,
        91,
        98,
        115,
        199,
    ]
    nda = Counter(
        SeatAllocation.objects.filter(election=bihar, alliance__short_name="NDA").values_list(
            "party__short_name", flat=True
        )
    )
    assert nda == {"JD(U)": 115, "BJP": 110, "VIP": 11, "HAM(S)": 7}
    mgb = Counter(
        SeatAllocation.objects.filter(election=bihar, alliance__short_name="MGB").values_list(
            "party__short_name", flat=True
        )
    )
    assert mgb == {"RJD": 144, "INC": 70, "CPI(ML)(L)": 19, "CPI": 6, "CPI(M)": 4}


def test_alliances_have_their_member_parties(bihar: Election) -> None:
    members = {a.short_name: {p.short_name for p in a.parties.all()} for a in bihar.alliances.all()}
    assert members == {
        "NDA": {"BJP", "JD(U)", "VIP", "HAM(S)"},
        "MGB": {"RJD", "INC", "CPI(ML)(L)", "CPI", "CPI(M)"},
    }


def test_bahadurganj_is_ac_52_in_kishanganj_with_hindi_names(bihar: Election) -> None:
    ac = AssemblyConstituency.objects.select_related("district", "pc").get(number=52)
    assert ac.name_en == "Bahadurganj"
    assert ac.name_hi == "बहादुरगंज"
    assert ac.district.eci_name == "KISHANGANJ"
    assert ac.district.name_en == "Kishanganj"
    assert ac.district.name_hi == "किशनगंज"
    assert (ac.pc.number, ac.pc.name_en, ac.pc.name_hi) == (10, "Kishanganj", "किशनगंज")
    poll = bihar.polls.get(ac=ac)
    assert poll.phase.number == 3
    assert poll.poll_close_at == datetime(2020, 11, 7, 18, 0, tzinfo=IST)


def test_every_ac_and_district_has_a_hindi_name_and_a_boundary(bihar: Election) -> None:
    assert not AssemblyConstituency.objects.filter(name_hi="").exists()
    assert not ParliamentaryConstituency.objects.filter(name_hi="").exists()
    assert not District.objects.filter(name_hi="").exists()
    for model in (AssemblyConstituency, District):
        for place in model.objects.all():
            assert place.geometry["type"] in {"Polygon", "MultiPolygon"}
            assert place.geometry["coordinates"]


def test_bihar_has_3722_candidacies_with_parties_under_short_names(bihar: Election) -> None:
    assert bihar.candidacies.count() == 3722
    bahadurganj = bihar.candidacies.filter(ac__number=52)
    assert bahadurganj.count() == 9
    # The file spells VIP out in full; the alias in election.toml maps it to the short name.
    pandit = bahadurganj.get(name="Lakhan Lal Pandit")
    assert (pandit.party.short_name, pandit.gender, pandit.age) == ("VIP", "M", 59)


def test_bihar_has_its_windows_and_ceilings(bihar: Election) -> None:
    assert bihar.slug == "bihar-2020"
    assert bihar.state.code == "BR"
    assert bihar.mcc_from == datetime(2020, 9, 25, 0, 0, tzinfo=IST)
    assert bihar.exit_poll_ban_from == datetime(2020, 10, 28, 7, 0, tzinfo=IST)
    assert bihar.exit_poll_ban_until == datetime(2020, 11, 7, 18, 30, tzinfo=IST)
    assert bihar.counting_date == datetime(2020, 11, 10).date()
    assert list(bihar.ceilings.values_list("effective_from", "amount_inr")) == [
        (datetime(2020, 9, 25).date(), 2_800_000),
        (datetime(2020, 10, 19).date(), 3_080_000),
    ]


# --- loading twice -------------------------------------------------------------------------


def test_first_load_writes_one_audit_event(db: None) -> None:
    with clock.frozen(LOAD_AT):
        report = load_election(name="bihar-2020")
    assert report.changes.created["assemblyconstituency"] == 243
    assert report.changes.created["candidacy"] == 3722
    (event,) = AuditEvent.objects.all()
    assert event.action == "election.loaded"
    assert event.object_id == str(report.election.pk)
    assert event.actor_label == "system"
    assert event.at == LOAD_AT
    assert event.after["created"]["acpoll"] == 243


def test_second_load_changes_nothing_and_writes_no_audit_event(bihar: Election) -> None:
    before = snapshot()
    report = load_election(name="bihar-2020")
    assert report.election.pk == bihar.pk
    assert not report.changes.created
    assert not report.changes.updated
    assert not report.changes.changed
    assert snapshot() == before
    assert AuditEvent.objects.count() == 1


def test_second_load_keeps_a_poll_close_time_edited_by_hand(bihar: Election) -> None:
    early = datetime(2020, 11, 7, 16, 0, tzinfo=IST)
    bihar.polls.filter(ac__number=52).update(poll_close_at=early)
    report = load_election(name="bihar-2020")
    assert not report.changes.changed
    assert bihar.polls.get(ac__number=52).poll_close_at == early
    assert bihar.polls.get(ac__number=53).poll_close_at == datetime(2020, 11, 7, 18, 0, tzinfo=IST)


def test_reload_updates_only_what_changed_and_records_it(bihar: Election, tmp_path: Path) -> None:
    folder = copy_bihar(tmp_path)
    set_cell(folder, "ac_names_hi.csv", 53, "ac_name_hi", "बहादुर गंज")
    report = load_election(name=str(folder))
    assert report.changes.summary() == {"created": {}, "updated": {"assemblyconstituency": 1}}
    assert AssemblyConstituency.objects.get(number=52).name_hi == "बहादुर गंज"
    assert AuditEvent.objects.count() == 2
    assert AuditEvent.objects.last().after == report.changes.summary()


def test_reload_moving_an_ac_to_another_phase_resets_its_close_time(
    bihar: Election, tmp_path: Path
) -> None:
    bihar.polls.filter(ac__number=52).update(poll_close_at=datetime(2020, 11, 7, 16, 0, tzinfo=IST))
    folder = copy_bihar(tmp_path)
    set_cell(folder, "acs.csv", 53, "phase_2020", "2")
    # Keep the [expect] counts true, so only the move is under test.
    replace_in(folder, "election.toml", "2 = 94, 3 = 78", "2 = 95, 3 = 77")
    report = load_election(name=str(folder))
    assert report.changes.updated == {"acpoll": 1}
    poll = bihar.polls.get(ac__number=52)
    assert poll.phase.number == 2
    assert poll.poll_close_at == datetime(2020, 11, 3, 18, 0, tzinfo=IST)


def test_a_copied_folder_loads_by_path(db: None, tmp_path: Path) -> None:
    folder = copy_bihar(tmp_path)
    # The editing helpers rewrite files without changing them: a control for the cases below.
    write_csv(folder / "acs.csv", read_csv(folder / "acs.csv"))
    write_csv(folder / "candidates.csv", read_csv(folder / "candidates.csv"))
    edit_geojson(folder, "ac_boundaries.geojson", lambda doc: None)
    report = load_election(name=str(folder))
    assert report.election.slug == "bihar-2020"
    assert AssemblyConstituency.objects.count() == 243
    assert Candidacy.objects.count() == 3722


def test_an_unknown_name_is_refused(db: None) -> None:
    with pytest.raises(UnknownElection, match="bihar-2020"):
        load_election(name="bihar-2025")
    assert Election.objects.count() == 0


# --- bad folders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    source: str
    row: int | None
    field: str
    says: str

    def found_in(self, problems: list[Problem]) -> bool:
        return any(
            (p.source, p.row, p.field) == (self.source, self.row, self.field)
            and self.says in p.message
            for p in problems
        )


def _non_utf8(folder: Path) -> None:
    path = folder / "acs.csv"
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"52,Bahadurganj,", b"52,Bahadurganj\xe9,", 1))


def _broken_geojson(folder: Path) -> None:
    path = folder / "ac_boundaries.geojson"
    path.write_text(path.read_text(encoding="utf-8")[:-500], encoding="utf-8")


def _point_boundary(folder: Path) -> None:
    def edit(doc: dict[str, Any]) -> None:
        (feature,) = [f for f in doc["features"] if f["properties"]["ac_no"] == 52]
        assert doc["features"].index(feature) == 51  # the 52nd feature
        feature["geometry"] = {"type": "Point", "coordinates": [87.8, 26.2]}

    edit_geojson(folder, "ac_boundaries.geojson", edit)


def _drop_ac_everywhere(folder: Path) -> None:
    for name in ("acs.csv", "ac_names_hi.csv", "results.csv", "candidates.csv"):
        drop_acs(folder, name, {"243"})
    edit_geojson(
        folder,
        "ac_boundaries.geojson",
        lambda doc: doc.update(
            features=[f for f in doc["features"] if f["properties"]["ac_no"] != 243]
        ),
    )


def _extra_field(lines: list[str]) -> None:
    lines[52] += ",extra"


def _missing_field(lines: list[str]) -> None:
    lines[52] = lines[52].rsplit(",", 1)[0]


def _blank_line_before_bad_value(folder: Path) -> None:
    set_cell(folder, "acs.csv", 53, "reservation", "OBC")
    edit_lines(folder, "acs.csv", lambda lines: lines.insert(10, ""))


BAD_FOLDERS = [
    pytest.param(
        lambda f: (f / "candidates.csv").unlink(),
        Expect("candidates.csv", None, "", "file not found"),
        id="missing-csv-file",
    ),
    pytest.param(
        lambda f: (f / "district_boundaries.geojson").unlink(),
        Expect("district_boundaries.geojson", None, "", "file not found"),
        id="missing-geojson-file",
    ),
    pytest.param(
        lambda f: drop_column(f, "acs.csv", "reservation"),
        Expect("acs.csv", 1, "reservation", "missing column"),
        id="missing-column",
    ),
    pytest.param(
        lambda f: drop_column(f, "results.csv", "nda_party"),
        Expect("results.csv", 1, "nda_party", "missing column"),
        id="missing-seat-column",
    ),
    pytest.param(
        _non_utf8,
        Expect("acs.csv", 53, "", "not UTF-8"),
        id="non-utf8-bytes",
    ),
    pytest.param(
        lambda f: set_cell(f, "acs.csv", 53, "ac_no", "52a"),
        Expect("acs.csv", 53, "ac_no", "'52a' is not a whole number"),
        id="non-integer-ac-no",
    ),
    pytest.param(
        lambda f: set_cell(f, "acs.csv", 53, "ac_no", "0"),
        Expect("acs.csv", 53, "ac_no", "outside"),
        id="ac-no-zero",
    ),
    pytest.param(
        lambda f: set_cell(f, "acs.csv", 54, "ac_no", "52"),
        Expect("acs.csv", 54, "ac_no", "AC 52 appears twice"),
        id="duplicate-ac",
    ),
    pytest.param(
        lambda f: set_cell(f, "acs.csv", 53, "district", "KISHANGUNJ"),
        Expect("acs.csv", 53, "district", "'KISHANGUNJ' is not in districts.csv"),
        id="unknown-district",
    ),
    pytest.param(
        lambda f: set_cell(f, "acs.csv", 53, "reservation", "OBC"),
        Expect("acs.csv", 53, "reservation", "'OBC' is not one of GEN, SC, ST"),
        id="bad-reservation",
    ),
    pytest.param(
        lambda f: set_cell(f, "acs.csv", 53, "pc_reservation", "sc"),
        Expect("acs.csv", 53, "pc_reservation", "'sc' is not one of GEN, SC, ST"),
        id="bad-pc-reservation",
    ),
    pytest.param(
        lambda f: set_cell(f, "acs.csv", 53, "phase_2020", "4"),
        Expect("acs.csv", 53, "phase_2020", "phase 4 is not in election.toml"),
        id="unknown-phase",
    ),
    pytest.param(
        lambda f: edit_lines(f, "acs.csv", _extra_field),
        Expect("acs.csv", 53, "", "wrong number of fields"),
        id="too-many-fields",
    ),
    pytest.param(
        lambda f: edit_lines(f, "acs.csv", _missing_field),
        Expect("acs.csv", 53, "", "wrong number of fields"),
        id="too-few-fields",
    ),
    pytest.param(
        _blank_line_before_bad_value,
        Expect("acs.csv", 54, "reservation", "'OBC'"),
        id="row-number-counts-blank-lines",
    ),
    pytest.param(
        lambda f: set_cell(f, "results.csv", 53, "nda_party", "RJD"),
        Expect("results.csv", 53, "nda_party", "'RJD' is not a party of NDA"),
        id="seat-party-not-in-alliance",
    ),
    pytest.param(
        lambda f: set_cell(f, "candidates.csv", 2, "gender", "X"),
        Expect("candidates.csv", 2, "gender", "'X' is not Male, Female or Other"),
        id="bad-gender",
    ),
    pytest.param(
        lambda f: set_cell(f, "candidates.csv", 3, "age", "24"),
        Expect("candidates.csv", 3, "age", "24 is outside 25–120"),
        id="age-below-25",
    ),
    pytest.param(
        lambda f: set_cell(f, "candidates.csv", 3723, "age", "121"),
        Expect("candidates.csv", 3723, "age", "121 is outside 25–120"),
        id="age-above-120",
    ),
    pytest.param(
        lambda f: set_cell(f, "candidates.csv", 3, "age", "forty"),
        Expect("candidates.csv", 3, "age", "not a whole number"),
        id="age-not-a-number",
    ),
    pytest.param(
        _broken_geojson,
        Expect("ac_boundaries.geojson", None, "", "not valid GeoJSON"),
        id="broken-geojson",
    ),
    pytest.param(
        lambda f: (f / "district_boundaries.geojson").write_text("[]", encoding="utf-8"),
        Expect("district_boundaries.geojson", None, "", "not a GeoJSON FeatureCollection"),
        id="geojson-not-a-feature-collection",
    ),
    pytest.param(
        _point_boundary,
        Expect("ac_boundaries.geojson", 52, "geometry", "not a Polygon or MultiPolygon"),
        id="boundary-not-a-polygon",
    ),
    pytest.param(
        lambda f: replace_in(f, "election.toml", "[[phases]]", "[[phases]"),
        Expect("election.toml", None, "", "not valid TOML"),
        id="invalid-toml",
    ),
    pytest.param(
        lambda f: replace_in(
            f,
            "election.toml",
            "mcc_from = 2020-09-25T00:00:00+05:30",
            "mcc_from = 2020-09-25T00:00:00",
        ),
        Expect("election.toml", None, "mcc_from", "not a date-time with offset"),
        id="toml-time-without-offset",
    ),
    pytest.param(
        lambda f: replace_in(f, "election.toml", '"BJP", "JD(U)"', '"BJP", "JDU"'),
        Expect("election.toml", None, "alliances", "unknown party 'JDU'"),
        id="toml-alliance-names-unknown-party",
    ),
    pytest.param(
        _drop_ac_everywhere,
        Expect("the data files", None, "", "expected 243 constituencies, found 242"),
        id="count-disagrees-with-expect",
    ),
    pytest.param(
        lambda f: replace_in(f, "election.toml", "VIP = 11", "VIP = 12"),
        Expect("the data files", None, "", "expected 12 NDA seats for VIP, found 11"),
        id="seat-count-disagrees-with-expect",
    ),
    pytest.param(
        lambda f: drop_acs(f, "acs.csv", {"52"}),
        Expect("results.csv", 53, "ac_no", "AC 52 is not in acs.csv"),
        id="ac-row-deleted-but-still-referenced",
    ),
]


@pytest.fixture(params=[False, True], ids=["empty-db", "bihar-loaded"])
def preloaded(request: pytest.FixtureRequest, db: None) -> bool:
    if request.param:
        load_election(name="bihar-2020")
    return request.param


@pytest.mark.parametrize(("corrupt", "expected"), BAD_FOLDERS)
def test_bad_folder_is_refused_naming_file_row_and_field_and_writes_nothing(
    preloaded: bool, tmp_path: Path, corrupt: Callable[[Path], None], expected: Expect
) -> None:
    folder = copy_bihar(tmp_path)
    corrupt(folder)
    before = snapshot()
    counts = (
        AssemblyConstituency.objects.count(),
        Election.objects.count(),
        AuditEvent.objects.count(),
    )
    assert counts == ((243, 1, 1) if preloaded else (0, 0, 0))

    with pytest.raises(ReferenceDataError) as refused:
        load_election(name=str(folder))

    problems = refused.value.problems
    assert expected.found_in(problems), problems
    # The message a person reads names the same place.
    where = expected.source
    if expected.row is not None:
        where += f", row {expected.row}"
    if expected.field:
        where += f", field {expected.field!r}"
    assert where in str(refused.value)
    assert (
        AssemblyConstituency.objects.count(),
        Election.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert snapshot() == before


def test_every_problem_in_a_folder_is_reported_at_once(db: None, tmp_path: Path) -> None:
    folder = copy_bihar(tmp_path)
    set_cell(folder, "acs.csv", 53, "reservation", "OBC")
    set_cell(folder, "acs.csv", 100, "district", "NOWHERE")
    set_cell(folder, "candidates.csv", 2, "gender", "X")
    with pytest.raises(ReferenceDataError) as refused:
        load_election(name=str(folder))
    located = {(p.source, p.row, p.field) for p in refused.value.problems}
    assert located >= {
        ("acs.csv", 53, "reservation"),
        ("acs.csv", 100, "district"),
        ("candidates.csv", 2, "gender"),
    }


# --- the command ---------------------------------------------------------------------------


def test_command_loads_then_says_already_up_to_date(db: None) -> None:
    first = io.StringIO()
    call_command("load_election", "bihar-2020", stdout=first)
    assert first.getvalue().startswith("bihar-2020: ")
    assert "243 assemblyconstituency" in first.getvalue()
    assert "3722 candidacy" in first.getvalue()

    second = io.StringIO()
    call_command("load_election", "bihar-2020", stdout=second)
    assert second.getvalue().strip() == "bihar-2020: already up to date, nothing changed"
    assert AuditEvent.objects.count() == 1


def test_command_refuses_a_bad_folder_listing_its_problems(db: None, tmp_path: Path) -> None:
    folder = copy_bihar(tmp_path)
    set_cell(folder, "acs.csv", 53, "reservation", "OBC")
    set_cell(folder, "candidates.csv", 2, "gender", "X")
    with pytest.raises(CommandError) as refused:
        call_command("load_election", str(folder), stdout=io.StringIO())
    message = str(refused.value)
    assert message.startswith("refused, nothing written:")
    assert "acs.csv, row 53, field 'reservation': 'OBC' is not one of GEN, SC, ST" in message
    assert "candidates.csv, row 2, field 'gender': 'X' is not Male, Female or Other" in message
    assert Election.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_command_shortens_a_long_list_of_problems(db: None, tmp_path: Path) -> None:
    folder = copy_bihar(tmp_path)
    rows = read_csv(folder / "candidates.csv")
    for row in rows[1:41]:
        row[rows[0].index("gender")] = "X"
    write_csv(folder / "candidates.csv", rows)
    with pytest.raises(CommandError) as refused:
        call_command("load_election", str(folder), stdout=io.StringIO())
    lines = str(refused.value).splitlines()
    assert len(lines) == 1 + 30 + 1
    assert lines[-1] == "... and 10 more problems"


def test_command_refuses_an_unknown_name(db: None) -> None:
    with pytest.raises(CommandError, match="no reference data 'nowhere'; bundled: bihar-2020"):
        call_command("load_election", "nowhere", stdout=io.StringIO())
