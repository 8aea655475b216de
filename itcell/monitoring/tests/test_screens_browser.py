"""Monitoring as a person sees it, in headless Chromium against a live server: the demo's
cell on Bihar 2020 with the clock on 27 October 2020, 10:00 IST, and the demo's monitoring
(a day of the sample conversation, then its replay, which opens with a burst about
Bahadurganj, AC 52).

The issue's "done when": replayed traffic fills the feed, the spike in AC 52 raises an alert
at the Bahadurganj desk, and the alert becomes a draft in the review queue; in both
languages."""

import pytest
from playwright.sync_api import expect

from itcell.core import clock
from itcell.elections.models import Party
from itcell.elections.services import set_own_party
from itcell.monitoring import demo as monitoring_demo
from itcell.monitoring.models import Alert, Item
from itcell.organisation.tests.test_screens_browser import hindi, sign_in, sign_out, snap
from itcell.publishing.models import Post
from itcell.publishing.tests.test_screens_browser import SLUG
from itcell.publishing.tests.test_screens_browser import demo as publishing_cell  # noqa: F401
from itcell.publishing.workflow import PostState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listening(publishing_cell):  # type: ignore[no-untyped-def]  # noqa: F811
    set_own_party(
        election=publishing_cell, party=Party.objects.get(short_name="VIP")
    )  # as `itcell demo`
    monitoring_demo.build(election=publishing_cell, now=clock.now())
    return publishing_cell


@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_spike_in_the_replay_alerts_the_desk_and_becomes_a_response_in_review(
    page, listening, language
):  # type: ignore[no-untyped-def]
    t = (lambda s: s) if language == "en" else hindi
    alert = Alert.objects.get(kind=Alert.Kind.SPIKE)
    assert (alert.ac_number, alert.desk.name_en) == (52, "52 Bahadurganj")
    # The demo's first stance model guessed the live items' stance as they came in.
    assert Item.objects.exclude(stance="").filter(stance_by=None).exists()

    sign_in(page, "lead.bahadurganj")
    if language == "hi":
        page.get_by_role("button", name="हिन्दी").click()
    # The replay fills the feed; the constituency filter keeps Bahadurganj's items.
    page.goto(f"/listen/{SLUG}/")
    expect(page.locator("#feed li").first).to_be_visible()
    page.get_by_label(t("Constituency")).select_option("52")
    page.get_by_role("button", name=t("Show")).click()
    expect(page.locator("#feed")).to_contain_text("बहादुरगंज")
    snap(page, f"monitoring_feed_{language}")

    # The alert, with its statistic, in the desk's inbox.
    page.get_by_role("link", name=t("Alerts")).click()
    card = page.locator(f"#alert-{alert.pk}")
    expect(card).to_contain_text(t("Spike in AC {name}").format(name=52))
    expect(card).to_contain_text(str(alert.figures["current"]))
    # A news channel with over a million followers named the party's candidate there.
    mention = page.locator(".alert-mention")
    expect(mention).to_contain_text(
        t("A large account names {candidate} (AC {ac})").format(
            candidate="Lakhan Lal Pandit", ac=52
        )
    )
    snap(page, f"monitoring_alerts_{language}")

    # It becomes a response in the fast lane, pre-filled with the answer to the claim its
    # items repeat, and waits for review.
    card.get_by_role("button", name=t("Draft a response")).click()
    expect(page.locator(".messages")).to_contain_text(
        t("A response is in the review queue (fast lane).")
    )
    expect(page.locator("h1")).to_contain_text(t("In review"))
    expect(page.locator("#main")).to_contain_text("2014")
    sign_out(page)

    response = Post.objects.get(fast_lane=True, desk=alert.desk)
    assert response.state == PostState.IN_REVIEW
    sign_in(page, "spokesperson")
    page.goto(f"/pub/{SLUG}/review/")
    expect(page.locator(f"#post-{response.pk}")).to_contain_text(response.title)
