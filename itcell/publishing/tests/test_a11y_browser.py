"""The publishing screens as a screen reader, a keyboard and a phone need them, in English
and Hindi, at a desktop's width and a phone's (375 px): every control named, images with
alt, one h1, no sideways scrolling, legible text, every control reached by Tab with its focus
shown, and no English left that the catalogue translates. The demo's cell on Bihar 2020
(posts published, scheduled, in review and stopped by a rule, a poster in the library), seen
on Tuesday 27 October 2020 at 10:00 IST; one live server and one cell for the whole module."""

from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from itcell.accounts.models import User
from itcell.core.clock import IST
from itcell.core.tests.live import WIDTHS, Site, build_demo, shared_site
from itcell.publishing.models import MediaAsset, Post
from itcell.publishing.services.library import add_medium

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SLUG = "bihar-2020"
NOW = datetime(2020, 10, 27, 10, 0, tzinfo=IST)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b1c5e40000000049454e44ae426082"
)


def post(title: str) -> int:
    return Post.objects.get(title=title).pk


# screen: (who looks, the address)
SCREENS: dict[str, tuple[str, Callable[[], str]]] = {
    "posts": ("head", lambda: f"/pub/{SLUG}/posts/"),
    "post_published": ("head", lambda: f"/pub/{SLUG}/posts/{post('Relief camps open')}/"),
    "post_blocked": (
        "writer.bahadurganj",
        lambda: f"/pub/{SLUG}/posts/{post('Poll-eve appeal (inside the silence period)')}/",
    ),
    "review": ("lead.bahadurganj", lambda: f"/pub/{SLUG}/review/"),
    "calendar": ("head", lambda: f"/pub/{SLUG}/calendar/"),
    "calendar_month": ("head", lambda: f"/pub/{SLUG}/calendar/?view=month"),
    "deliveries": ("spokesperson", lambda: f"/pub/{SLUG}/deliveries/"),
    "channels": ("head", lambda: f"/pub/{SLUG}/channels/"),
    "media": ("head", lambda: f"/pub/{SLUG}/media/"),
    "sandbox": ("head", lambda: f"/pub/{SLUG}/sandbox/"),
    "tasks": ("writer.bahadurganj", lambda: f"/pub/{SLUG}/sharing/"),
    "import": ("writer.bahadurganj", lambda: f"/pub/{SLUG}/calendar/import/"),
    "compose": ("writer.bahadurganj", lambda: f"/pub/{SLUG}/posts/new/"),
}


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    with shared_site(browser, django_db_blocker, name="a11y_publishing", now=NOW) as site:
        election = build_demo(first_day=date(2020, 10, 26))
        add_medium(
            election=election,
            desk=None,
            uploaded_by=User.objects.get(username="head"),
            file=SimpleUploadedFile("poster.png", PNG, content_type="image/png"),
            kind=MediaAsset.Kind.POSTER,
            title="Rally poster",
            source="Design desk, HQ",
            alt_text="Mukesh Sahani at the Bahadurganj rally",
            ai_made=True,
            ai_label="Background made with AI",
            imprint="Sahani Press, Patna; VIP Bihar",
        )
        yield site


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_is_named_legible_reachable_by_keyboard_and_fits(site, screen, language, width):  # type: ignore[no-untyped-def]
    user, url = SCREENS[screen]
    problems = site.look(
        f"a11y_pub_{screen}_{language}_{width}", url(), user=user, language=language, width=width
    )
    assert not problems, f"{screen} ({language}, {width}):\n" + "\n".join(problems)
