"""The war room on a phone (375 px wide), in English and Hindi, as a screen reader and a
keyboard need it: the map, the seats table, a constituency's page and the daily report
(the demo's cell on Bihar 2020, the clock on 27 October 2020 at 10:00 IST)."""

import re

import pytest
from playwright.sync_api import expect

from itcell.core.tests.a11y import audit, tab_to
from itcell.elections.models import Election, Party
from itcell.elections.services import set_own_party
from itcell.organisation.tests.test_screens_browser import sign_in, snap
from itcell.publishing.tests.test_screens_browser import SLUG
from itcell.publishing.tests.test_screens_browser import demo as publishing_cell  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}
SCREENS = {
    "map": f"/war/{SLUG}/",
    "seats": f"/war/{SLUG}/seats/",
    "panel": f"/war/{SLUG}/ac/52/",
    "report": f"/war/{SLUG}/report/2020-10-26/",
}


@pytest.fixture
def war_room(publishing_cell: Election) -> Election:  # noqa: F811
    set_own_party(election=publishing_cell, party=Party.objects.get(short_name="VIP"))
    return publishing_cell


@pytest.mark.parametrize("language", ["en", "hi"])
def test_war_room_fits_a_phone_named_legible_by_keyboard(page, war_room, language):  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    sign_in(page, "head")
    if language == "hi":
        page.get_by_role("button", name="हिन्दी").click()
    for screen, url in SCREENS.items():
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        if screen == "map":
            expect(page.locator("#map[data-ready=true]")).to_be_attached()
        problems = audit(page)
        assert not problems, f"{screen}:\n" + "\n".join(problems)
        snap(page, f"warroom_phone_{screen}_{language}")

    # The map's measure, by keyboard: Tab to the select, an arrow key recolours the map.
    page.goto(SCREENS["map"])
    expect(page.locator("#map[data-ready=true]")).to_be_attached()
    # Leaflet's zoom buttons are named in the page's language, not Leaflet's English.
    zoom_in = page.locator("#map").get_attribute("data-zoom-in") or ""
    expect(page.get_by_role("button", name=zoom_in, exact=True)).to_be_visible()
    tab_to(page, "#measure")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#map")).to_have_attribute("data-measure", "posts_today")
    # ...and a constituency by typing its number: its panel opens and takes the focus.
    tab_to(page, "#ac-pick")
    page.keyboard.type("52")
    expect(page.locator("#panel-title")).to_be_focused()
    expect(page.locator("#panel-title")).to_contain_text("52")
    assert audit(page) == [], "map with a panel"

    # The seats table sorts from the keyboard: Tab to a heading's link, Enter.
    page.goto(SCREENS["seats"])
    tab_to(page, "thead th:nth-child(2) a")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=-?name"))
    expect(page.locator("thead th").nth(1)).to_have_attribute("aria-sort", "ascending")
    tab_to(page, "thead th:nth-child(2) a")
    page.keyboard.press("Enter")
    expect(page.locator("thead th").nth(1)).to_have_attribute("aria-sort", "descending")
