"""The playbook's and training's screens as a screen reader, a keyboard and a phone need them,
in English and Hindi, at a desktop's width and a phone's (375 px): every control named, one
h1, no sideways scrolling, legible text, every control reached by Tab with its focus shown, and
no English left that the catalogue translates. The demo's cell on Bihar 2020 (the VIP's), seen
on Tuesday 27 October 2020 at 10:00 IST; one live server for the module."""

from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest

from itcell.core.clock import IST
from itcell.core.tests.live import WIDTHS, Site, build_demo, shared_site
from itcell.playbook.models import Module, PostTemplate, TalkingPoint, Workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SLUG = "bihar-2020"
NOW = datetime(2020, 10, 27, 10, 0, tzinfo=IST)


def point() -> int:
    return TalkingPoint.objects.filter(revisions__isnull=False).order_by("pk").first().pk  # type: ignore[union-attr]


def template() -> int:
    return PostTemplate.objects.order_by("pk").first().pk  # type: ignore[union-attr]


def module() -> int:
    return Module.objects.get(order=0).pk


def workshop() -> int:
    return Workshop.objects.get(status=Workshop.Status.HELD).pk


# screen: (who looks, the address)
SCREENS: dict[str, tuple[str, Callable[[], str]]] = {
    "playbook": ("writer.bahadurganj", lambda: f"/playbook/{SLUG}/"),
    "point": ("writer.bahadurganj", lambda: f"/playbook/{SLUG}/points/{point()}/"),
    "propose": ("writer.bahadurganj", lambda: f"/playbook/{SLUG}/points/{point()}/propose/"),
    "review": ("spokesperson", lambda: f"/playbook/{SLUG}/review/"),
    "template": ("spokesperson", lambda: f"/playbook/{SLUG}/templates/{template()}/"),
    "guidance": ("spokesperson", lambda: f"/playbook/{SLUG}/guidance/new/"),
    "day": ("spokesperson", lambda: f"/playbook/{SLUG}/calendar/new/"),
    "my_training": ("writer.bahadurganj", lambda: f"/training/{SLUG}/"),
    "module": ("writer.bahadurganj", lambda: f"/training/{SLUG}/modules/{module()}/"),
    "board": ("trainer", lambda: f"/training/{SLUG}/trainer/"),
    "modules": ("head", lambda: f"/training/{SLUG}/manage/modules/"),
    "module_editor": ("trainer", lambda: f"/training/{SLUG}/manage/modules/{module()}/"),
    "workshops": ("trainer", lambda: f"/training/{SLUG}/workshops/"),
    "workshop": ("trainer", lambda: f"/training/{SLUG}/workshops/{workshop()}/"),
}


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    with shared_site(browser, django_db_blocker, name="a11y_playbook", now=NOW) as site:
        build_demo(first_day=date(2020, 10, 26))
        yield site


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_is_named_legible_reachable_by_keyboard_and_fits(site, screen, language, width):  # type: ignore[no-untyped-def]
    user, url = SCREENS[screen]
    problems = site.look(
        f"a11y_playbook_{screen}_{language}_{width}",
        url(),
        user=user,
        language=language,
        width=width,
    )
    assert not problems, f"{screen} ({language}, {width}):\n" + "\n".join(problems)
