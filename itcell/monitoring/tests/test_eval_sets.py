"""Both of the tagger's evaluation sets (``monitoring/nlp/eval/items.jsonl``, the tuning set, and
``heldout.jsonl``, the held-out set) are well formed: every line parses, ids are unique, kinds
and languages come from the allowed sets, and every AC, district and candidate label is a key of
the bundled Bihar 2020 reference data; and no text is in both sets, so the held-out figures of
``python -m bench.tagging`` are not figures on texts the tagger was tuned on. Pure file checks:
no database, and no tagger."""

import csv
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
EVAL_DIR = ROOT / "monitoring" / "nlp" / "eval"
REFERENCE = ROOT / "elections" / "data" / "bihar-2020"

# File, and the pattern of its ids.
SETS = {"items.jsonl": re.compile(r"e\d{4}"), "heldout.jsonl": re.compile(r"h\d{4}")}
KINDS = {"headline", "post", "comment"}
LANGUAGES = {"hi", "hi-Latn", "en", "bho", "mai"}
SCRIPTS = {"Deva", "Latn", "Mixed"}
LABELS = ("acs", "districts", "parties", "candidates", "leaders")
FIELDS = {"id", "text", "kind", "language", "script", *LABELS}


def lines(name: str) -> list[str]:
    return [line for line in (EVAL_DIR / name).read_text(encoding="utf-8").splitlines() if line]


@cache
def items(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines(name)]


@cache
def district_of_ac() -> dict[str, str]:
    with (REFERENCE / "acs.csv").open(encoding="utf-8") as f:
        return {row["ac_no"]: row["district_census2011"] for row in csv.DictReader(f)}


@cache
def districts() -> frozenset[str]:
    # The gazetteer's district keys are the census-2011 names of districts.csv.
    with (REFERENCE / "districts.csv").open(encoding="utf-8") as f:
        return frozenset(row["district_census2011"] for row in csv.DictReader(f))


@cache
def candidacies() -> frozenset[str]:
    with (REFERENCE / "candidates.csv").open(encoding="utf-8") as f:
        return frozenset(f"{row['ac_no']}:{row['candidate_name']}" for row in csv.DictReader(f))


def test_the_reference_data_is_bihar() -> None:
    assert set(district_of_ac()) == {str(n) for n in range(1, 244)}
    assert len(districts()) == 38


@pytest.mark.parametrize("name", SETS)
def test_every_line_parses_to_an_object(name: str) -> None:
    for number, line in enumerate(lines(name), 1):
        assert isinstance(json.loads(line), dict), f"{name}:{number}"


def test_the_held_out_set_has_at_least_200_items() -> None:
    assert len(items("heldout.jsonl")) >= 200


@pytest.mark.parametrize("name", SETS)
def test_ids_are_unique_and_well_formed(name: str) -> None:
    ids = [item["id"] for item in items(name)]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not SETS[name].fullmatch(i)] == []


@pytest.mark.parametrize("name", SETS)
def test_every_item_has_every_field_with_an_allowed_value(name: str) -> None:
    for item in items(name):
        assert set(item) == FIELDS, item.get("id")
        assert isinstance(item["text"], str), item["id"]
        assert item["text"].strip(), item["id"]
        assert item["kind"] in KINDS, item["id"]
        assert item["language"] in LANGUAGES, item["id"]
        assert item["script"] in SCRIPTS, item["id"]
        for label in LABELS:
            assert isinstance(item[label], list), (item["id"], label)
            assert all(isinstance(key, str) for key in item[label]), (item["id"], label)


@pytest.mark.parametrize("name", SETS)
def test_acs_are_bihar_ac_numbers_from_1_to_243(name: str) -> None:
    bad = {
        (item["id"], ac)
        for item in items(name)
        for ac in item["acs"]
        if not (ac.isdigit() and 1 <= int(ac) <= 243 and ac in district_of_ac())
    }
    assert bad == set()


@pytest.mark.parametrize("name", SETS)
def test_districts_are_keys_the_gazetteer_knows(name: str) -> None:
    bad = {
        (item["id"], d) for item in items(name) for d in item["districts"] if d not in districts()
    }
    assert bad == set()


@pytest.mark.parametrize("name", SETS)
def test_candidates_name_a_real_candidacy_of_their_ac(name: str) -> None:
    bad = {
        (item["id"], c)
        for item in items(name)
        for c in item["candidates"]
        if c not in candidacies()
    }
    assert bad == set()


@pytest.mark.parametrize("name", SETS)
def test_a_candidate_brings_its_ac_and_an_ac_its_district(name: str) -> None:
    # The labelling convention of nlp/eval/README.md, which the held-out set follows too.
    for item in items(name):
        for candidate in item["candidates"]:
            assert candidate.split(":", 1)[0] in item["acs"], (item["id"], candidate)
        for ac in item["acs"]:
            assert district_of_ac().get(ac) in item["districts"], (item["id"], ac)


def test_no_text_is_in_both_sets() -> None:
    def normal(text: str) -> str:
        return " ".join(text.casefold().split())

    tuning = {normal(item["text"]) for item in items("items.jsonl")}
    both = [item["id"] for item in items("heldout.jsonl") if normal(item["text"]) in tuning]
    assert both == []
