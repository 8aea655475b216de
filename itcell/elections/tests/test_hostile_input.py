"""Hostile input to the reference-data loader: a copy of the Bihar 2020 folder with one file
replaced, cut short or garbled either reads or is refused with ``ReferenceDataError``, each
problem naming its file (and row and field where there is one). Reading touches no database,
and writing only starts once reading succeeded."""

import csv
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from itcell.core.tests.hostile import REPEATABLE
from itcell.elections.errors import ReferenceDataError
from itcell.elections.loader import DATA_ROOT, MANIFEST, read_dataset

READ = settings(REPEATABLE, max_examples=6)  # each read parses the whole folder, about a second
CSVS = ["acs.csv", "ac_names_hi.csv", "districts.csv", "districts_hi.csv", "results.csv"]
FILES = [*CSVS, "candidates.csv", "ac_boundaries.geojson", MANIFEST]
HOSTILE = st.sampled_from(
    ["\x00", "\ufeff", "\r\n", "\r", '"', ",", "\u200f", "बिहार", "-1", "9" * 30, "1e9", ""]
)
CELL = st.lists(st.one_of(st.text(max_size=8), HOSTILE), max_size=4).map("".join)


@pytest.fixture(scope="module")
def bihar_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data") / "bihar-2020"
    shutil.copytree(DATA_ROOT / "bihar-2020", folder)
    return folder


def read_or_refuse(folder: Path) -> None:
    try:
        read_dataset(folder)
    except ReferenceDataError as error:
        problems = error.problems
    else:
        problems = []
    assert all(p.message for p in problems)
    assert all(p.source in FILES or p.source == "the data files" for p in problems)


def replaced(folder: Path, name: str, content: bytes) -> bytes:
    path = folder / name
    original = path.read_bytes()
    path.write_bytes(content)
    return original


@READ
@given(name=st.sampled_from(FILES), content=st.binary(max_size=200))
@example(name=MANIFEST, content=b"\xff")
@example(name="ac_boundaries.geojson", content=b'{"type": "FeatureCollection", "features": [1]}')
@example(name="ac_boundaries.geojson", content=b'{"type": "FeatureCollection", "features": null}')
@example(
    name="ac_boundaries.geojson",
    content=b'{"type": "FeatureCollection", "features": [{"properties": 1, "geometry": []}]}',
)
def test_a_file_replaced_by_any_bytes_is_read_or_refused(
    bihar_copy: Path, name: str, content: bytes
) -> None:
    original = replaced(bihar_copy, name, content)
    try:
        read_or_refuse(bihar_copy)
    finally:
        (bihar_copy / name).write_bytes(original)


@READ
@given(name=st.sampled_from(CSVS), row=st.integers(1, 300), cells=st.lists(CELL, max_size=12))
@example(name="acs.csv", row=1, cells=["9" * 30] * 10)
@example(name="results.csv", row=2, cells=["\x00"] * 5)
def test_a_garbled_row_in_a_csv_is_read_or_refused_by_line(
    bihar_copy: Path, name: str, row: int, cells: list[str]
) -> None:
    path = bihar_copy / name
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    rows[min(row, len(rows) - 1)] = cells
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    original = replaced(bihar_copy, name, buffer.getvalue().encode("utf-8", "surrogatepass"))
    try:
        read_or_refuse(bihar_copy)
    finally:
        path.write_bytes(original)


@READ
@given(name=st.sampled_from(FILES), keep=st.floats(0, 1))
def test_a_file_cut_short_is_read_or_refused(bihar_copy: Path, name: str, keep: float) -> None:
    path = bihar_copy / name
    original = path.read_bytes()
    path.write_bytes(original[: int(len(original) * keep)])
    try:
        read_or_refuse(bihar_copy)
    finally:
        path.write_bytes(original)
