"""The map's chart and live ticker as the head sees them, in headless Chromium against a live
server (the demo's cell on Bihar 2020, the clock on 27 October 2020 at 10:00 IST), on a
desktop and on a phone's width."""

import pytest
from playwright.sync_api import expect

from itcell.elections.models import Party
from itcell.elections.services import set_own_party
from itcell.monitoring.models import Alert, hour_of
from itcell.organisation.tests.factories import desk
from itcell.organisation.tests.test_screens_browser import sign_in, snap
from itcell.publishing.tests.test_screens_browser import SLUG, T0
from itcell.publishing.tests.test_screens_browser import demo as publishing_cell  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_shows_the_state_chart_and_a_ticker_that_brings_new_alerts(
    page,
    publishing_cell,  # noqa: F811
):  # type: ignore[no-untyped-def]
    set_own_party(election=publishing_cell, party=Party.objects.get(short_name="VIP"))
    sign_in(page, "head")
    page.goto(f"/war/{SLUG}/")
    chart = page.locator("#chart-state")
    expect(chart.locator("svg")).to_have_count(2)
    expect(chart.locator('svg[data-series="mentions"] rect.bar')).to_have_count(24)
    expect(chart.locator("figcaption")).to_contain_text("Last 24 hours, the whole state")
    expect(chart.locator("text.hour").first).to_have_text("10:30")  # 23 hours back, in IST
    ticker = page.locator("#ticker-list")
    expect(ticker).to_have_attribute("aria-live", "polite")

    # An alert raised now reaches the ticker by itself, within a poll or two.
    Alert.objects.create(
        election=publishing_cell,
        kind=Alert.Kind.SPIKE,
        key="ac:52",
        hour=hour_of(T0),
        ac_number=52,
        desk=desk(publishing_cell, 52),
        figures={"current": 9, "baseline": 1.0},
    )
    expect(ticker.locator('li[data-kind="alert"]').first).to_contain_text(
        "Spike in AC 52", timeout=15_000
    )
    expect(ticker.locator("time").first).to_contain_text("IST")
    snap(page, "warroom_chart_ticker")

    # On a phone's width the chart fits the screen.
    page.set_viewport_size({"width": 375, "height": 800})
    box = chart.locator("svg").first.bounding_box()
    assert box is not None
    assert box["width"] <= 375
    snap(page, "warroom_chart_phone")
