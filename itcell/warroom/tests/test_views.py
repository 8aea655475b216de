"""The war room's screens over HTTP: who may see what, conditional answers, pinned queries."""

import json
from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client

from conftest import PASSWORD
from itcell.core import clock
from itcell.elections.models import AssemblyConstituency
from itcell.monitoring.models import Alert, HourlyCount
from itcell.organisation.models import Shift
from itcell.publishing.models import Delivery
from itcell.publishing.services.posts import submit_post
from itcell.warroom.selectors import VERSION_QUERIES
from itcell.warroom.tests.conftest import SLUG, alert, mentions, published

pytestmark = pytest.mark.django_db

MAP = f"/war/{SLUG}/"
SUMMARY = f"/war/{SLUG}/summary/"
OUTLINES = f"/war/{SLUG}/outlines.geojson"
MEASURES = f"/war/{SLUG}/measures.json"
SEATS = f"/war/{SLUG}/seats/"


def panel(number: int) -> str:
    return f"/war/{SLUG}/ac/{number}/"


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_head_sees_the_map_with_the_state_summary(scenario):  # type: ignore[no-untyped-def]
    html = client_for(scenario.cell.head).get(MAP).content.decode()
    assert 'id="map"' in html
    assert 'id="summary"' in html
    assert "Colour the map by" in html
    assert "Spokesperson" in html  # the approver on duty, by name
    # Open alerts by severity, the most severe first.
    assert html.index('data-severity="3">High: 1') < html.index('data-severity="2">Medium: 1')


def test_measures_are_every_constituency_for_the_head(scenario):  # type: ignore[no-untyped-def]
    seats = client_for(scenario.cell.head).get(MEASURES).json()["seats"]
    assert len(seats) == 243
    assert seats["52"] | {} == {
        "staffing": "ac",
        "on_duty": 1,
        "posts_today": 1,
        "posts_waiting": 1,
        "alerts_open": 1,
        "mentions": 11,
        "mentions_for": 5,
        "mentions_against": 2,
        "stance": 0.43,
        "status": "campaigning",
        "phase": "3",
        "own": "yes",
    }


def test_a_desk_lead_sees_the_desk_area_only_and_no_state_summary(scenario):  # type: ignore[no-untyped-def]
    client = client_for(scenario.cell.lead)
    html = client.get(MAP).content.decode()
    assert 'id="map"' in html
    assert 'id="summary"' not in html
    assert list(client.get(MEASURES).json()["seats"]) == ["52"]
    assert client.get(SUMMARY).status_code == 404
    assert client.get(panel(52)).status_code == 200
    assert client.get(panel(53)).status_code == 404  # as if it did not exist
    assert client.get(panel(999)).status_code == 404
    rows = client.get(SEATS).content.decode()
    assert 'data-ac="52"' in rows
    assert 'data-ac="53"' not in rows


@pytest.mark.parametrize("url", [MAP, SUMMARY, OUTLINES, MEASURES, SEATS, panel(52)])
def test_a_writer_without_the_monitoring_read_finds_nothing(scenario, url):  # type: ignore[no-untyped-def]
    assert client_for(scenario.cell.writer).get(url).status_code == 404


def test_signed_out_people_are_sent_to_log_in(scenario):  # type: ignore[no-untyped-def]
    response = Client().get(MEASURES)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", [MEASURES, OUTLINES, SUMMARY])
def test_an_unchanged_answer_is_a_304(scenario, url):  # type: ignore[no-untyped-def]
    client = client_for(scenario.cell.head)
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"]
    assert "no-cache" in first["Cache-Control"]
    assert "private" in first["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_a_new_alert_changes_the_measures_etag(scenario):  # type: ignore[no-untyped-def]
    client = client_for(scenario.cell.head)
    etag = client.get(MEASURES)["ETag"]
    alert(scenario.cell, 53, kind=Alert.Kind.CLAIM)
    fresh = client.get(MEASURES, headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.json()["seats"]["53"]["alerts_open"] == 1


def _dismiss_the_alert(scenario) -> None:  # type: ignore[no-untyped-def]
    scenario.alert.state = Alert.State.DISMISSED
    scenario.alert.save()


def _submit_another_post(scenario) -> None:  # type: ignore[no-untyped-def]
    submit_post(post=scenario.cell.draft(title="Another"), author=scenario.cell.writer)


def _publish_another_post(scenario) -> None:  # type: ignore[no-untyped-def]
    published(scenario.cell, at=clock.now() - timedelta(minutes=5), title="Another")


def _withdraw_todays_delivery(scenario) -> None:  # type: ignore[no-untyped-def]
    Delivery.objects.filter(post=scenario.published).update(state=Delivery.State.WITHDRAWN)


def _target_another_constituency(scenario) -> None:  # type: ignore[no-untyped-def]
    scenario.waiting.acs.add(
        AssemblyConstituency.objects.get(state=scenario.cell.election.state, number=53)
    )


def _count_another_mention(scenario) -> None:  # type: ignore[no-untyped-def]
    HourlyCount.objects.filter(ac_number=52, stance="for", party="").update(count=F("count") + 1)


def _label_a_mention_against(scenario) -> None:  # type: ignore[no-untyped-def]
    # An analyst's label moves the item between stances: the total stays the same.
    HourlyCount.objects.filter(ac_number=52, stance="for", party="").update(count=F("count") - 1)
    mentions(scenario.source, 52, "neutral", 1)


def _end_the_shift(scenario) -> None:  # type: ignore[no-untyped-def]
    Shift.objects.filter(user=scenario.cell.lead).update(checked_out_at=clock.now())


def _next_hour(scenario) -> None:  # type: ignore[no-untyped-def]
    clock.set_now(clock.now() + timedelta(hours=1))


@pytest.mark.parametrize(
    "change",
    [
        _dismiss_the_alert,
        _submit_another_post,
        _publish_another_post,
        _withdraw_todays_delivery,
        _target_another_constituency,
        _count_another_mention,
        _label_a_mention_against,
        _end_the_shift,
        _next_hour,
    ],
)
def test_a_change_to_what_the_measures_read_changes_their_etag(scenario, change):  # type: ignore[no-untyped-def]
    client = client_for(scenario.cell.head)
    first = client.get(MEASURES)
    assert client.get(MEASURES, headers={"If-None-Match": first["ETag"]}).status_code == 304
    change(scenario)
    fresh = client.get(MEASURES, headers={"If-None-Match": first["ETag"]})
    assert fresh.status_code == 200
    assert fresh["ETag"] != first["ETag"]
    # The new ETag is the new answer's: asked again, it is a 304.
    assert client.get(MEASURES, headers={"If-None-Match": fresh["ETag"]}).status_code == 304


def test_the_measures_etag_is_the_persons(scenario):  # type: ignore[no-untyped-def]
    head = client_for(scenario.cell.head).get(MEASURES)["ETag"]
    lead = client_for(scenario.cell.lead).get(MEASURES)["ETag"]
    assert head != lead


def test_outlines_are_geojson_of_every_constituency_and_district(scenario):  # type: ignore[no-untyped-def]
    body = json.loads(client_for(scenario.cell.head).get(OUTLINES).content)
    kinds = [f["properties"]["kind"] for f in body["features"]]
    assert (kinds.count("ac"), kinds.count("district")) == (243, 38)
    bahadurganj = next(f for f in body["features"] if f["properties"].get("number") == 52)
    assert bahadurganj["properties"]["hi"] == "बहादुरगंज"
    assert bahadurganj["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_the_panel_is_a_fragment_for_htmx_and_a_page_otherwise(scenario):  # type: ignore[no-untyped-def]
    client = client_for(scenario.cell.head)
    fragment = client.get(panel(52), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment
    for text in ("52 Bahadurganj", "Lakhan Lal Pandit (VIP)", "Lead", "Out today", "Waiting"):
        assert text in fragment
    assert "Yes: our party contests it." in fragment
    assert "<html" in client.get(panel(52)).content.decode()


def test_the_seats_table_sorts_filters_and_searches(scenario):  # type: ignore[no-untyped-def]
    client = client_for(scenario.cell.head)

    def order(query: str) -> list[str]:
        html = client.get(f"{SEATS}?{query}", headers={"HX-Request": "true"}).content.decode()
        return [part.split('"')[0] for part in html.split('<tr data-ac="')[1:]]

    assert len(order("")) == 243
    assert "52" in order("own=1")
    assert len(order("own=1")) == 11
    assert order("sort=-alerts_open")[:2] == ["52", "155"]
    assert order("sort=-mentions")[0] == "52"
    assert order("q=बहादुरगंज") == ["52"]
    assert len(order("status=silent")) == 71
    assert order("sort=number")[:3] == ["1", "2", "3"]
    assert order("sort=-number")[0] == "243"
    # The headings link to the next order, keeping the filters.
    html = client.get(f"{SEATS}?own=1&sort=number").content.decode()
    assert 'href="?own=1&amp;sort=-number"' in html


# Pinned query counts: session and user (2), the election and the person's grants (3, with
# the prefetch of their desks' areas), then each screen's own reads; a whole page also reads
# the unread notifications for the bell (1). None grows with the number of constituencies.


def test_query_counts_are_pinned(scenario, django_assert_num_queries):  # type: ignore[no-untyped-def]
    head = client_for(scenario.cell.head)
    for url, queries, htmx in [
        # + its phases (1), the state-summary check (2) and the summary (10), the state
        # chart (2), the ticker (3), the bell (1)
        (MAP, 24, False),
        (SUMMARY, 17, False),  # + the check (2) and the summary (10)
        (OUTLINES, 7, False),  # + districts and constituencies (2)
        # + the measures' version (selectors.VERSION_QUERIES) and the measures without
        # the basis the version read (SEAT_QUERIES - BASIS_QUERIES)
        (MEASURES, 23, False),
        (SEATS, 19, False),  # + the measures, the bell
        (SEATS, 18, True),  # the table alone
        # + the measures, who is on duty (7), posts, alerts, holds, its district (1) and
        # its chart (2)
        (panel(52), 34, True),
        (panel(52), 35, False),  # + the bell
    ]:
        with django_assert_num_queries(queries):
            head.get(url, headers={"HX-Request": "true"} if htmx else {})
    etag = head.get(MEASURES)["ETag"]
    with django_assert_num_queries(5 + VERSION_QUERIES):  # the version alone
        assert head.get(MEASURES, headers={"If-None-Match": etag}).status_code == 304
