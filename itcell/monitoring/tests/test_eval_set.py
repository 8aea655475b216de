"""The tagger's evaluation set (``monitoring/nlp/eval/items.jsonl``): its shape, its language
mix, and that every label is a key the election's reference data knows. Pure file checks: no
database, and no tagger (``python -m bench.tagging`` scores the tagger against the set)."""

import csv
import json
import re
import tomllib
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
EVAL_DIR = ROOT / "monitoring" / "nlp" / "eval"
REFERENCE = ROOT / "elections" / "data" / "bihar-2020"

# Share of the set per language, in percent; each may be off by TOLERANCE points.
MIX = {"hi": 35, "en": 25, "hi-Latn": 25, "bho": 8, "mai": 7}
TOLERANCE = 5
KINDS = {"headline", "post", "comment"}
SCRIPTS = {"Deva", "Latn", "Mixed"}
LABELS = ("acs", "districts", "parties", "candidates", "leaders")
ID = re.compile(r"e\d{4}")


@cache
def items() -> list[dict[str, Any]]:
    with (EVAL_DIR / "items.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@cache
def district_of_ac() -> dict[str, str]:
    with (REFERENCE / "acs.csv").open(encoding="utf-8") as f:
        return {row["ac_no"]: row["district_census2011"] for row in csv.DictReader(f)}


@cache
def candidates() -> list[dict[str, str]]:
    with (REFERENCE / "candidates.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def parties() -> frozenset[str]:
    # candidates.csv writes two NDA parties by their full names; election.toml gives the short
    # names (VIP, HAM(S)) the tagger uses for them.
    with (REFERENCE / "election.toml").open("rb") as f:
        short_names = {p["short_name"] for p in tomllib.load(f)["parties"]}
    return frozenset({row["party"] for row in candidates()} | short_names)


def script_of(text: str) -> str:
    deva = re.search("[\u0900-\u097f]", text) is not None
    latin = re.search("[A-Za-z]", text) is not None
    return "Mixed" if deva and latin else "Deva" if deva else "Latn"


def test_the_set_has_at_least_500_items() -> None:
    assert len(items()) >= 500


def test_ids_are_unique_and_well_formed() -> None:
    ids = [item["id"] for item in items()]
    assert len(ids) == len(set(ids))
    assert all(ID.fullmatch(i) for i in ids)


def test_no_text_appears_twice() -> None:
    repeated = [t for t, n in Counter(item["text"] for item in items()).items() if n > 1]
    assert repeated == []


def test_every_item_has_every_field_with_a_known_value() -> None:
    for item in items():
        assert set(item) == {"id", "text", "kind", "language", "script", *LABELS}, item["id"]
        assert item["text"].strip(), item["id"]
        assert item["kind"] in KINDS, item["id"]
        assert item["language"] in MIX, item["id"]
        assert all(isinstance(item[label], list) for label in LABELS), item["id"]


def test_script_is_the_script_the_text_is_written_in() -> None:
    wrong = [item["id"] for item in items() if item["script"] != script_of(item["text"])]
    assert wrong == []
    assert {item["script"] for item in items()} <= SCRIPTS


@pytest.mark.parametrize("language", MIX)
def test_language_share_is_near_the_intended_mix(language: str) -> None:
    count = sum(1 for item in items() if item["language"] == language)
    assert count > 0
    assert abs(100 * count / len(items()) - MIX[language]) <= TOLERANCE


def test_every_kind_of_text_is_present() -> None:
    assert {item["kind"] for item in items()} == KINDS


def test_acs_are_numbers_from_1_to_243() -> None:
    bad = {
        (item["id"], ac)
        for item in items()
        for ac in item["acs"]
        if not (ac.isdigit() and 1 <= int(ac) <= 243 and ac in district_of_ac())
    }
    assert bad == set()


def test_districts_are_census_2011_names() -> None:
    known = set(district_of_ac().values())
    unknown = {(item["id"], d) for item in items() for d in item["districts"] if d not in known}
    assert unknown == set()


def test_candidate_keys_match_rows_of_the_candidate_list() -> None:
    known = {f"{row['ac_no']}:{row['candidate_name']}" for row in candidates()}
    unknown = {(item["id"], c) for item in items() for c in item["candidates"] if c not in known}
    assert unknown == set()


def test_parties_are_short_names_from_the_reference_data() -> None:
    unknown = {(item["id"], p) for item in items() for p in item["parties"] if p not in parties()}
    assert unknown == set()


def test_a_candidate_brings_the_seat_and_a_seat_its_district() -> None:
    for item in items():
        for candidate in item["candidates"]:
            assert candidate.split(":", 1)[0] in item["acs"], item["id"]
        for ac in item["acs"]:
            assert district_of_ac()[ac] in item["districts"], item["id"]


def test_leaders_named_are_listed_for_the_leaders_list() -> None:
    listed = set((EVAL_DIR / "leaders_used.txt").read_text(encoding="utf-8").split("\n")) - {""}
    used = {leader for item in items() for leader in item["leaders"]}
    assert used == listed


def test_at_least_40_items_name_no_entity() -> None:
    empty = [item for item in items() if not any(item[label] for label in LABELS)]
    assert len(empty) >= 40
