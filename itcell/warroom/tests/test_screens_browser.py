"""The war room as the head sees it, in headless Chromium against a live server: the demo's
cell and channels on Bihar 2020 with our party set, the clock on Tuesday 27 October 2020 at
10:00 IST (phase 1 silent; Bahadurganj's desk lead on duty)."""

import re

import pytest
from playwright.sync_api import expect

from itcell.elections.models import Party
from itcell.elections.services import set_own_party
from itcell.organisation.tests.test_screens_browser import hindi, sign_in, snap
from itcell.publishing.tests.test_screens_browser import SLUG
from itcell.publishing.tests.test_screens_browser import demo as publishing_cell  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def war_room(publishing_cell):  # type: ignore[no-untyped-def]  # noqa: F811
    set_own_party(election=publishing_cell, party=Party.objects.get(short_name="VIP"))
    return publishing_cell


def fill(page, number: int) -> str:  # type: ignore[no-untyped-def]
    return page.locator(f'#map path[data-ac="{number}"]').get_attribute("fill") or ""


def test_the_map_colours_by_measure_opens_a_panel_and_the_seats_table_sorts_in_hindi(
    page, war_room
):  # type: ignore[no-untyped-def]
    sign_in(page, "head")
    page.goto(f"/war/{SLUG}/")
    expect(page.locator("#map[data-ready=true]")).to_be_attached()
    expect(page.locator("#map path[data-ac]")).to_have_count(243)
    # Desk on duty now: Bahadurganj's own desk (green); Valmiki Nagar falls back to HQ.
    assert fill(page, 52) == "#1e6b34"
    assert fill(page, 1) == "#f0b400"
    expect(page.locator("#legend")).to_contain_text("own desk on duty")
    expect(page.locator("#summary")).to_contain_text("Desks staffed now")

    # Silence window: phase 1 (Kahalgaon, AC 155) is silent, Bahadurganj still campaigning.
    page.get_by_label("Colour the map by").select_option("status")
    expect(page.locator("#map")).to_have_attribute("data-measure", "status")
    assert fill(page, 155) == "#9a2c00"
    assert fill(page, 52) == "#1e6b34"
    page.get_by_label("Colour the map by").select_option("own")
    assert fill(page, 52) == "#0b5394"

    # A click on Bahadurganj opens its panel.
    page.locator('#map path[data-ac="52"]').dispatch_event("click")
    panel = page.locator("#panel")
    expect(panel).to_contain_text("52 Bahadurganj")
    expect(panel).to_contain_text("Lakhan Lal Pandit (VIP)")
    expect(panel).to_contain_text("Sanjay Paswan")
    expect(page.locator("#panel-title")).to_be_focused()
    snap(page, "warroom_map")

    # The seats table: our seats first; sorted by number, twice for descending.
    page.get_by_role("link", name="Seats table").click()
    rows = page.locator("#rows tr")
    expect(rows).to_have_count(243)
    expect(rows.first.locator(".tag")).to_contain_text("our seat")
    page.locator("thead th").first.get_by_role("link").click()
    expect(rows.first).to_have_attribute("data-ac", "1")
    page.locator("thead th").first.get_by_role("link").click()
    expect(rows.first).to_have_attribute("data-ac", "243")
    expect(page).to_have_url(re.compile(r"sort=-number"))
    # The panel is reachable from the keyboard too.
    page.get_by_label("Search").fill("बहादुरगंज")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link", name="Bahadurganj").focus()
    page.keyboard.press("Enter")
    expect(panel).to_contain_text("Lakhan Lal Pandit")

    # In Hindi: names from the reference data, headings from the catalogue.
    page.get_by_role("button", name="हिन्दी").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator("#rows")).to_contain_text("बहादुरगंज")
    expect(page.locator("thead")).to_contain_text(hindi("District"))
    expect(rows.first).to_have_attribute("data-ac", "52")
    snap(page, "warroom_seats_hi")
