"""The organisation screens as a screen reader, a keyboard and a phone need them, in English
and Hindi, at a desktop's width and a phone's (375 px): every control named, images with
alt, one h1, no sideways scrolling, legible text, every control reached by Tab with its focus
shown, and no English left that the catalogue translates. The demo's cell on Bihar 2020 with
a handover written at Bahadurganj (AC 52), seen on Tuesday 27 October 2020 at 10:00 IST;
one live server and one cell for the whole module."""

from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest

from conftest import PASSWORD
from itcell.accounts.models import User
from itcell.core.clock import IST
from itcell.core.tests.live import WIDTHS, Site, shared_site
from itcell.elections.services import load_election
from itcell.organisation import demo
from itcell.organisation.models import Desk
from itcell.organisation.services import write_handover

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SLUG = "bihar-2020"
NOW = datetime(2020, 10, 27, 10, 0, tzinfo=IST)
MONDAY = date(2020, 10, 26)


def b52() -> int:
    return Desk.objects.get(kind=Desk.Kind.AC, acs__number=52).pk


def kishanganj() -> int:
    return Desk.objects.get(kind=Desk.Kind.AC, acs__number=52).district_id


# screen: (who looks, the address)
SCREENS: dict[str, tuple[str, Callable[[], str]]] = {
    "desks": ("head", lambda: f"/org/{SLUG}/desks/"),
    "desk": ("lead.bahadurganj", lambda: f"/org/{SLUG}/desks/{b52()}/"),
    "roster": ("head", lambda: f"/org/{SLUG}/desks/{b52()}/roster/?week={MONDAY}"),
    "district_roster": (
        "head",
        lambda: f"/org/{SLUG}/districts/{kishanganj()}/roster/?week={MONDAY}",
    ),
    "on_duty": ("head", lambda: f"/org/{SLUG}/on-duty/?ac=52"),
    "coverage": ("head", lambda: f"/org/{SLUG}/coverage/"),
    "my_shifts": ("writer.bahadurganj", lambda: f"/org/{SLUG}/me/shifts/"),
    "handover": ("lead.bahadurganj", lambda: f"/org/{SLUG}/desks/{b52()}/handover/"),
    "invite": ("head", lambda: f"/org/{SLUG}/desks/{b52()}/invite/"),
    "import": ("head", lambda: f"/org/{SLUG}/members/import/"),
}


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    with shared_site(browser, django_db_blocker, name="a11y_organisation", now=NOW) as site:
        election = load_election(name=SLUG).election
        demo.build(election=election, password=PASSWORD, first_day=MONDAY)
        write_handover(
            desk=Desk.objects.get(kind=Desk.Kind.AC, acs__number=52),
            author=User.objects.get(username="lead.bahadurganj"),
            pending_items="दो पोस्ट समीक्षा में",
            open_alerts="Bridge rumour on WhatsApp",
            notes="Call the district office at 11.",
        )
        yield site


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_is_named_legible_reachable_by_keyboard_and_fits(site, screen, language, width):  # type: ignore[no-untyped-def]
    user, url = SCREENS[screen]
    problems = site.look(
        f"a11y_org_{screen}_{language}_{width}", url(), user=user, language=language, width=width
    )
    assert not problems, f"{screen} ({language}, {width}):\n" + "\n".join(problems)
