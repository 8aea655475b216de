"""The election-rules screens as a screen reader, a keyboard and a phone need them, in English and
Hindi, at a desktop's width and a phone's (375 px): every control named, images with alt, one
h1, no sideways scrolling, legible text, every control reached by Tab with its focus shown, and
no English left that the catalogue translates. The demo's cell on Bihar 2020 with its compliance
(a ledger near the 80 % warning, certificates, a takedown with its clock running), seen on
Tuesday 27 October 2020 at 10:00 IST; one live server for the module."""

from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest

from itcell.core.clock import IST
from itcell.core.tests.live import WIDTHS, Site, build_demo, shared_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SLUG = "bihar-2020"
NOW = datetime(2020, 10, 27, 10, 0, tzinfo=IST)

# screen: (who looks, None for nobody signed in; the address)
SCREENS: dict[str, tuple[str | None, Callable[[], str]]] = {
    "overview": ("head", lambda: f"/rules/{SLUG}/"),
    "certificates": ("head", lambda: f"/rules/{SLUG}/certificates/"),
    "ledger": ("head", lambda: f"/rules/{SLUG}/ledger/"),
    "takedowns": ("head", lambda: f"/rules/{SLUG}/takedowns/"),
    "overview_observer": ("legal", lambda: f"/rules/{SLUG}/"),
}


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    with shared_site(browser, django_db_blocker, name="a11y_compliance", now=NOW) as site:
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
        f"a11y_rules_{screen}_{language}_{width}", url(), user=user, language=language, width=width
    )
    assert not problems, f"{screen} ({language}, {width}):\n" + "\n".join(problems)
