"""The inbox and the notification preferences as a screen reader, a keyboard and a phone
need them, in English and Hindi, at a desktop's width and a phone's (375 px): every control
named, one h1, no sideways scrolling, legible text, every control reached by Tab with its
focus shown, and no English left that the catalogue translates. The demo's cell on Bihar
2020: review requests and a takedown have told the leads; Bahadurganj's lead prefers Hindi
(and looks in Hindi), Kishanganj's English; each has read and unread notifications of
several kinds, one whose push could not be delivered. One live server for the module."""

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from itcell.accounts.models import User
from itcell.core.clock import IST
from itcell.core.tests.live import WIDTHS, Site, build_demo, shared_site
from itcell.notifications.errors import Reason
from itcell.notifications.models import ChannelPreference, Kind, Push
from itcell.notifications.services import mark_read, notify

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

NOW = datetime(2020, 10, 27, 10, 0, tzinfo=IST)
SCREENS = {"inbox": "/notifications/", "preferences": "/notifications/preferences/"}
LOOKS = {"en": "lead.kishanganj", "hi": "lead.bahadurganj"}  # language: who looks


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    with shared_site(browser, django_db_blocker, name="a11y_notifications", now=NOW) as site:
        build_demo(first_day=date(2020, 10, 26), hindi=[LOOKS["hi"]])
        for lead in User.objects.filter(username__in=LOOKS.values()):
            ChannelPreference.objects.update_or_create(
                user=lead, defaults={"telegram_enabled": True, "telegram_chat_id": str(lead.pk)}
            )
            (handover,) = notify(
                recipients=[lead],
                kind=Kind.HANDOVER,
                title="Handover at 18:00",
                url="/e/bihar-2020/",
            )
            (alert,) = notify(
                recipients=[lead],
                kind=Kind.ALERT,
                title="Fake video in AC 52",
                body="Seen 40 times.",
            )
            Push.objects.filter(notification=alert).update(
                state=Push.State.UNREACHABLE, reason=Reason.BLOCKED, attempts=1
            )
            mark_read(user=lead, notification_ids=[handover.pk])
        yield site


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_is_named_legible_reachable_by_keyboard_and_fits(site, screen, language, width):  # type: ignore[no-untyped-def]
    problems = site.look(
        f"a11y_notifications_{screen}_{language}_{width}",
        SCREENS[screen],
        user=LOOKS[language],
        language=language,
        width=width,
    )
    assert not problems, f"{screen} ({language}, {width}):\n" + "\n".join(problems)
