"""The audit trail's viewer as a screen reader, a keyboard and a phone need it, in English and
Hindi, at a desktop's width and a phone's (375 px): every control named, one h1, no heading
skipped, no sideways scrolling, legible text, every control reached by Tab with its focus
shown, and no English left that the catalogue translates. The demo's cell on Bihar 2020 (its
building recorded a long trail: desks, people, posts, compliance), seen on Tuesday 27 October
2020 at 10:00 IST by the head, by the head with the trail filtered (so the filter's Clear
link shows), and by the legal observer. One live server for the module."""

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from itcell.core.clock import IST
from itcell.core.tests.live import WIDTHS, Site, build_demo, shared_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SLUG = "bihar-2020"
NOW = datetime(2020, 10, 27, 10, 0, tzinfo=IST)

# screen: (who looks, the address)
SCREENS: dict[str, tuple[str, str]] = {
    "events": ("head", f"/audit/{SLUG}/"),
    "events_filtered": ("head", f"/audit/{SLUG}/?action=membership."),
    "events_observer": ("legal", f"/audit/{SLUG}/"),
}


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    with shared_site(browser, django_db_blocker, name="a11y_audit", now=NOW) as site:
        build_demo(first_day=date(2020, 10, 26))
        yield site


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_is_named_legible_reachable_by_keyboard_and_fits(  # type: ignore[no-untyped-def]
    site, screen, language, width
):
    user, url = SCREENS[screen]
    problems = site.look(
        f"a11y_audit_{screen}_{language}_{width}", url, user=user, language=language, width=width
    )
    assert not problems, f"{screen} ({language}, {width}):\n" + "\n".join(problems)
