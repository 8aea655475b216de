"""The issue's "done when" for the war room, in headless Chromium against a live server: the
map coloured by every measure its select offers, an AC's panel, the seats table sorted, the
language switched and the daily report downloaded, with a screenshot of each step.

The demo's cell on Bihar 2020 with our party set and the clock on 27 October 2020 at 10:00 IST,
plus alerts and mentions so that Bahadurganj (AC 52) stands apart in every measure: it has the
most of each count and a stance mostly for, Kahalgaon (AC 155, silent in phase 1) has fewer and
mostly against, Valmiki Nagar (AC 1) none."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import translation
from playwright.sync_api import expect

from itcell.core import clock
from itcell.elections.models import Election, Party
from itcell.elections.services import set_own_party
from itcell.monitoring.models import Alert, HourlyCount, Source, hour_of
from itcell.organisation.tests.factories import desk
from itcell.organisation.tests.test_screens_browser import hindi, sign_in, snap
from itcell.publishing.tests.test_screens_browser import SLUG
from itcell.publishing.tests.test_screens_browser import demo as publishing_cell  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The map's count scale (warroom.js): none, then four steps up to the largest value.
NONE, STEP1, STEP4 = "#f4f6f9", "#c6dbef", "#08306b"


@dataclass(frozen=True)
class Colouring:
    """What the map shows for one measure: fills by constituency, and legend entries (in
    English; Hindi is checked by the catalogue's translation) with the one AC 52 falls in."""

    fills: dict[int, str]
    legend: tuple[str, ...]
    legend_of_52: str


# Every measure the select offers; a measure added to the map fails the test until it is here.
COLOURINGS = {
    "staffing": Colouring(
        {52: "#1e6b34", 53: "#8fc26a", 1: "#f0b400"},
        ("own desk on duty", "district desk answers", "only HQ answers", "nobody on duty"),
        "own desk on duty",
    ),
    # The demo publishes one post for Bahadurganj today and leaves one in review.
    "posts_today": Colouring({52: STEP1, 1: NONE}, ("none", "1"), "1"),
    "posts_waiting": Colouring({52: STEP1, 1: NONE}, ("none", "1"), "1"),
    "alerts_open": Colouring({52: STEP4, 155: STEP1, 1: NONE}, ("none", "1", "2", "3", "4"), "4"),
    "mentions": Colouring(
        {52: STEP4, 155: STEP1, 1: NONE}, ("none", "1–3", "4–6", "7–9", "10"), "10"
    ),
    "stance": Colouring(
        {52: "#1a9850", 155: "#b2182b", 1: "#efe7d6"},
        ("mostly against", "mixed", "mostly for", "no stance yet"),
        "mostly for",
    ),
    "status": Colouring(
        {52: "#1e6b34", 155: "#9a2c00"}, ("campaigning", "silent", "polled"), "campaigning"
    ),
    "phase": Colouring(
        {52: "#b4a7d6", 155: "#0b5394"}, ("Phase 1", "Phase 2", "Phase 3"), "Phase 3"
    ),
    "own": Colouring(
        {52: "#0b5394", 1: "#cfd8e3"}, ("our party's seat", "an ally's seat"), "our party's seat"
    ),
}


@pytest.fixture
def war_room(publishing_cell: Election) -> Election:  # noqa: F811
    set_own_party(election=publishing_cell, party=Party.objects.get(short_name="VIP"))
    now = clock.now()
    for ac, hours in ((52, (0, 1, 2, 3)), (155, (0,))):
        for ago in hours:
            Alert.objects.create(
                election=publishing_cell,
                kind=Alert.Kind.SPIKE,
                key=f"ac:{ac}",
                hour=hour_of(now - timedelta(hours=ago)),
                ac_number=ac,
                desk=desk(publishing_cell, ac),
                figures={"current": 9, "baseline": 1.0},
            )
    source = Source.objects.create(election=publishing_cell, name="News", backend="locmem")
    # Bahadurganj: 10 mentions, 8 for and 2 against (stance 0.6); Kahalgaon: 3 against (−1).
    for ac, stance, count in ((52, "for", 8), (52, "against", 2), (155, "against", 3)):
        HourlyCount.objects.create(
            election=publishing_cell,
            hour=hour_of(now),
            ac_number=ac,
            party="",
            stance=stance,
            source=source,
            count=count,
        )
    return publishing_cell


def fill(page, number: int) -> str:  # type: ignore[no-untyped-def]
    return page.locator(f'#map path[data-ac="{number}"]').get_attribute("fill") or ""


def rgb(colour: str) -> str:
    """A #rrggbb colour as the browser reads back an inline style."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def in_language(language: str, message: str) -> str:
    if language == "en":
        return message
    if message.startswith("Phase "):
        with translation.override("hi"):
            return translation.gettext("Phase {n}").format(n=message.removeprefix("Phase "))
    if message[0].isdigit():
        return message
    return hindi(message)


def colour_by_every_measure(page, language: str) -> None:  # type: ignore[no-untyped-def]
    """Choose each measure in turn (no reload) and check AC 52's fill and the legend."""
    select = page.locator("#measure")
    offered = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert set(offered) == set(COLOURINGS), "a measure of the map has no check here"
    page.evaluate("window.warSamePage = true")
    for key in offered:
        expected = COLOURINGS[key]
        select.select_option(key)
        expect(page.locator("#map")).to_have_attribute("data-measure", key)
        assert {n: fill(page, n) for n in expected.fills} == expected.fills, key
        entries = page.locator("#legend li")
        expect(entries).to_have_text(
            [in_language(language, e) for e in expected.legend], use_inner_text=True
        )
        # AC 52's colour is the swatch of the legend entry its value falls in.
        swatch = entries.filter(has_text=in_language(language, expected.legend_of_52))
        expect(swatch.locator(".swatch")).to_have_css("background-color", rgb(expected.fills[52]))
        snap(page, f"warroom_map_{key}_{language}")
    assert page.evaluate("window.warSamePage") is True
    assert f"measure={offered[-1]}" in page.url


def test_every_measure_colours_the_map_then_panel_seats_hindi_and_report(page, war_room):  # type: ignore[no-untyped-def]
    sign_in(page, "head")
    page.goto(f"/war/{SLUG}/")
    expect(page.locator("#map[data-ready=true]")).to_be_attached()
    expect(page.locator("#map path[data-ac]")).to_have_count(243)
    colour_by_every_measure(page, "en")

    # A click on Bahadurganj opens its panel, with the figures the map was coloured by.
    page.locator('#map path[data-ac="52"]').dispatch_event("click")
    panel = page.locator("#panel")
    expect(panel).to_contain_text("52 Bahadurganj")
    expect(panel).to_contain_text("Lakhan Lal Pandit (VIP)")
    expect(panel.locator(".war-numbers")).to_contain_text("4 open alerts")
    expect(panel.locator(".war-numbers")).to_contain_text("10 mentions in 24 h (8 for, 2 against)")
    expect(page.locator("#panel-title")).to_be_focused()
    snap(page, "warroom_map_panel_en")

    # By keyboard: each shape is a button named with its value; Tab moves between them and
    # Enter opens the panel.
    page.get_by_label("Colour the map by").select_option("alerts_open")
    shape = page.get_by_role("button", name=re.compile(r"^155 .* — Open alerts: \d+$"))
    shape.focus()
    expect(shape).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.ac") not in (None, "155")
    page.keyboard.press("Shift+Tab")
    expect(shape).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#panel-title")).to_contain_text("155 ")
    expect(page.locator("#panel-title")).to_be_focused()

    # The seats table, sorted by mentions (largest first), then the other way round.
    page.get_by_role("link", name="Seats table").click()
    rows = page.locator("#rows tr")
    expect(rows).to_have_count(243)
    mentions = page.get_by_role("columnheader", name="Mentions (24 h)")
    mentions.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"sort=-mentions$"))
    expect(mentions).to_have_attribute("aria-sort", "descending")
    expect(rows.nth(0)).to_have_attribute("data-ac", "52")
    expect(rows.nth(1)).to_have_attribute("data-ac", "155")
    snap(page, "warroom_seats_by_mentions_en")
    mentions.get_by_role("link").click()
    expect(mentions).to_have_attribute("aria-sort", "ascending")
    expect(rows.last).to_have_attribute("data-ac", "52")

    # In Hindi: the sorted table keeps its order, then the map with every measure again.
    page.get_by_role("button", name="हिन्दी").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.get_by_role("columnheader", name=hindi("Mentions (24 h)"))).to_have_attribute(
        "aria-sort", "ascending"
    )
    expect(rows.last).to_contain_text("बहादुरगंज")
    snap(page, "warroom_seats_by_mentions_hi")
    page.get_by_role("link", name=hindi("Map"), exact=True).click()
    expect(page.locator("#map[data-ready=true]")).to_be_attached()
    expect(page.get_by_label(hindi("Colour the map by"))).to_be_visible()
    colour_by_every_measure(page, "hi")
    page.get_by_label(hindi("Open a constituency")).select_option("52")
    expect(page.locator("#panel-title")).to_contain_text("52 बहादुरगंज")
    expect(page.locator("#panel")).to_contain_text(hindi("Alliance candidate"))
    snap(page, "warroom_map_panel_hi")

    # The daily report, in Hindi, downloads as a PDF and as CSV.
    page.get_by_role("link", name=hindi("Daily report")).click()
    expect(page.locator("h1")).to_be_visible()
    snap(page, "warroom_report_hi")
    for label, suffix in (("Download PDF", ".pdf"), ("Download CSV", ".csv")):
        with page.expect_download() as info:
            page.get_by_role("link", name=hindi(label)).click()
        download = info.value
        assert download.suggested_filename.startswith(f"report-{SLUG}-2020-10-26")
        assert download.suggested_filename.endswith(suffix)
        assert download.failure() is None
