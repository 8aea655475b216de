"""Hostile input to the names of kept report files (a URL's last part): ``parse_name`` reads
a name it wrote, and answers None to anything else, never failing."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from itcell.core.tests.hostile import REPEATABLE
from itcell.warroom.report_files import parse_name

QUICK = settings(REPEATABLE, max_examples=200)


@QUICK
@given(
    name=st.one_of(
        st.text(max_size=40),
        st.from_regex(r"(state|district-[0-9\u0966-\u096f]{1,6000})-[a-z]{2}\.(pdf|csv)\n?"),
    )
)
@example(name="district-" + "9" * 5000 + "-en.pdf")
@example(name="district-\u0969-hi.pdf")
@example(name="state-en.pdf\n")
def test_any_name_is_read_or_refused(name: str) -> None:
    parsed = parse_name(name)
    if parsed is not None:
        district, lang, fmt = parsed
        assert district is None or 0 <= district < 2**31
        assert lang.isascii()
        assert fmt in ("pdf", "csv")
        assert name.endswith(f"{lang}.{fmt}")


def test_a_name_written_by_the_nightly_job_reads_back() -> None:
    assert parse_name("state-hi.pdf") == (None, "hi", "pdf")
    assert parse_name("district-12-en.csv") == (12, "en", "csv")
