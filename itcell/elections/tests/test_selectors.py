"""Searching an election's constituencies (the constituency list's search box)."""

import unicodedata

import pytest
from pytest_django import DjangoAssertNumQueries

from itcell.elections.models import Election
from itcell.elections.selectors import list_polls

KAIMUR = [203, 204, 205, 206]
ROHTAS = [207, 208, 209, 210, 211, 212, 213]


def found(election: Election, query: str) -> list[int]:
    return list(list_polls(election=election, query=query).values_list("ac__number", flat=True))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("52", [52], id="number"),
        pytest.param(" 52 ", [52], id="number-with-spaces"),
        pytest.param("243", [243], id="last-number"),
        pytest.param("244", [], id="number-out-of-range"),
        pytest.param("Bahadurganj", [52], id="english"),
        pytest.param("bahadurganj", [52], id="english-lower-case"),
        pytest.param("BAHADURGANJ", [52], id="english-upper-case"),
        pytest.param("bahadur", [52, 85], id="english-prefix-bahadurganj-and-bahadurpur"),
        pytest.param("बहादुरगंज", [52], id="hindi"),
        pytest.param("Kaimur", KAIMUR, id="district-english"),
        pytest.param("kaimur", KAIMUR, id="district-english-lower-case"),
        pytest.param("कैमूर", KAIMUR, id="district-hindi"),
        pytest.param("Rohtas", ROHTAS, id="district-rohtas"),
        pytest.param("bahadur kishanganj", [52], id="two-words-ac-and-district"),
        pytest.param("kishanganj bahadurganj", [52], id="two-words-other-order"),
        pytest.param("  bahadurganj   किशनगंज ", [52], id="english-and-hindi-words"),
        pytest.param("bahadurganj purnia", [], id="words-that-do-not-meet"),
        pytest.param("Nowhere", [], id="no-match"),
    ],
)
def test_search_constituencies(bihar: Election, query: str, expected: list[int]) -> None:
    assert found(bihar, query) == expected


def test_search_by_district_finds_every_constituency_of_the_district(bihar: Election) -> None:
    numbers = found(bihar, "Kaimur")
    assert numbers == list(
        bihar.polls.filter(ac__district__eci_name="KAIMUR (BHABUA)").values_list(
            "ac__number", flat=True
        )
    )


def test_search_by_parliamentary_constituency(bihar: Election) -> None:
    # Kishanganj is an AC (54), a district (52–55) and a PC (52–57).
    assert found(bihar, "Kishanganj") == [52, 53, 54, 55, 56, 57]


def test_empty_search_lists_every_constituency_in_order(bihar: Election) -> None:
    assert found(bihar, "") == list(range(1, 244))
    assert found(bihar, "   ") == list(range(1, 244))


def test_hindi_search_matches_however_the_nukta_is_typed(bihar: Election) -> None:
    # "मढ़ौरा" (117 Marhaura) typed with the precomposed letter ढ़ (U+095D), as some
    # keyboards do; the names are stored in NFC, where it is ढ + nukta.
    precomposed = "म\u095dौरा"
    assert unicodedata.normalize("NFC", precomposed) != precomposed
    assert found(bihar, "म\u0922\u093cौरा") == [117]
    assert found(bihar, precomposed) == [117]


def test_search_results_carry_phase_and_district(
    bihar: Election, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        (poll,) = list_polls(election=bihar, query="52")
        assert (poll.ac.name_en, poll.ac.district.name_en, poll.phase.number) == (
            "Bahadurganj",
            "Kishanganj",
            3,
        )
