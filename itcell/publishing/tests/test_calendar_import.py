"""Importing a content calendar from CSV: a good file makes one draft per row at its IST time
(stored in UTC), a file with bad rows names every one of them (line and column) and imports
nothing."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.organisation.tests.factories import audited
from itcell.organisation.tests.factories import desk as desk_at
from itcell.playbook.models import TalkingPoint
from itcell.publishing.errors import PostInvalid
from itcell.publishing.models import Channel, Post
from itcell.publishing.screening import Finding, screeners
from itcell.publishing.services.calendar_import import MAX_ROWS, import_calendar
from itcell.publishing.tests.factories import Cell, channel
from itcell.publishing.workflow import PostState

pytestmark = pytest.mark.django_db

NOW = datetime(2020, 10, 20, 6, 30, tzinfo=UTC)  # 12:00 IST, a week before the first row
HEADER = "date,time,title,text_hi,text_en,channels"
# "ज़िला" written with a separate nukta (U+093C): the import must not normalise it away.
HINDI = "बहादुरगंज में राहत शिविर आज से खुले हैं। ज\u093cिला प्रशासन के साथ।\nहेल्पलाइन: 1800-345-6145"
GOOD = f"""\
date,time,title,text_hi,text_en,channels,acs,talking_point,paid_promotion,mcmc_certificate,fast_lane
2020-10-27,18:30,Flood relief camps,"{HINDI}",Relief camps in Bahadurganj are open.,@vip_bihar;VIP Bihar Telegram,52,flood relief,yes,MCMC/KNJ/2020/114,no
2020-10-28,06:05,Morning message,सुप्रभात बहादुरगंज! मतदान अवश्य करें।,,@vip_bihar,,,,,YES
2020-11-01,00:00,Midnight,,"Midnight, in English only.",VIP Bihar Telegram,,,false,,0
"""  # noqa: E501


@pytest.fixture(autouse=True)
def now() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


@pytest.fixture
def telegram(cell: Cell) -> Channel:
    return channel(cell.election, handle="VIP Bihar Telegram", platform="telegram")


@pytest.fixture
def flood_relief(cell: Cell) -> TalkingPoint:
    return TalkingPoint.objects.create(
        election=cell.election, title_en="Flood relief", title_hi="बाढ़ राहत"
    )


def counts() -> tuple[int, int]:
    return Post.objects.count(), AuditEvent.objects.count()


def refused(cell: Cell, csv_text: str, **kwargs: object) -> PostInvalid:
    """The import's error, having checked that it wrote nothing."""
    before = counts()
    with pytest.raises(PostInvalid) as raised:
        import_calendar(desk=cell.desk, author=cell.writer, csv_text=csv_text, **kwargs)
    assert counts() == before
    return raised.value


def where(error: PostInvalid) -> list[tuple[int | None, str]]:
    return [(p.row, p.field) for p in error.problems]


def test_good_file_makes_one_draft_per_row_at_its_time_in_utc(
    cell: Cell, telegram: Channel, flood_relief: TalkingPoint
) -> None:
    actions = ["post.created"] * 3 + ["post.calendar_imported"]
    with audited(*actions) as events:
        posts = import_calendar(desk=cell.desk, author=cell.writer, csv_text=GOOD)

    stored = [Post.objects.get(pk=p.pk) for p in posts]
    assert [p.publish_at for p in stored] == [
        datetime(2020, 10, 27, 13, 0, tzinfo=UTC),
        datetime(2020, 10, 28, 0, 35, tzinfo=UTC),
        datetime(2020, 10, 31, 18, 30, tzinfo=UTC),  # midnight IST is the evening before in UTC
    ]
    first, second, third = stored
    assert first.text_hi == HINDI  # exactly, line break and separate nukta included
    assert second.text_hi == "सुप्रभात बहादुरगंज! मतदान अवश्य करें।"
    assert third.text_en == "Midnight, in English only."
    assert [sorted(c.handle for c in p.channels.all()) for p in stored] == [
        ["@vip_bihar", "VIP Bihar Telegram"],
        ["@vip_bihar"],
        ["VIP Bihar Telegram"],
    ]
    assert all(list(p.acs.values_list("number", flat=True)) == [52] for p in stored)
    assert (first.talking_point, first.paid_promotion, first.mcmc_certificate) == (
        flood_relief,
        True,
        "MCMC/KNJ/2020/114",
    )
    assert [p.fast_lane for p in stored] == [False, True, False]
    assert {(p.state, p.desk, p.author) for p in stored} == {
        (PostState.DRAFT, cell.desk, cell.writer)
    }
    imported = events[-1]
    assert (imported.actor, imported.object_type, imported.object_id) == (
        cell.writer,
        "organisation.desk",
        str(cell.desk.pk),
    )
    assert imported.after == {
        "rows": 3,
        "posts": [p.pk for p in posts],
        "source": "calendar.csv",
        "submitted": False,
    }


def test_submit_sends_every_draft_for_review(
    cell: Cell, telegram: Channel, flood_relief: TalkingPoint
) -> None:
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    posts = import_calendar(desk=cell.desk, author=cell.writer, csv_text=GOOD, submit=True)
    actions = AuditEvent.objects.filter(id__gt=last, action__startswith="post.")
    assert list(actions.values_list("action", flat=True)) == [
        *["post.created", "post.submitted"] * 3,
        "post.calendar_imported",
    ]
    assert [p.state for p in posts] == [PostState.IN_REVIEW] * 3
    assert set(Post.objects.values_list("state", flat=True)) == {PostState.IN_REVIEW}


def test_byte_order_mark_and_crlf_line_ends_are_read_like_the_plain_file(
    cell: Cell, telegram: Channel, flood_relief: TalkingPoint
) -> None:
    windows = "\ufeff" + GOOD.replace("\n", "\r\n")
    posts = import_calendar(desk=cell.desk, author=cell.writer, csv_text=windows)
    assert [p.title for p in posts] == ["Flood relief camps", "Morning message", "Midnight"]
    assert Post.objects.get(pk=posts[0].pk).text_hi == HINDI  # the break inside is "\n"


def test_header_names_any_case_any_order_and_optional_columns_left_out(cell: Cell) -> None:
    csv_text = "Channels,TITLE,Time,date,Text_EN,text_hi\n@vip_bihar,Rally,9:05,2020-10-25,,रैली\n"
    [post] = import_calendar(desk=cell.desk, author=cell.writer, csv_text=csv_text)
    assert post.publish_at == datetime(2020, 10, 25, 3, 35, tzinfo=UTC)
    assert list(post.acs.values_list("number", flat=True)) == [52]  # the desk's area
    assert (post.paid_promotion, post.fast_lane, post.talking_point) == (False, False, None)


BAD = f"""\
{HEADER},acs,paid_promotion,talking_point
2020-10-27,18:30,Good row,राहत शिविर,,@vip_bihar,,,
2020-13-01,18:30,Bad date,राहत शिविर,,@vip_bihar,,,
2020-10-27,25:00,Bad time,राहत शिविर,,@vip_bihar,,,
2020-10-27,19:00,Unknown handle,राहत शिविर,,@nobody,,,
2020-10-27,19:30,Another desk's channel,राहत शिविर,,@thakurganj,,,
2020-10-27,20:00,Outside the area,राहत शिविर,,@vip_bihar,53,,
2020-10-20,11:59,In the past,राहत शिविर,,@vip_bihar,,,
2020-10-27,20:30,Too long for X,{"क" * 290},,@vip_bihar,,,
2020-10-27,18:30,Good row,दोबारा,,@vip_bihar,,,
2020-10-27,21:00,Too many cells,राहत शिविर,,@vip_bihar,,,,extra
2020-10-27,21:30,,,,@vip_bihar,,,
2020-10-27,22:00,Not a boolean,राहत शिविर,,@vip_bihar,,maybe,
2020-10-27,22:30,No such talking point,राहत शिविर,,@vip_bihar,,,Jobs for all
"""


def test_every_bad_row_is_reported_with_its_line_and_column_and_nothing_is_imported(
    cell: Cell,
) -> None:
    channel(cell.election, handle="@thakurganj", desk=desk_at(cell.election, 53))
    error = refused(cell, BAD)
    assert [(p.source, *w) for p, w in zip(error.problems, where(error), strict=True)] == [
        ("calendar.csv", 3, "date"),
        ("calendar.csv", 4, "time"),
        ("calendar.csv", 5, "channels"),
        ("calendar.csv", 6, "channels"),
        ("calendar.csv", 7, "acs"),
        ("calendar.csv", 8, "publish_at"),
        ("calendar.csv", 9, f"variant_{cell.channel.pk}"),
        ("calendar.csv", 10, "title"),
        ("calendar.csv", 11, ""),
        ("calendar.csv", 12, "title"),
        ("calendar.csv", 12, "text_hi"),
        ("calendar.csv", 13, "paid_promotion"),
        ("calendar.csv", 14, "talking_point"),
    ]
    message = str(error)
    for expected in [
        "calendar.csv, row 3, field 'date': “2020-13-01” is not a date: write it as YYYY-MM-DD",
        "row 4, field 'time': “25:00” is not a time: write it as HH:MM on the 24-hour clock",
        "row 5, field 'channels': No channel of this election has the handle “@nobody”",
        "row 6, field 'channels': X @thakurganj belongs to another desk.",
        "row 7, field 'acs': Constituencies 53 are outside this desk's area.",
        "row 8, field 'publish_at': The publishing time has passed: choose a later one.",
        "row 9, field 'variant_",
        "X @vip_bihar: 290 of 280 characters: shorten it by 10.",
        "row 10, field 'title': Row 2 has the same date, time and title: delete one of them.",
        "row 11: This row has 10 cells but the header has 9",
        "row 12, field 'title': Give the post a title",
        "row 13, field 'paid_promotion': “maybe” is not yes or no",
        "row 14, field 'talking_point': No active talking point is titled “Jobs for all”",
    ]:
        assert expected in message


@pytest.mark.parametrize(
    ("row", "field"),
    [
        pytest.param("2020-10-27,19:00,P,राहत,,@nobody", "channels", id="unknown-handle"),
        pytest.param("2020-10-27,19:00,P,राहत,,@VIP_Bihar", "channels", id="handle-wrong-case"),
        pytest.param("2020-10-27,19:00,P,राहत,,", "channels", id="no-channel"),
        pytest.param("2020-10-27,19:00,P,राहत,,@thakurganj", "channels", id="another-desk"),
        pytest.param("2020-10-27,19:00,P,राहत,,@vip_bihar,53", "acs", id="ac-outside-area"),
        pytest.param("2020-10-27,19:00,P,राहत,,@vip_bihar,52;5x", "acs", id="ac-not-number"),
        pytest.param("2020-10-20,12:00,P,राहत,,@vip_bihar", "publish_at", id="now-is-past"),
        pytest.param("2019-10-27,19:00,P,राहत,,@vip_bihar", "publish_at", id="last-year"),
        pytest.param("27-10-2020,19:00,P,राहत,,@vip_bihar", "date", id="day-first-date"),
        pytest.param("2020-02-30,19:00,P,राहत,,@vip_bihar", "date", id="no-such-day"),
        pytest.param(",19:00,P,राहत,,@vip_bihar", "date", id="no-date"),
        pytest.param("2020-10-27,7 pm,P,राहत,,@vip_bihar", "time", id="twelve-hour-time"),
        pytest.param("2020-10-27,19:60,P,राहत,,@vip_bihar", "time", id="minute-60"),
        pytest.param("2020-10-27,,P,राहत,,@vip_bihar", "time", id="no-time"),
        pytest.param("2020-10-27,19:00,,राहत,,@vip_bihar", "title", id="no-title"),
        pytest.param(f"2020-10-27,19:00,{'T' * 201},राहत,,@vip_bihar", "title", id="long-title"),
        pytest.param("2020-10-27,19:00,P,,,@vip_bihar", "text_hi", id="no-text"),
        pytest.param("2020-10-27,19:00,P,राहत,,@vip_bihar,,x", "talking_point", id="no-point"),
        pytest.param("2020-10-27,19:00,P,राहत,,@vip_bihar,,,sure", "paid_promotion", id="bool"),
        pytest.param("2020-10-27,19:00,P,राहत,,@vip_bihar,,,,,ja", "fast_lane", id="fast-lane"),
        pytest.param("2020-10-27,19:00,P,राहत,,@vip_bihar,,,,,,x", "", id="too-many-cells"),
        pytest.param("2020-10-27,19:00,P,राहत,,@vip_bihar,,", "", id="too-few-cells"),
    ],
)
def test_one_bad_row_among_good_ones_stops_the_import(cell: Cell, row: str, field: str) -> None:
    channel(cell.election, handle="@thakurganj", desk=desk_at(cell.election, 53))
    header = f"{HEADER},acs,talking_point,paid_promotion,mcmc_certificate,fast_lane"
    good = "2020-10-27,{},Post {},राहत शिविर,,@vip_bihar,,,,,"
    padded = row + "," * (10 - row.count(",")) if field else row  # the rest left empty
    csv_text = "\n".join([header, good.format("18:00", 1), padded, good.format("18:30", 2)])
    assert where(refused(cell, csv_text)) == [(3, field)]


def test_a_variant_too_long_for_x_names_the_channel_and_the_row(cell: Cell) -> None:
    csv_text = f"{HEADER}\n2020-10-27,19:00,Long,{'क' * 290},Short enough,@vip_bihar\n"
    [problem] = refused(cell, csv_text).problems
    assert (problem.row, problem.field) == (2, f"variant_{cell.channel.pk}")
    assert problem.message == "X @vip_bihar: 290 of 280 characters: shorten it by 10."


def test_duplicate_rows_are_reported_on_the_later_row(cell: Cell) -> None:
    row = "2020-10-27,19:00,Rally,रैली,,@vip_bihar"
    other_time = "2020-10-27,19:05,Rally,रैली,,@vip_bihar"
    error = refused(cell, "\n".join([HEADER, row, other_time, row, row.replace("Rally", "RALLY")]))
    assert where(error) == [(4, "title"), (5, "title")]
    assert all("Row 2 has the same date, time and title" in p.message for p in error.problems)


def test_importing_the_same_file_twice_is_refused_the_second_time(
    cell: Cell, telegram: Channel, flood_relief: TalkingPoint
) -> None:
    import_calendar(desk=cell.desk, author=cell.writer, csv_text=GOOD)
    error = refused(cell, GOOD)
    assert where(error) == [(2, "title"), (4, "title"), (5, "title")]
    assert "already has a post with this title at this time" in error.problems[0].message


@pytest.mark.parametrize(
    "csv_text",
    [
        pytest.param("", id="nothing"),
        pytest.param("\ufeff", id="only-a-byte-order-mark"),
        pytest.param("\r\n\n  \n", id="blank-lines"),
    ],
)
def test_an_empty_file_is_refused(cell: Cell, csv_text: str) -> None:
    [problem] = refused(cell, csv_text).problems
    assert (problem.source, problem.row) == ("calendar.csv", None)
    assert problem.message.startswith("The file is empty: put the header (date, time, title,")


def test_a_header_without_rows_is_refused(cell: Cell) -> None:
    [problem] = refused(cell, HEADER + "\n\n").problems
    assert "no posts" in problem.message


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param(
            "date,time,title,text_hi,text_en",
            "Columns missing: channels. Add them to the header",
            id="no-channels",
        ),
        pytest.param(
            "date,time,title,text,channels",
            "Columns missing: text_hi, text_en.",
            id="text-misnamed",
        ),
        pytest.param(
            f"{HEADER},notes",
            "“notes” is not a column of a calendar: rename or delete it.",
            id="unknown-column",
        ),
        pytest.param(f"{HEADER},Title", "The column “title” appears twice", id="twice"),
        pytest.param(
            "2020-10-27,18:00,Rally,रैली,,@vip_bihar",
            "The first line must be the header, naming the columns: date, time,",
            id="no-header",
        ),
    ],
)
def test_header_problems_are_reported_on_line_1(cell: Cell, header: str, message: str) -> None:
    error = refused(cell, f"{header}\n2020-10-27,19:00,Rally,रैली,,@vip_bihar\n")
    assert {p.row for p in error.problems} == {1}
    assert any(message in p.message for p in error.problems)


def test_more_rows_than_the_limit_are_refused_before_checking_them(cell: Cell) -> None:
    row = "2020-10-27,19:00,Rally,रैली,,@vip_bihar"
    [problem] = refused(cell, "\n".join([HEADER] + [row] * (MAX_ROWS + 1))).problems
    assert problem.row == MAX_ROWS + 2  # the first line past the limit
    assert problem.message.startswith("The file has 1001 posts; import at most 1000 at a time")


def test_line_numbers_count_blank_lines_and_texts_over_several_lines(cell: Cell) -> None:
    csv_text = "\n".join(
        [
            HEADER,
            '2020-10-27,18:00,Two lines,"पहली पंक्ति\nदूसरी पंक्ति",,@vip_bihar',
            "",
            ",,,,,",  # a spreadsheet's empty row
            "2020-10-27,19:00,Bad,रैली,,@nobody",
        ]
    )
    assert where(refused(cell, csv_text)) == [(6, "channels")]


def test_an_unclosed_quote_is_reported_where_its_row_starts(cell: Cell) -> None:
    csv_text = "\n".join(
        [
            HEADER,
            "2020-10-27,18:00,Fine,रैली,,@vip_bihar",
            '2020-10-27,19:00,Broken,"रैली,,@vip_bihar',
            "2020-10-27,20:00,Swallowed,रैली,,@vip_bihar",
        ]
    )
    [problem] = refused(cell, csv_text).problems
    assert problem.row == 3
    assert "a double quote is missing or misplaced" in problem.message


def test_columns_without_a_name_are_ignored_while_they_are_empty(cell: Cell) -> None:
    row = "2020-10-27,19:00,Rally,रैली,,@vip_bihar"
    [post] = import_calendar(desk=cell.desk, author=cell.writer, csv_text=f"{HEADER},,\n{row},,\n")
    assert post.title == "Rally"
    assert where(refused(cell, f"{HEADER},,\n{row},,note\n")) == [(2, "")]


def test_a_handle_on_two_platforms_needs_its_platform(cell: Cell) -> None:
    telegram = channel(cell.election, handle="@vip_bihar", platform="telegram")
    row = "2020-10-27,19:00,Rally,रैली,,{}"
    error = refused(cell, f"{HEADER}\n{row.format('@vip_bihar')}\n")
    assert where(error) == [(2, "channels")]
    assert "write the platform before it, as one of telegram:@vip_bihar, x:@vip_bihar." in (
        error.problems[0].message
    )

    [post] = import_calendar(
        desk=cell.desk,
        author=cell.writer,
        csv_text=f"{HEADER}\n{row.format('telegram:@vip_bihar')}\n",
    )
    assert list(post.channels.all()) == [telegram]


def test_a_row_blocked_at_submission_is_reported_and_nothing_is_imported(cell: Cell) -> None:
    def silence(*, post: Post, **kwargs: object) -> list[Finding]:
        if post.title != "Midnight":
            return []
        return [Finding("R-SIL-2", "Campaign silence in AC 52 until 18:00 IST.")]

    csv_text = "\n".join(
        [
            HEADER,
            "2020-10-27,18:00,Evening,रैली,,@vip_bihar",
            "2020-10-28,00:00,Midnight,रैली,,@vip_bihar",
        ]
    )
    screeners.register("test-calendar-silence")(silence)
    try:
        error = refused(cell, csv_text, submit=True)
    finally:
        screeners._items.pop("test-calendar-silence")
    assert where(error) == [(3, "")]
    assert "R-SIL-2: Campaign silence in AC 52" in error.problems[0].message
