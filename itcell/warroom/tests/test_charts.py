"""Charts: the pure SVG drawing (no database), and the chart screens over HTTP with their
queries pinned."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from conftest import PASSWORD
from itcell.elections.models import AssemblyConstituency
from itcell.monitoring.models import TopicCount, hour_of
from itcell.warroom import charts
from itcell.warroom.selectors import Hourly, get_hourly
from itcell.warroom.tests.conftest import SLUG, T0, mentions, published

# 04:00 UTC is 09:30 IST: the rollups' hours start at half past in IST.
HOURS = tuple(datetime(2020, 10, 27, 4, tzinfo=UTC) + timedelta(hours=k) for k in range(4))


def series(*values: int, key: str = "posts") -> charts.Series:
    return charts.Series(key, "Posts", tuple(values), charts.POSTS_COLOUR)


def bars(svg: str) -> list[tuple[str, int, float]]:
    """(IST hour, value, drawn height) of each bar."""
    return [
        (hour, int(value), float(height))
        for height, hour, value in re.findall(
            r'<rect class="bar"[^>]*height="([\d.]+)"[^>]*data-hour="([^"]+)" data-value="(\d+)"',
            svg,
        )
    ]


def test_a_bar_per_hour_as_high_as_its_value_with_ist_labels() -> None:
    svg = charts.bar_chart(title="Posts", hours=HOURS, series=series(0, 5, 10, 2), ident="t")
    drawn = bars(svg)
    assert [(hour, value) for hour, value, _h in drawn] == [
        ("09:30", 0),
        ("10:30", 5),
        ("11:30", 10),
        ("12:30", 2),
    ]
    heights = {value: height for _hour, value, height in drawn}
    assert heights[0] == 0
    assert heights[10] == pytest.approx(2 * heights[5])  # top of the axis is 10
    assert heights[10] == pytest.approx(charts.HEIGHT - charts.TOP - charts.BOTTOM)
    # A label under every third hour, in IST.
    assert re.findall(r'<text class="hour"[^>]*>([^<]+)<', svg) == ["09:30", "12:30"]
    assert "<title>10:30 IST: 5</title>" in svg


def test_the_svg_names_itself_and_says_its_figures_in_words() -> None:
    svg = charts.bar_chart(title="Posts, today", hours=HOURS, series=series(1, 3, 0, 0), ident="t")
    assert 'role="img"' in svg
    assert 'aria-labelledby="t-posts-title t-posts-desc"' in svg
    assert '<title id="t-posts-title">Posts, today</title>' in svg
    assert "4 in all; the most, 3, in the hour from 10:30 IST." in svg
    assert 'viewBox="0 0 480 150"' in svg
    assert "width=" not in svg.split(">", 1)[0]  # no fixed size: the container decides


def test_the_y_axis_tops_at_a_round_number() -> None:
    assert [charts.nice_top(n) for n in (0, 1, 3, 7, 10, 11, 180, 4200)] == [
        1,
        1,
        5,
        10,
        10,
        20,
        200,
        5000,
    ]


def test_an_empty_period_draws_no_bars_and_says_so() -> None:
    svg = charts.bar_chart(title="Posts", hours=(), series=series(), ident="t")
    assert bars(svg) == []
    assert "No figures for this period." in svg
    quiet = charts.bar_chart(title="Posts", hours=HOURS, series=series(0, 0, 0, 0), ident="t")
    assert [value for _hour, value, _h in bars(quiet)] == [0, 0, 0, 0]
    assert "None in this period." in quiet


def test_the_figure_has_a_chart_per_series_and_a_table_for_screen_readers() -> None:
    hourly = Hourly(hours=HOURS[:2], posts=(1, 2), mentions=(30, 40))
    html = charts.activity(hourly, caption="last 24 hours, the whole state", ident="chart-x")
    assert html.count("<svg") == 2
    assert 'data-series="posts"' in html
    assert 'data-series="mentions"' in html
    assert "<figcaption>Last 24 hours, the whole state</figcaption>" in html
    table = html[html.index('<table class="war-sr-only">') :]
    assert '<th scope="row">09:30 IST</th><td>1</td><td>30</td>' in table
    assert '<th scope="row">10:30 IST</th><td>2</td><td>40</td>' in table


def test_the_colours_read_on_white() -> None:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in (charts.POSTS_COLOUR, charts.MENTIONS_COLOUR, charts.INK):
        assert 1.05 / (luminance(colour) + 0.05) >= 4.5, colour


# From the rollups, over HTTP ------------------------------------------------------------------


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_hourly_figures_come_from_the_rollups_and_published_deliveries(scenario):  # type: ignore[no-untyped-def]
    election = scenario.cell.election
    now = hour_of(T0)
    state = get_hourly(election=election, at=T0)
    assert len(state.hours) == 24
    assert state.hours[-1] == now
    assert state.mentions[-1] == 70  # the election's total row (ac 0)
    assert sum(state.posts) == 1  # yesterday's is out of the period
    assert state.posts[-2] == 1  # published at 09:00 IST, in the hour from 08:30 IST
    ac = get_hourly(election=election, at=T0, ac=52)
    assert ac.mentions[-1] == 5  # party rows are not counted twice
    assert ac.mentions[-4] == 2
    assert ac.mentions[0] == 4  # 23 hours ago; 24 hours ago is out
    assert sum(ac.mentions) == 11
    assert sum(get_hourly(election=election, at=T0, ac=53).posts) == 0


@pytest.mark.django_db
def test_the_map_shows_the_state_chart_and_the_panel_the_constituencys(scenario):  # type: ignore[no-untyped-def]
    head = client_for(scenario.cell.head)
    html = head.get(f"/war/{SLUG}/").content.decode()
    assert 'id="chart-state"' in html
    assert 'data-series="mentions"' in html
    panel = head.get(f"/war/{SLUG}/ac/52/", headers={"HX-Request": "true"}).content.decode()
    assert 'id="chart-ac-52"' in panel
    assert "<td>5</td>" in panel  # this hour's mentions of Bahadurganj
    district = AssemblyConstituency.objects.get(number=52).district
    assert f"/war/{SLUG}/district/{district.pk}/" in panel


@pytest.mark.django_db
def test_a_district_chart_reads_the_district_topic_counts(scenario):  # type: ignore[no-untyped-def]
    district = AssemblyConstituency.objects.get(number=52).district
    TopicCount.objects.create(
        election=scenario.cell.election,
        hour=hour_of(T0),
        kind="district",
        key=district.name_en,
        count=17,
    )
    mentions(scenario.source, 0, "against", 1000)  # the state's, not the district's
    url = f"/war/{SLUG}/district/{district.pk}/"
    html = client_for(scenario.cell.head).get(url).content.decode()
    assert f'id="chart-district-{district.pk}"' in html
    assert f"{district.name_en} district" in html
    # This hour (from 09:30 IST): the district's mentions; the hour before: AC 52's delivery.
    assert '<th scope="row">09:30 IST</th><td>0</td><td>17</td>' in html
    assert '<th scope="row">08:30 IST</th><td>1</td><td>0</td>' in html
    assert client_for(scenario.cell.head).get(f"/war/{SLUG}/district/99999/").status_code == 404


@pytest.mark.django_db
def test_a_desk_lead_sees_no_state_or_whole_district_chart(scenario):  # type: ignore[no-untyped-def]
    lead = client_for(scenario.cell.lead)  # Bahadurganj's desk: one constituency of Kishanganj
    district = AssemblyConstituency.objects.get(number=52).district
    assert 'id="chart-state"' not in lead.get(f"/war/{SLUG}/").content.decode()
    assert lead.get(f"/war/{SLUG}/chart/").status_code == 404
    assert lead.get(f"/war/{SLUG}/district/{district.pk}/").status_code == 404
    panel = lead.get(f"/war/{SLUG}/ac/52/", headers={"HX-Request": "true"}).content.decode()
    assert 'id="chart-ac-52"' in panel
    assert f"/district/{district.pk}/" not in panel


@pytest.mark.django_db
def test_the_state_chart_poll_is_a_304_until_a_figure_changes(scenario):  # type: ignore[no-untyped-def]
    head = client_for(scenario.cell.head)
    url = f"/war/{SLUG}/chart/"
    first = head.get(url)
    assert first.status_code == 200
    assert head.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    published(scenario.cell, at=T0, title="Just out")
    assert head.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 200


@pytest.mark.django_db
def test_chart_query_counts_are_pinned(scenario, django_assert_num_queries):  # type: ignore[no-untyped-def]
    head = client_for(scenario.cell.head)
    district = AssemblyConstituency.objects.get(number=52).district
    # Session and user (2), the election and grants (3), then each screen's own.
    with django_assert_num_queries(9):  # + the state check (2), mentions and posts (2)
        head.get(f"/war/{SLUG}/chart/")
    with django_assert_num_queries(9):  # + the district (1), mentions and posts (2), the bell
        head.get(f"/war/{SLUG}/district/{district.pk}/")
