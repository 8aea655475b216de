"""The live ticker: the newest alerts and publications within the person's reach, newest
first, as a fragment the map polls with If-None-Match."""

from datetime import timedelta

import pytest
from django.test import Client

from conftest import PASSWORD
from itcell.core import clock
from itcell.elections.models import AssemblyConstituency
from itcell.monitoring.models import Alert
from itcell.organisation.access import Asker
from itcell.organisation.selectors import get_grants
from itcell.publishing.models import Post
from itcell.warroom.selectors import TICKER_ENTRIES, list_ticker
from itcell.warroom.tests.conftest import SLUG, T0, alert, published

pytestmark = pytest.mark.django_db

TICKER = f"/war/{SLUG}/ticker/"


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def kinds_and_links(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('data-kind="')[1:]]


def elsewhere(scenario) -> Post:  # type: ignore[no-untyped-def]
    """A post of HQ's for Valmiki Nagar (AC 1), published half an hour ago."""
    post = published(scenario.cell, at=T0 - timedelta(minutes=30), title="Valmiki Nagar news")
    Post.objects.filter(pk=post.pk).update(desk=scenario.cell.hq)
    post.acs.set([AssemblyConstituency.objects.get(number=1)])
    return post


def test_the_head_sees_every_alert_and_publication_newest_first(scenario):  # type: ignore[no-untyped-def]
    clock.set_now(T0 + timedelta(minutes=5))
    late = alert(scenario.cell, 60, kind=Alert.Kind.CLAIM)
    elsewhere(scenario)
    html = client_for(scenario.cell.head).get(TICKER).content.decode()
    assert "<html" not in html
    assert kinds_and_links(html) == [
        "alert",  # 10:05, AC 60
        "alert",  # 10:00 (three, the newest first)
        "alert",
        "alert",
        "publication",  # 09:30, Valmiki Nagar
        "publication",  # 09:00, Out today
        "publication",  # yesterday
    ]
    assert f"?state=open#alert-{late.pk}" in html
    assert f"#alert-{scenario.alert.pk}" in html
    assert f'href="/pub/{SLUG}/posts/{scenario.published.pk}/"' in html
    assert "27 Oct, 09:00 IST" in html  # when it was published, in IST
    assert "Out today" in html
    assert "Valmiki Nagar news" in html


def test_a_desk_lead_sees_only_the_desk_areas_alerts_and_publications(scenario):  # type: ignore[no-untyped-def]
    elsewhere(scenario)
    other = alert(scenario.cell, 155, hours_ago=2)
    html = client_for(scenario.cell.lead).get(TICKER).content.decode()
    assert f"#alert-{scenario.alert.pk}" in html
    assert f"#alert-{other.pk}" not in html
    assert "Valmiki Nagar news" not in html
    assert "Out today" in html
    entries = list_ticker(asker=_asker(scenario.cell.lead, scenario.cell.election))
    assert {e.alert.ac_number for e in entries if e.alert} == {52}


def _asker(user, election) -> Asker:  # type: ignore[no-untyped-def]
    return Asker(user=user, election=election, grants=get_grants(user=user, election=election))


def test_the_ticker_keeps_to_a_dozen_entries(scenario):  # type: ignore[no-untyped-def]
    for minutes in range(20):
        clock.set_now(T0 + timedelta(minutes=minutes))
        alert(scenario.cell, 52, hours_ago=minutes + 2)
    html = client_for(scenario.cell.head).get(TICKER).content.decode()
    assert len(kinds_and_links(html)) == TICKER_ENTRIES == 12


def test_the_ticker_is_a_304_until_a_new_alert(scenario):  # type: ignore[no-untyped-def]
    client = client_for(scenario.cell.lead)
    first = client.get(TICKER)
    assert first.status_code == 200
    assert "private" in first["Cache-Control"]
    again = client.get(TICKER, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    clock.set_now(T0 + timedelta(minutes=1))
    fresh = alert(scenario.cell, 52, hours_ago=5)
    after = client.get(TICKER, headers={"If-None-Match": first["ETag"]})
    assert after.status_code == 200
    assert f"#alert-{fresh.pk}" in after.content.decode()


def test_the_map_shows_the_ticker_polled_and_read_out_politely(scenario):  # type: ignore[no-untyped-def]
    html = client_for(scenario.cell.lead).get(f"/war/{SLUG}/").content.decode()
    ticker = html[html.index('id="ticker-list"') :]
    assert 'aria-live="polite"' in ticker.split(">", 1)[0]
    assert f'hx-get="{TICKER}"' in ticker.split(">", 1)[0]
    assert f"#alert-{scenario.alert.pk}" in ticker


def test_ticker_query_counts_are_pinned(scenario, django_assert_num_queries):  # type: ignore[no-untyped-def]
    # Session and user (2), the election and grants (3), then alerts, deliveries and the
    # deliveries' posts' constituencies (3): the same for the head and for a desk lead.
    for user in (scenario.cell.head, scenario.cell.lead):
        client = client_for(user)
        with django_assert_num_queries(8):
            client.get(TICKER)
