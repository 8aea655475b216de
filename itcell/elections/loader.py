"""Read and check a reference-data folder (``data/<name>/election.toml`` and the files it
names). Reading touches no database: it returns a ``Dataset`` of plain values, or raises
``ReferenceDataError`` listing every problem found, each with its file, row and field.
Writing the dataset is ``services.load_election``.
"""

import csv
import json
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from itcell.core.errors import Problem
from itcell.elections.errors import ReferenceDataError, UnknownElection

DATA_ROOT = Path(__file__).resolve().parent / "data"
MANIFEST = "election.toml"
RESERVATIONS = {"GEN", "SC", "ST"}
GENDERS = {"male": "M", "female": "F", "other": "O", "m": "M", "f": "F", "o": "O"}
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class DistrictRow:
    eci_name: str
    name_en: str
    name_hi: str
    census_name: str
    census_code: int | None
    boundary: dict[str, Any] | None


@dataclass(frozen=True)
class ACRow:
    number: int
    name_en: str
    name_hi: str
    reservation: str
    district: str
    pc_number: int
    pc_name_en: str
    pc_name_hi: str
    pc_reservation: str
    phase: int
    boundary: dict[str, Any] | None


@dataclass(frozen=True)
class CandidateRow:
    ac_number: int
    name: str
    party: str  # short name, after aliases
    party_name: str
    gender: str
    age: int | None


@dataclass
class Dataset:
    folder: Path
    state: dict[str, str]
    election: dict[str, Any]
    phases: list[dict[str, Any]]
    ceilings: list[dict[str, Any]]
    parties: dict[str, dict[str, str]]  # short name → names
    alliances: list[dict[str, Any]]
    districts: list[DistrictRow] = field(default_factory=list)
    acs: list[ACRow] = field(default_factory=list)
    seats: list[tuple[int, str, str]] = field(default_factory=list)  # (ac, alliance, party)
    candidates: list[CandidateRow] = field(default_factory=list)


def dataset_folder(name: str) -> Path:
    """A bundled dataset by name (``bihar-2020``), or a folder path."""
    folder = DATA_ROOT / name if "/" not in name else Path(name)
    if not (folder / MANIFEST).is_file():
        bundled = ", ".join(sorted(p.name for p in DATA_ROOT.iterdir() if (p / MANIFEST).exists()))
        raise UnknownElection(f"no reference data {name!r}; bundled: {bundled}")
    return folder


class _Reader:
    """Collects problems while reading, so one run reports all of them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[Problem] = []

    def problem(self, source: str, message: str, row: int | None = None, fld: str = "") -> None:
        self.problems.append(Problem(message=message, source=source, row=row, field=fld))

    def csv_rows(self, filename: str, required: list[str]) -> list[tuple[int, dict[str, str]]]:
        path = self.folder / filename
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            self.problem(filename, "file not found")
            return []
        except UnicodeDecodeError as exc:
            line = exc.object[: exc.start].count(b"\n") + 1
            self.problem(filename, f"not UTF-8 text (byte {exc.start})", row=line)
            return []
        reader = csv.DictReader(text.splitlines())
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        for column in missing:
            self.problem(filename, "missing column", row=1, fld=column)
        if missing:
            return []
        rows = []
        for row in reader:
            line = reader.line_num  # counts blank lines, which DictReader skips
            if None in row or any(v is None for v in row.values()):
                self.problem(filename, "wrong number of fields", row=line)
                continue
            rows.append(
                (line, {k: unicodedata.normalize("NFC", v.strip()) for k, v in row.items()})
            )
        if not rows and not any(p.source == filename for p in self.problems):
            self.problem(filename, "no rows")
        return rows

    def integer(
        self,
        filename: str,
        line: int,
        row: dict[str, str],
        column: str,
        *,
        low: int = 0,
        high: int = 10**9,
        blank_ok: bool = False,
    ) -> int | None:
        value = row[column]
        if value == "" and blank_ok:
            return None
        try:
            number = int(value)
        except ValueError:
            self.problem(filename, f"{value!r} is not a whole number", line, column)
            return None
        if not low <= number <= high:
            self.problem(filename, f"{number} is outside {low}–{high}", line, column)
            return None
        return number

    def text(self, filename: str, line: int, row: dict[str, str], column: str) -> str:
        if not row[column]:
            self.problem(filename, "is empty", line, column)
        return row[column]

    def geojson(self, filename: str, key: str) -> dict[str, tuple[int, dict[str, Any]]]:
        """Geometries by the feature property ``key``, with the feature's index."""
        path = self.folder / filename
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.problem(filename, "file not found")
            return {}
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.problem(filename, f"not valid GeoJSON: {exc}")
            return {}
        features = doc.get("features") if isinstance(doc, dict) else None
        if not isinstance(features, list) or doc.get("type") != "FeatureCollection":
            self.problem(filename, "not a GeoJSON FeatureCollection")
            return {}
        shapes: dict[str, tuple[int, dict[str, Any]]] = {}
        for index, feature in enumerate(features, start=1):
            if not isinstance(feature, dict):
                self.problem(filename, "feature is not a GeoJSON object", index)
                continue
            props = feature.get("properties") or {}
            geometry = feature.get("geometry") or {}
            if not isinstance(props, dict) or not isinstance(geometry, dict):
                self.problem(filename, "feature's properties or geometry is not an object", index)
            elif str(props.get(key, "")) == "":
                self.problem(filename, f"feature has no {key!r} property", index, key)
            elif geometry.get("type") not in {"Polygon", "MultiPolygon"}:
                self.problem(
                    filename, "geometry is not a Polygon or MultiPolygon", index, "geometry"
                )
            else:
                shapes[str(props[key])] = (index, geometry)
        return shapes


def read_dataset(folder: Path) -> Dataset:
    reader = _Reader(folder)
    try:
        manifest = tomllib.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ReferenceDataError([Problem(f"not valid TOML: {exc}", MANIFEST)]) from exc
    dataset = _read_manifest(reader, manifest, folder)
    if reader.problems:
        raise ReferenceDataError(reader.problems)
    files = manifest["files"]
    _read_districts(reader, dataset, files)
    _read_acs(reader, dataset, files, manifest.get("columns", {}).get("phase", "phase"))
    _read_seats(reader, dataset, files)
    _read_candidates(reader, dataset, files)
    if not reader.problems:
        _check_expectations(reader, dataset, manifest.get("expect", {}))
    if reader.problems:
        raise ReferenceDataError(reader.problems[:MAX_PROBLEMS])
    return dataset


def _read_manifest(reader: _Reader, manifest: dict[str, Any], folder: Path) -> Dataset:
    def need(table: str, key: str, kind: type | tuple[type, ...]) -> Any:
        value = manifest.get(table, {}).get(key)
        if not isinstance(value, kind) or (isinstance(value, datetime) and value.tzinfo is None):
            reader.problem(
                MANIFEST, f"[{table}] {key} is missing or not {_kind_name(kind)}", fld=key
            )
        return value

    for key in ("code", "name_en"):
        need("state", key, str)
    for key in ("slug", "name_en"):
        need("election", key, str)
    for key in ("mcc_from", "mcc_until", "exit_poll_ban_from", "exit_poll_ban_until"):
        need("election", key, datetime)
    need("election", "counting_date", date)
    for key in ("acs", "districts", "seats", "candidates", "ac_boundaries", "district_boundaries"):
        need("files", key, str)
    phases = manifest.get("phases", [])
    for index, phase in enumerate(phases, start=1):
        if not (
            isinstance(phase.get("number"), int)
            and isinstance(phase.get("poll_date"), date)
            and isinstance(phase.get("poll_opens"), time)
            and isinstance(phase.get("poll_closes"), time)
        ):
            reader.problem(
                MANIFEST, "phase needs number, poll_date, poll_opens, poll_closes", index, "phases"
            )
    if not phases:
        reader.problem(MANIFEST, "no [[phases]]", fld="phases")
    parties: dict[str, dict[str, str]] = {}
    for party in manifest.get("parties", []):
        parties[party["short_name"]] = {
            "name_en": party.get("name_en", party["short_name"]),
            "name_hi": party.get("name_hi", ""),
            "aliases": party.get("aliases", []),
        }
    for alliance in manifest.get("alliances", []):
        for short in alliance.get("parties", []):
            if short not in parties:
                reader.problem(
                    MANIFEST,
                    f"alliance {alliance.get('short_name')} names unknown "
                    f"party {short!r}; add it to [[parties]]",
                    fld="alliances",
                )
    return Dataset(
        folder=folder,
        state=manifest.get("state", {}),
        election=manifest.get("election", {}),
        phases=phases,
        ceilings=manifest.get("expenditure_ceilings", []),
        parties=parties,
        alliances=manifest.get("alliances", []),
    )


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", datetime: "a date-time with offset", date: "a date", int: "a number"}
    return names.get(kind, str(kind)) if isinstance(kind, type) else "valid"


def _read_districts(reader: _Reader, dataset: Dataset, files: dict[str, str]) -> None:
    name = files["districts"]
    hindi = {}
    if files.get("districts_hi"):
        for _line, row in reader.csv_rows(files["districts_hi"], ["district", "district_hi"]):
            hindi[row["district"]] = row["district_hi"]
    shapes = reader.geojson(files["district_boundaries"], "district")
    seen: set[str] = set()
    for line, row in reader.csv_rows(
        name, ["district", "district_census2011", "census2011_district_code"]
    ):
        eci_name = reader.text(name, line, row, "district")
        if eci_name in seen:
            reader.problem(name, f"district {eci_name!r} appears twice", line, "district")
        seen.add(eci_name)
        dataset.districts.append(
            DistrictRow(
                eci_name=eci_name,
                name_en=eci_name.title(),
                name_hi=hindi.get(eci_name, ""),
                census_name=row["district_census2011"],
                census_code=reader.integer(
                    name, line, row, "census2011_district_code", blank_ok=True
                ),
                boundary=shapes.get(eci_name, (0, None))[1],
            )
        )
    for unknown in sorted(set(hindi) - seen):
        reader.problem(files["districts_hi"], f"unknown district {unknown!r}", fld="district")


def _read_acs(reader: _Reader, dataset: Dataset, files: dict[str, str], phase_col: str) -> None:
    name = files["acs"]
    districts = {d.eci_name for d in dataset.districts}
    phases = {p["number"] for p in dataset.phases}
    hindi: dict[int, tuple[str, str]] = {}
    if files.get("ac_names_hi"):
        hi_name = files["ac_names_hi"]
        for line, row in reader.csv_rows(hi_name, ["ac_no", "ac_name_hi", "pc_name_hi"]):
            number = reader.integer(hi_name, line, row, "ac_no", low=1)
            if number is not None:
                hindi[number] = (row["ac_name_hi"], row["pc_name_hi"])
    shapes = reader.geojson(files["ac_boundaries"], "ac_no")
    seen: set[int] = set()
    required = [
        "ac_no",
        "ac_name",
        "reservation",
        "district",
        "pc_no",
        "pc_name",
        "pc_reservation",
        phase_col,
    ]
    for line, row in reader.csv_rows(name, required):
        number = reader.integer(name, line, row, "ac_no", low=1)
        pc_number = reader.integer(name, line, row, "pc_no", low=1)
        phase = reader.integer(name, line, row, phase_col, low=1)
        ac_name = reader.text(name, line, row, "ac_name")
        for column in ("reservation", "pc_reservation"):
            if row[column] not in RESERVATIONS:
                reader.problem(name, f"{row[column]!r} is not one of GEN, SC, ST", line, column)
        if row["district"] not in districts:
            reader.problem(
                name,
                f"district {row['district']!r} is not in {files['districts']}",
                line,
                "district",
            )
        if phase is not None and phase not in phases:
            reader.problem(name, f"phase {phase} is not in election.toml", line, phase_col)
        if number is not None and number in seen:
            reader.problem(name, f"AC {number} appears twice", line, "ac_no")
        if number is None or pc_number is None or phase is None:
            continue
        seen.add(number)
        ac_hi, pc_hi = hindi.get(number, ("", ""))
        dataset.acs.append(
            ACRow(
                number=number,
                name_en=ac_name,
                name_hi=ac_hi,
                reservation=row["reservation"],
                district=row["district"],
                pc_number=pc_number,
                pc_name_en=row["pc_name"],
                pc_name_hi=pc_hi,
                pc_reservation=row["pc_reservation"],
                phase=phase,
                boundary=shapes.get(str(number), (0, None))[1],
            )
        )
    if any(p.source == name for p in reader.problems):
        return  # unknown-AC reports below would only echo the problems already found
    for key in sorted(set(shapes) - {str(n) for n in seen}, key=int):
        reader.problem(
            files["ac_boundaries"], f"boundary for unknown AC {key}", shapes[key][0], "ac_no"
        )
    for number in sorted(set(hindi) - seen):
        reader.problem(files["ac_names_hi"], f"Hindi name for unknown AC {number}", fld="ac_no")


def _party_index(dataset: Dataset) -> dict[str, str]:
    """Every spelling the files use for a party → its short name."""
    index = {}
    for short, names in dataset.parties.items():
        index[short] = short
        for alias in names.get("aliases", []):
            index[alias] = short
    return index


def _read_seats(reader: _Reader, dataset: Dataset, files: dict[str, str]) -> None:
    name = files["seats"]
    parties = _party_index(dataset)
    acs = {ac.number for ac in dataset.acs}
    columns = [a["seat_column"] for a in dataset.alliances if a.get("seat_column")]
    for line, row in reader.csv_rows(name, ["ac_no", *columns]):
        number = reader.integer(name, line, row, "ac_no", low=1)
        if number is not None and number not in acs:
            reader.problem(name, f"AC {number} is not in {files['acs']}", line, "ac_no")
            continue
        for alliance in dataset.alliances:
            column = alliance.get("seat_column")
            if not column or number is None:
                continue
            party = parties.get(row[column], row[column])
            if party not in alliance["parties"]:
                reader.problem(
                    name,
                    f"{row[column]!r} is not a party of {alliance['short_name']}",
                    line,
                    column,
                )
                continue
            dataset.seats.append((number, alliance["short_name"], party))


def _read_candidates(reader: _Reader, dataset: Dataset, files: dict[str, str]) -> None:
    name = files["candidates"]
    parties = _party_index(dataset)
    acs = {ac.number for ac in dataset.acs}
    seen: set[tuple[int, str, str]] = set()
    required = ["ac_no", "candidate_name", "party", "gender", "age"]
    for line, row in reader.csv_rows(name, required):
        number = reader.integer(name, line, row, "ac_no", low=1)
        if number is not None and number not in acs:
            reader.problem(name, f"AC {number} is not in {files['acs']}", line, "ac_no")
        candidate = reader.text(name, line, row, "candidate_name")
        party_label = reader.text(name, line, row, "party")
        gender = GENDERS.get(row["gender"].lower())
        if gender is None:
            reader.problem(name, f"{row['gender']!r} is not Male, Female or Other", line, "gender")
        age = reader.integer(name, line, row, "age", low=25, high=120, blank_ok=True)
        if number is None or not candidate or not party_label or gender is None:
            continue
        party = parties.get(party_label, party_label)
        if (number, candidate, party) in seen:
            reader.problem(name, f"{candidate} ({party}) is listed twice in AC {number}", line)
            continue
        seen.add((number, candidate, party))
        dataset.candidates.append(
            CandidateRow(
                ac_number=number,
                name=candidate,
                party=party,
                party_name=row.get("party_eci") or party_label,
                gender=gender,
                age=age,
            )
        )


def _check_expectations(reader: _Reader, dataset: Dataset, expect: dict[str, Any]) -> None:
    def check(what: str, expected: object, found: object, source: str) -> None:
        if expected != found:
            reader.problem(source, f"expected {expected} {what}, found {found}")

    files = "the data files"
    if "acs" in expect:
        check("constituencies", expect["acs"], len(dataset.acs), files)
    if "districts" in expect:
        check("districts", expect["districts"], len(dataset.districts), files)
    if "reservations" in expect:
        found = Counter(ac.reservation for ac in dataset.acs)
        for kind, count in expect["reservations"].items():
            check(f"{kind} constituencies", count, found[kind], files)
    if "acs_per_phase" in expect:
        by_phase = Counter(ac.phase for ac in dataset.acs)
        for phase, count in expect["acs_per_phase"].items():
            check(f"constituencies in phase {phase}", count, by_phase[int(phase)], files)
    for alliance, parties in expect.get("seats", {}).items():
        found = Counter(party for _, a, party in dataset.seats if a == alliance)
        for party, count in parties.items():
            check(f"{alliance} seats for {party}", count, found[party], files)
    missing = [ac.number for ac in dataset.acs if ac.boundary is None]
    if missing:
        reader.problem("the data files", f"no boundary for AC(s) {missing[:10]}")
