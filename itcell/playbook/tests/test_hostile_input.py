"""Hostile input to post templates: ``check`` names every unknown variable and unbalanced
brace and never fails; a text it passes renders; a literal text round-trips through braces
doubled; ``fill`` returns the text or refuses with ``InvalidInput``."""

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from itcell.core.errors import InvalidInput
from itcell.core.tests.hostile import REPEATABLE
from itcell.elections.models import AssemblyConstituency
from itcell.playbook.templating import VARIABLES, check, fill, render, variables_in

QUICK = settings(REPEATABLE, max_examples=200)
DB = settings(QUICK, max_examples=30)
PIECES = st.sampled_from(
    ["{", "}", "{{", "}}", "{ }", "{candidate}", "{ ac }", "{ac_number}", "{date}", "{nope}"]
) | st.sampled_from(
    ["{{ac}}", "\x00", "\ufeff", "\u200f", "\r\n", "{\ud800}", "से मिलिए", "{ज़िला}", "%s", "%("]
)
TEMPLATE = st.lists(st.one_of(st.text(max_size=10), PIECES), max_size=20).map("".join)


@QUICK
@given(text=TEMPLATE)
@example(text="{candidate} से मिलिए, {ac} ({district}) {{literal}}")
@example(text="{%(name)s} {%s}")
def test_a_template_either_renders_or_names_its_problems(text: str) -> None:
    problems = check(text, field="text_hi")
    assert all(p.message for p in problems)
    assert all(p.field == "text_hi" for p in problems)
    if not problems:
        names = variables_in(text)
        assert set(names) <= set(VARIABLES)
        rendered = render(text, dict.fromkeys(names, ""))
        assert len(rendered) <= len(text)  # each variable and doubled brace gave way


@QUICK
@given(text=st.text(max_size=100))
@example(text="{candidate}}{")
def test_a_literal_text_round_trips_with_its_braces_doubled(text: str) -> None:
    escaped = text.replace("{", "{{").replace("}", "}}")
    assert check(escaped) == []
    assert variables_in(escaped) == []
    assert render(escaped, {}) == text


@DB
@given(text=TEMPLATE, language=st.sampled_from(["hi", "en"]), with_ac=st.booleans())
@example(text="{poll_date} {candidate} {party}", language="hi", with_ac=True)
def test_filling_any_template_gives_text_or_invalid_input(
    bihar: Any, text: str, language: str, with_ac: bool
) -> None:
    ac = AssemblyConstituency.objects.filter(number=52).first() if with_ac else None
    try:
        filled = fill(text, election=bihar, ac=ac, language=language)
    except InvalidInput as invalid:
        problems = invalid.problems
    else:
        problems = []
        assert isinstance(filled, str)
    assert all(p.message for p in problems)
