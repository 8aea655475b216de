import pytest

from itcell.core.errors import InvalidInput, ItcellError, Problem
from itcell.core.registry import NotRegistered, Registry, build_backend


def test_registered_items_are_found_by_name_in_order() -> None:
    rules: Registry[str] = Registry("rule")
    rules.register("R-SIL-2")("silence")
    rules.register("R-ADV-1")("certificate")
    assert rules.get("R-SIL-2") == "silence"
    assert list(rules) == ["R-ADV-1", "R-SIL-2"]
    assert "R-ADV-1" in rules


def test_unknown_name_is_a_clear_error() -> None:
    with pytest.raises(NotRegistered, match="no rule is registered as 'R-X'"):
        Registry[str]("rule").get("R-X")


def test_a_name_cannot_be_taken_twice() -> None:
    rules: Registry[str] = Registry("rule")
    rules.register("R-1")("one")
    with pytest.raises(ValueError, match="registered twice"):
        rules.register("R-1")("other")


def test_build_backend_imports_and_configures_the_class() -> None:
    backend = build_backend({"BACKEND": "datetime.timedelta", "OPTIONS": {"hours": 48}})
    assert backend.total_seconds() == 48 * 3600


def test_build_backend_with_a_bad_path_says_which() -> None:
    with pytest.raises(ItcellError, match=r"no\.such\.Backend"):
        build_backend({"BACKEND": "no.such.Backend"})


def test_problems_say_where() -> None:
    error = InvalidInput([Problem("is empty", source="acs.csv", row=7, field="ac_name")])
    assert str(error) == "acs.csv, row 7, field 'ac_name': is empty"
