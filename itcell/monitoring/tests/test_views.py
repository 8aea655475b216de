"""The monitoring screens through Django's test client: who may see and do what, the feed's
filters, an item's page, the alerts inbox and its response, the claims library and the
sources' health; in English and Hindi."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from itcell.core import clock
from itcell.monitoring.alerts import create_claim
from itcell.monitoring.models import Alert, Claim, ClaimMatch
from itcell.monitoring.services import create_source, ingest
from itcell.monitoring.sources import Batch, RawItem
from itcell.organisation.roles import Role
from itcell.organisation.tests.factories import person
from itcell.publishing.models import Post
from itcell.publishing.tests.factories import Cell
from itcell.publishing.workflow import PostState

NOW = datetime(2020, 10, 20, 6, 40, tzinfo=UTC)
RUMOUR = "बहादुरगंज की बाढ़ राहत पार्टी के कहने पर रोकी गई, सब लोग जान लें"
ENGLISH = "Raghopur: RJD holds a rally with Tejashwi Prasad Yadav today"


def url(name: str, *args: object) -> str:
    return reverse(f"monitoring:{name}", args=["bihar-2020", *args])


@pytest.fixture
def world(cell: Cell):  # type: ignore[no-untyped-def]
    clock.set_now(NOW)
    create_claim(
        election=cell.election,
        actor=cell.head,
        kind=Claim.Kind.MISINFORMATION,
        summary="Relief stopped on the party's orders",
        forms="बहादुरगंज की बाढ़ राहत पार्टी के कहने पर रोकी गई",
        answer_hi="बहादुरगंज में राहत कभी नहीं रुकी।",
    )
    source = create_source(election=cell.election, name="Stream", backend="locmem")
    ingest(
        source=source,
        batch=Batch(
            items=[
                RawItem(external_id="1", text=RUMOUR, published_at=NOW, likes=5),
                RawItem(external_id="2", text=ENGLISH, published_at=NOW),
            ],
            cursor=None,
        ),
    )
    return cell


def test_the_screens_need_the_monitor_role(client, world: Cell) -> None:
    client.force_login(world.writer)  # writes posts, does not monitor
    for name in ("feed", "alerts", "claims", "sources"):
        assert client.get(url(name)).status_code == 404
    # Nor does the menu offer what would answer "not found".
    menu = client.get(url("tips")).content.decode()
    assert url("tips") in menu
    assert f'href="{url("feed")}"' not in menu
    assert reverse("warroom:map", args=["bihar-2020"]) not in menu
    analyst = person("analyst", world.desk, Role.ANALYST)
    client.force_login(analyst)
    for name in ("feed", "alerts", "claims", "sources"):
        assert client.get(url(name)).status_code == 200
    menu = client.get(url("tips")).content.decode()
    assert f'href="{url("feed")}"' in menu
    assert reverse("warroom:map", args=["bihar-2020"]) in menu


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_feed_filters_by_constituency_language_and_claims(
    client, world: Cell, language: str
) -> None:
    client.force_login(world.lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(url("feed")).content.decode()
    assert RUMOUR in page
    assert ENGLISH in page
    assert f'<html lang="{language}">' in page
    assert ("फ़ीड" if language == "hi" else "Feed") in page
    only_52 = client.get(url("feed") + "?ac=52").content.decode()
    assert RUMOUR in only_52
    assert ENGLISH not in only_52
    only_128 = client.get(url("feed") + "?ac=128").content.decode()
    assert ENGLISH in only_128
    assert RUMOUR not in only_128
    english = client.get(url("feed") + "?language=en").content.decode()
    assert ENGLISH in english
    assert RUMOUR not in english
    claims = client.get(url("feed") + "?flag=claims").content.decode()
    assert RUMOUR in claims
    assert ENGLISH not in claims
    party = client.get(url("feed") + "?party=RJD").content.decode()
    assert ENGLISH in party
    assert RUMOUR not in party
    # Nonsense filters show nothing rather than fail.
    assert client.get(url("feed") + "?ac=x&source=y&before=z").status_code == 200


def test_an_items_page_shows_its_tags_and_lets_an_analyst_confirm_a_claim(
    client, world: Cell
) -> None:
    match = ClaimMatch.objects.get()
    client.force_login(world.lead)
    page = client.get(url("item", match.item_id)).content.decode()
    assert "Relief stopped on the party&#x27;s orders" in page
    assert "Bahadurganj" in page or "52" in page
    response = client.post(url("decide_match", match.pk), {"confirm": "1"})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.decision == ClaimMatch.Decision.CONFIRMED
    assert match.decided_by == world.lead
    assert client.get(url("item", 99999)).status_code == 404


def test_an_alert_in_the_inbox_becomes_a_response_in_the_review_queue(client, world: Cell) -> None:
    alert = Alert.objects.get(kind=Alert.Kind.CLAIM)
    analyst = person("analyst", world.desk, Role.ANALYST)
    client.force_login(analyst)  # sees it, may dismiss it, may not draft
    page = client.get(url("alerts")).content.decode()
    assert f'id="alert-{alert.pk}"' in page
    assert url("alert_act", alert.pk, "respond") not in page
    assert url("alert_act", alert.pk, "dismiss") in page
    assert client.post(url("alert_act", alert.pk, "respond")).status_code == 404

    client.force_login(world.writer)  # no monitor role: no inbox
    assert client.get(url("alerts")).status_code == 404

    client.force_login(world.lead)
    response = client.post(url("alert_act", alert.pk, "respond"))
    post = Post.objects.get()
    assert response.url == reverse("publishing:post", args=["bihar-2020", post.pk])
    assert post.state == PostState.IN_REVIEW
    assert post.fast_lane
    client.force_login(world.spokesperson)
    review = client.get(reverse("publishing:review", args=["bihar-2020"])).content.decode()
    assert escape(post.title) in review
    alert.refresh_from_db()
    assert alert.state == Alert.State.RESPONDED
    assert client.post(url("alert_act", alert.pk, "nonsense")).status_code == 404


def test_the_inbox_shows_the_most_severe_alerts_first(client, world: Cell) -> None:
    low, high = (
        Alert.objects.create(
            election=world.election,
            kind=Alert.Kind.SPIKE,
            key=key,
            hour=clock.now(),
            ac_number=52,
            desk=world.desk,
            figures={
                "current": 30,
                "baseline_mean": 2.0,
                "baseline_hours": 12,
                "ratio": 15.0,
                "p_value": 1e-9,
            },
            severity=severity,
        )
        for key, severity in (("party:X", Alert.Severity.LOW), ("ac:52", Alert.Severity.HIGH))
    )
    client.force_login(world.lead)
    page = client.get(url("alerts")).content.decode()
    assert page.index(f'id="alert-{high.pk}"') < page.index(f'id="alert-{low.pk}"')
    assert '<span class="severity severity-3">High</span>' in page


def test_a_claim_is_added_with_its_answer_or_refused_saying_why(client, world: Cell) -> None:
    client.force_login(world.head)
    form = {"kind": "misinformation", "summary": "Schools closed", "forms": "school band"}
    response = client.post(url("claims"), form)
    assert response.status_code == 200
    assert "needs our answer" in response.content.decode()
    assert not Claim.objects.filter(summary="Schools closed").exists()
    form["answer_en"] = "Schools are open."
    assert client.post(url("claims"), form).status_code == 302
    assert Claim.objects.filter(summary="Schools closed").exists()
    client.force_login(person("analyst", world.desk, Role.ANALYST))  # not state-wide
    assert client.post(url("claims"), form | {"summary": "Other"}).status_code == 404


def test_the_sources_page_shows_each_sources_health(client, world: Cell) -> None:
    client.force_login(world.head)
    page = client.get(url("sources")).content.decode()
    assert "Stream" in page
    assert "Not polled yet" in page
