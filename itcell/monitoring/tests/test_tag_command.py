"""``itcell tag``: the pipeline's findings for one text as JSON, from a loaded election or from
the bundled data."""

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from itcell.elections.models import AssemblyConstituency, Candidacy, Election, Party
from itcell.monitoring.gazetteers import forget_gazetteers, get_gazetteer


@pytest.fixture(autouse=True)
def _fresh_gazetteers() -> Any:
    forget_gazetteers()
    yield
    forget_gazetteers()


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("tag", *args, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def keys(found: dict[str, Any], section: str) -> dict[str, float]:
    return {item["key"]: item["confidence"] for item in found[section]}


def test_tag_against_a_loaded_election(bihar: Election) -> None:
    found = run("तेजस्वी यादव राघोपुर में, मुंगेर जिले में भाजपा", "--election", bihar.slug)
    assert found["language"] == "hi"
    assert found["script"] == "Deva"
    assert {"key": "128", "name": "Raghopur", "confidence": 0.9} in found["acs"]
    assert keys(found, "districts")["Munger"] >= 0.9
    assert keys(found, "parties")["BJP"] >= 0.9
    assert keys(found, "candidates")["128:Tejashwi Prasad Yadav"] >= 0.9
    assert keys(found, "leaders")["Tejashwi Yadav"] >= 0.9
    names = {item["key"]: item["name"] for item in found["parties"]}
    assert names["BJP"] == "Bharatiya Janata Party"


def test_district_keys_are_census_names_as_in_the_bundled_data(bihar: Election) -> None:
    found = run("Paschim Champaran aur Kaimur (Bhabua)", "--election", bihar.slug)
    assert set(keys(found, "districts")) == {"West Champaran", "Kaimur"}


def test_the_database_gazetteer_follows_new_candidacies(bihar: Election) -> None:
    text = "Zorawar Prasad Khan ne Valmiki Nagar se parcha bhara"
    assert "1:Zorawar Prasad Khan" not in keys(run(text, "--election", bihar.slug), "candidates")
    Candidacy.objects.create(
        election=bihar,
        ac=AssemblyConstituency.objects.get(state=bihar.state, number=1),
        name="Zorawar Prasad Khan",
        name_hi="ज़ोरावर प्रसाद ख़ान",
        party=Party.objects.get(short_name="VIP"),
        gender=Candidacy.Gender.MALE,
    )
    found = run(text, "--election", bihar.slug)
    assert keys(found, "candidates")["1:Zorawar Prasad Khan"] >= 0.9
    in_hindi = run("ज़ोरावर प्रसाद ख़ान का नामांकन", "--election", bihar.slug)
    assert keys(in_hindi, "candidates")["1:Zorawar Prasad Khan"] >= 0.9


def test_the_gazetteer_is_built_once_per_election(bihar: Election) -> None:
    assert get_gazetteer(bihar) is get_gazetteer(bihar)


def test_without_an_election_the_bundled_data_is_used() -> None:
    found = run("Tejashwi Yadav in Raghopur")
    assert found["language"] == "en"
    assert keys(found, "acs")["128"] >= 0.9
    assert set(found) == {
        "language",
        "script",
        "acs",
        "districts",
        "parties",
        "candidates",
        "leaders",
    }


def test_nothing_found_is_empty_lists() -> None:
    found = run("😀")
    assert found == {
        "language": "und",
        "script": "Zyyy",
        "acs": [],
        "districts": [],
        "parties": [],
        "candidates": [],
        "leaders": [],
    }


@pytest.mark.django_db
def test_an_unknown_election_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match=r"no election 'bihar-2025'.*load-election"):
        run("Munger", "--election", "bihar-2025")
