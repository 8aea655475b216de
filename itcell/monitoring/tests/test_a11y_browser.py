"""Monitoring's screens on a phone (375 px wide), in English and Hindi, as a screen reader
and a keyboard need them: the feed, the alerts inbox, the stance queue, the tip form and an
item's page (the demo's cell and monitoring on Bihar 2020, 27 October 2020 at 10:00 IST)."""

import pytest
from playwright.sync_api import expect

from itcell.core.tests.a11y import audit, tab_to
from itcell.monitoring.models import Item
from itcell.monitoring.tests.test_screens_browser import listening  # noqa: F401
from itcell.organisation.tests.test_screens_browser import sign_in, snap
from itcell.publishing.tests.test_screens_browser import SLUG
from itcell.publishing.tests.test_screens_browser import demo as publishing_cell  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}


@pytest.mark.parametrize("language", ["en", "hi"])
def test_monitoring_fits_a_phone_named_legible_by_keyboard(page, listening, language):  # type: ignore[no-untyped-def]  # noqa: F811
    item = Item.objects.filter(election=listening).latest("pk")
    screens = {
        "feed": f"/listen/{SLUG}/",
        "alerts": f"/listen/{SLUG}/alerts/",
        "stance": f"/listen/{SLUG}/stance/",
        "tips": f"/listen/{SLUG}/tips/new/",
        "item": f"/listen/{SLUG}/items/{item.pk}/",
    }
    page.set_viewport_size(PHONE)
    sign_in(page, "head")
    if language == "hi":
        page.get_by_role("button", name="हिन्दी").click()
    for screen, url in screens.items():
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        problems = audit(page)
        assert not problems, f"{screen}:\n" + "\n".join(problems)
        snap(page, f"monitoring_phone_{screen}_{language}")
    # The feed's filters are reached and shown by keyboard.
    page.goto(screens["feed"])
    tab_to(page, "form select, form input:not([type=hidden])")
