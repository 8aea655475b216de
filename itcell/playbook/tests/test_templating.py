"""Post templates: which variables a text uses, what is wrong with it (unknown variables named,
unbalanced braces), and filling it from the reference data of Bihar 2020 in Hindi and English:
Bahadurganj (AC 52, Kishanganj district) where our party (VIP) fields Lakhan Lal Pandit, and
Ramnagar (AC 2) where the seat went to our ally the BJP."""

from datetime import UTC, date, datetime

import pytest

from itcell.core.errors import InvalidInput
from itcell.elections.models import AssemblyConstituency, Election, Party
from itcell.elections.services import set_own_party
from itcell.playbook import templating
from itcell.playbook.templating import VARIABLES, check, fill, render, variables_in


def test_the_variables_the_issue_names_exist_with_descriptions():
    for name in ("candidate", "party", "ac", "ac_number", "district", "date", "election"):
        assert name in VARIABLES
        assert str(VARIABLES[name].description)


def test_variables_in_lists_each_name_once_in_order():
    assert variables_in("{ac}: {candidate}, {ac} {{literal}}") == ["ac", "candidate"]


def test_an_unknown_variable_is_named_with_the_ones_to_use():
    [problem] = check("Meet {candiate} in {ac}", field="text_en")
    assert problem.field == "text_en"
    assert problem.message == (
        "Unknown variable {candiate}; use one of: {candidate}, {party}, {ac}, {ac_number}, "
        "{district}, {date}, {poll_date}, {election}."
    )


def test_unbalanced_and_empty_braces_are_found_and_doubled_braces_are_literal():
    assert check("{{not a variable}} {ac}") == []
    problems = check("{ac and then {ac} done}")
    assert [p.message.split(" at ")[0] for p in problems] == ["Unbalanced “{”", "Unbalanced “}”"]
    assert "character 1" in problems[0].message
    assert check("{ }")[0].message.startswith("Empty braces")


def test_render_replaces_variables_and_undoubles_braces():
    assert render("{ac} {{x}}", {"ac": "Bahadurganj"}) == "Bahadurganj {x}"


@pytest.fixture
def ours(bihar: Election) -> Election:
    set_own_party(election=bihar, party=Party.objects.get(short_name="VIP"))
    bihar.refresh_from_db()
    return bihar


def ac(number: int) -> AssemblyConstituency:
    return AssemblyConstituency.objects.select_related("district").get(number=number)


TEXT_HI = "{ac} ({district}, क्षेत्र {ac_number}) में {candidate} ({party}) से मिलिए, {date}।"
TEXT_EN = "Meet {candidate} ({party}) in {ac} ({district}, AC {ac_number}) on {date}."


@pytest.mark.django_db
def test_english_fills_with_english_names(ours: Election):
    text = fill(TEXT_EN, election=ours, ac=ac(52), on_date=date(2020, 10, 27), language="en")
    assert text == (
        "Meet Lakhan Lal Pandit (Vikassheel Insaan Party) in Bahadurganj (Kishanganj, AC 52) "
        "on 27 October 2020."
    )


@pytest.mark.django_db
def test_hindi_fills_with_hindi_names_falling_back_to_english(ours: Election):
    text = fill(TEXT_HI, election=ours, ac=ac(52), on_date=date(2020, 10, 27), language="hi")
    party = Party.objects.get(short_name="VIP")
    assert text == (
        f"बहादुरगंज (किशनगंज, क्षेत्र 52) में Lakhan Lal Pandit ({party.name_hi or party.name_en})"
        " से मिलिए, 27 अक्टूबर 2020।"
    )


@pytest.mark.django_db
def test_the_candidate_is_the_allys_where_the_seat_went_to_an_ally(ours: Election):
    text = fill("{candidate} ({party})", election=ours, ac=ac(2), language="en")
    assert text == "Bhagirathi Devi (Bharatiya Janata Party)"


@pytest.mark.django_db
def test_the_date_is_the_day_in_ist_and_the_poll_day_the_constituencys(ours: Election):
    late_evening_utc = datetime(2020, 10, 27, 19, 30, tzinfo=UTC)  # 01:00 on the 28th in IST
    assert fill("{date}", election=ours, ac=None, on_date=late_evening_utc, language="en") == (
        "28 October 2020"
    )
    assert fill("{poll_date}", election=ours, ac=ac(52), language="en") == "7 November 2020"
    assert fill("{election}", election=ours, ac=None, language="hi") == ours.name_hi


@pytest.mark.django_db
def test_a_constituency_variable_without_a_constituency_is_a_clear_error(ours: Election):
    with pytest.raises(InvalidInput) as refused:
        fill("{candidate} in {ac}", election=ours, ac=None, language="en")
    [problem] = refused.value.problems
    assert problem.field == "ac"
    assert "{candidate}, {ac}" in problem.message


@pytest.mark.django_db
def test_no_candidate_of_ours_is_a_clear_error(bihar: Election):
    with pytest.raises(InvalidInput, match="no candidate in 52 Bahadurganj"):
        fill("{candidate}", election=bihar, ac=ac(52), language="en")


@pytest.mark.django_db
def test_fill_refuses_an_unknown_variable(ours: Election):
    with pytest.raises(InvalidInput, match=r"Unknown variable \{candiate\}"):
        fill("{candiate}", election=ours, ac=ac(52), language="en")
    assert templating.check("{candidate}") == []
