"""The head's integrations screens (API tokens, webhook subscriptions and one subscription's
delivery log) as a screen reader, a keyboard and a phone need them, in English and Hindi, at
a desktop's width and a phone's (375 px): every control named, one h1, no heading skipped, no
sideways scrolling, legible text, every control reached by Tab with its focus shown, and no
English left that the catalogue translates. The demo's cell on Bihar 2020 with one token for
the head scoped to Bahadurganj's desk, and one subscription whose log holds test pings
failed (with its retry button), delivered and waiting; seen on Tuesday 27 October
2020 at 10:00 IST. One live server for the module."""

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import pytest

from itcell.accounts.models import User
from itcell.api import webhooks
from itcell.api.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from itcell.api.tokens import TokenInput, create_token
from itcell.core.clock import IST
from itcell.core.tests.live import WIDTHS, Site, build_demo, shared_site
from itcell.organisation.models import Desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SLUG = "bihar-2020"
NOW = datetime(2020, 10, 27, 10, 0, tzinfo=IST)


def _subscription() -> str:
    subscription = WebhookSubscription.objects.get(election__slug=SLUG, name="Data team")
    return f"/integrations/{SLUG}/webhooks/{subscription.pk}/"


# screen: the address (the head looks at each)
SCREENS: dict[str, Callable[[], str]] = {
    "tokens": lambda: f"/integrations/{SLUG}/tokens/",
    "webhooks": lambda: f"/integrations/{SLUG}/webhooks/",
    "webhook": _subscription,
}


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    with shared_site(browser, django_db_blocker, name="a11y_api", now=NOW) as site:
        election = build_demo(first_day=date(2020, 10, 26))
        head = User.objects.get(username="head")
        create_token(
            election=election,
            data=TokenInput(
                name="Call centre dashboard",
                user=head,
                scopes=("posts:read", "posts:write"),
                desk=Desk.objects.get(election=election, kind=Desk.Kind.AC, acs__number=52),
                rate_per_minute=60,
            ),
            actor=head,
        )
        subscription = webhooks.subscribe(
            election=election,
            name="Data team",
            url="https://data.example.org/itcell/events",
            events=[WebhookEvent.POST_APPROVED, WebhookEvent.ALERT_RAISED],
            actor=head,
        ).subscription
        failed, delivered, _waiting = (
            webhooks.send_ping(subscription=subscription, actor=head) for _ in range(3)
        )
        WebhookDelivery.objects.filter(pk=failed.pk).update(
            state=WebhookDelivery.State.FAILED,
            attempts=webhooks.MAX_ATTEMPTS,
            last_status=503,
            last_error="Service Unavailable",
            created_at=NOW - timedelta(days=1),
        )
        WebhookDelivery.objects.filter(pk=delivered.pk).update(
            state=WebhookDelivery.State.DELIVERED,
            attempts=1,
            last_status=200,
            created_at=NOW - timedelta(hours=2),
            delivered_at=NOW - timedelta(hours=2),
        )
        yield site


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("screen", SCREENS)
def test_screen_is_named_legible_reachable_by_keyboard_and_fits(  # type: ignore[no-untyped-def]
    site, screen, language, width
):
    problems = site.look(
        f"a11y_api_{screen}_{language}_{width}",
        SCREENS[screen](),
        user="head",
        language=language,
        width=width,
    )
    assert not problems, f"{screen} ({language}, {width}):\n" + "\n".join(problems)
