import pytest

from itcell.core.http import BIGGEST_ID, query_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (str(BIGGEST_ID), BIGGEST_ID),
        (str(BIGGEST_ID + 1), None),  # beyond the database's integers: SQLite raised OverflowError
        ("9" * 30, None),
        ("²", None),  # a Unicode digit: isdigit() said yes and int() raised
        ("४२", None),  # Devanagari digits are not ids
        ("-1", None),
        ("", None),
        (None, None),
        ("1e3", None),
    ],
)
def test_query_ids_are_plain_digits_within_the_databases_range(
    value: str | None, expected: int | None
) -> None:
    assert query_id(value) == expected
