"""The election screens and the language switch through Django's test client (no browser)."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from itcell.accounts.models import User
from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.core.models import Heartbeat

SLUG = "bihar-2020"
PAGES = [
    "/",
    f"/e/{SLUG}/",
    f"/e/{SLUG}/acs/",
    f"/e/{SLUG}/acs/?q=bahadur",
    f"/e/{SLUG}/acs/52/",
]
LOGIN_URL = "/accounts/login/"


@pytest.fixture
def signed_in(client, make_user):  # type: ignore[no-untyped-def]
    user = make_user("head")
    client.force_login(user)
    return user


def row_numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-ac="(\d+)">', html)


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitor_is_sent_to_login_with_next(client, url):
    response = client.get(url)

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == LOGIN_URL
    assert parse_qs(target.query)["next"] == [url]


@pytest.mark.django_db
def test_login_page_is_open_to_anonymous_visitors(client):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES[1:])
def test_signed_in_user_sees_each_page(client, bihar, signed_in, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "<html" in response.content.decode()


@pytest.mark.django_db
def test_home_redirects_to_the_default_election(client, bihar, signed_in):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse("elections:election", args=[SLUG])


@pytest.mark.django_db
def test_home_without_any_election_says_so(client, signed_in):
    response = client.get("/")

    assert response.status_code == 200
    assert "No election loaded" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/e/no-such-election/", "/e/no-such-election/acs/", "/e/no-such-election/acs/52/"]
)
def test_unknown_election_slug_is_404(client, bihar, signed_in, url):
    assert client.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("number", [0, 244, 999])
def test_unknown_constituency_number_is_404(client, bihar, signed_in, number):
    assert client.get(f"/e/{SLUG}/acs/{number}/").status_code == 404


@pytest.mark.django_db
def test_constituency_list_shows_every_constituency(client, bihar, signed_in):
    html = client.get(f"/e/{SLUG}/acs/").content.decode()

    rows = row_numbers(html)
    assert len(rows) == 243
    assert rows[:3] == ["1", "2", "3"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bahadur", ["52", "85"]),
        ("BAHADURGANJ", ["52"]),
        ("बहादुरगंज", ["52"]),
        ("52", ["52"]),
        ("किशनगंज", ["52", "53", "54", "55", "56", "57"]),  # district and parliamentary seat
    ],
)
def test_constituency_search_by_number_or_name_in_either_language(
    client, bihar, signed_in, query, expected
):
    html = client.get(f"/e/{SLUG}/acs/", {"q": query}).content.decode()

    assert row_numbers(html) == expected


@pytest.mark.django_db
def test_constituency_search_without_match_says_so(client, bihar, signed_in):
    html = client.get(f"/e/{SLUG}/acs/", {"q": "zzzz"}).content.decode()

    assert row_numbers(html) == []
    assert "No constituency matches." in html


@pytest.mark.django_db
def test_htmx_search_returns_only_the_rows(client, bihar, signed_in):
    response = client.get(f"/e/{SLUG}/acs/", {"q": "bahadur"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "elections/_constituency_rows.html"
    assert "<html" not in html
    assert "<table" not in html
    assert 'id="rows"' not in html
    assert row_numbers(html) == ["52", "85"]
    assert html.lstrip().startswith("<tr")


@pytest.mark.django_db
def test_full_page_request_returns_the_whole_page(client, bihar, signed_in):
    response = client.get(f"/e/{SLUG}/acs/", {"q": "bahadur"})

    html = response.content.decode()
    assert response.templates[0].name == "elections/constituencies.html"
    assert '<tbody id="rows">' in html
    assert 'value="bahadur"' in html


@pytest.mark.django_db
def test_constituency_list_query_count(client, bihar, signed_in, django_assert_num_queries):
    # session, user, election, calendar polls, phases, the listed polls (one join),
    # the header's unread-notifications count, the menu's grants (the user holds none here)
    with django_assert_num_queries(8):
        client.get(f"/e/{SLUG}/acs/")


@pytest.mark.django_db
def test_constituency_list_htmx_query_count(client, bihar, signed_in, django_assert_num_queries):
    # the rows alone: no header, so no unread count
    with django_assert_num_queries(6):
        client.get(f"/e/{SLUG}/acs/", {"q": "bahadur"}, HTTP_HX_REQUEST="true")


@pytest.mark.django_db
def test_constituency_page_query_count(client, bihar, signed_in, django_assert_num_queries):
    # session, user, election, poll (with ac, district, pc, phase), seats, candidates,
    # calendar polls, phases, the header's unread-notifications count, the menu's grants
    with django_assert_num_queries(10):
        client.get(f"/e/{SLUG}/acs/52/")


@pytest.mark.django_db
def test_constituency_page_shows_district_seats_and_candidates(client, bihar, signed_in):
    html = client.get(f"/e/{SLUG}/acs/52/").content.decode()

    assert "52 · Bahadurganj" in html
    assert "Kishanganj" in html
    assert "Phase 3" in html
    assert "5 Nov 2020, 18:00 IST – 7 Nov 2020, 18:00 IST" in html
    assert "National Democratic Alliance: <strong>Vikassheel Insaan Party</strong>" in html
    assert "Lakhan Lal Pandit" in html
    assert "<svg" in html
    assert "<path d=" in html


@pytest.mark.django_db
def test_healthz_answers_anonymous_callers_in_json(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": True, "worker": False, "scheduler": False}


@pytest.mark.django_db
def test_healthz_reports_a_recent_heartbeat_as_alive(client):
    Heartbeat.objects.create(process="worker", seen_at=clock.now() - timedelta(seconds=30))
    Heartbeat.objects.create(process="scheduler", seen_at=clock.now() - timedelta(minutes=5))

    assert client.get("/healthz").json() == {
        "database": True,
        "worker": True,
        "scheduler": False,
    }


def switch(client, language: str, next_url: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/language/", {"language": language, "next": next_url})


@pytest.mark.django_db
def test_language_switch_sets_cookie_and_goes_to_next(client, bihar, signed_in):
    response = switch(client, "hi", f"/e/{SLUG}/acs/?q=52")

    assert response.status_code == 302
    assert response["Location"] == f"/e/{SLUG}/acs/?q=52"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hi"
    signed_in.refresh_from_db()
    assert signed_in.preferred_language == "hi"
    assert '<html lang="hi">' in client.get(f"/e/{SLUG}/acs/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http://evil.example/",
        "javascript:alert(1)",
    ],
)
def test_language_switch_refuses_an_off_site_next(client, signed_in, next_url):
    response = switch(client, "hi", next_url)

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["xx", "", "en-gb", "HI"])
def test_language_switch_ignores_unknown_codes(client, signed_in, language):
    before = AuditEvent.objects.count()

    response = switch(client, language, "/e/x/")

    assert response.status_code == 302
    assert response["Location"] == "/e/x/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    signed_in.refresh_from_db()
    assert signed_in.preferred_language == "en"
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_language_switch_needs_post(client, signed_in):
    assert client.get("/accounts/language/", {"language": "hi"}).status_code == 405


@pytest.mark.django_db
def test_language_change_by_signed_in_user_is_audited(client, signed_in):
    switch(client, "hi", "/")

    event = AuditEvent.objects.get(action="user.language_changed")
    assert event.actor == signed_in
    assert event.object_type == "accounts.user"
    assert event.object_id == str(signed_in.pk)
    assert event.before == {"preferred_language": "en"}
    assert event.after == {"preferred_language": "hi"}
    assert event.source_address == "127.0.0.1"


@pytest.mark.django_db
def test_choosing_the_current_language_again_is_not_audited(client, signed_in):
    switch(client, "hi", "/")
    switch(client, "hi", "/")

    assert AuditEvent.objects.filter(action="user.language_changed").count() == 1


@pytest.mark.django_db
def test_anonymous_language_switch_sets_cookie_without_audit(client, make_user):
    user = make_user("head")

    response = switch(client, "hi", LOGIN_URL)

    assert response["Location"] == LOGIN_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hi"
    assert not AuditEvent.objects.filter(action="user.language_changed").exists()
    assert User.objects.get(pk=user.pk).preferred_language == "en"
