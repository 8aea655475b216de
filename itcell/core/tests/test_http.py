import pytest
from django.test import RequestFactory

from itcell.core.http import BIGGEST_ID, client_address, query_id


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


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.1"),  # no proxy is trusted: the header is the client's word
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),  # the start is whatever the client wrote
        (2, "203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),  # shorter than the proxies: not to be trusted
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address_is_the_one_the_nearest_trusted_proxy_saw(
    settings, hops: int, forwarded: str, expected: str
) -> None:
    settings.ITCELL_PROXY_HOPS = hops
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
