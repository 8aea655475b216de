"""Sessions end after two idle hours and twelve hours in all; the headers every page sends;
the admin's login goes through itcell's."""

import time

import pytest

from itcell.accounts.middleware import LAST_SEEN
from itcell.accounts.tests.conftest import LOGIN, is_signed_in

pytestmark = pytest.mark.django_db


def age(client, seconds: int) -> None:  # type: ignore[no-untyped-def]
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_signing_in_stamps_the_session(client, make_user):
    client.force_login(make_user("asha"))

    assert abs(client.session[LAST_SEEN] - time.time()) < 5


def test_a_session_without_a_stamp_is_stamped_on_its_next_request(client, make_user):
    client.force_login(make_user("asha"))
    session = client.session
    del session[LAST_SEEN]
    session.save()

    client.get("/")

    assert abs(client.session[LAST_SEEN] - time.time()) < 5


def test_the_first_request_after_signing_in_does_not_save_the_session(
    client, make_user, django_assert_num_queries
):
    client.force_login(make_user("asha"))

    with django_assert_num_queries(2):  # the session and the user; no write
        client.get("/accounts/login/")  # which sends a signed-in person on


def test_a_session_used_within_the_idle_time_stays(client, make_user):
    client.force_login(make_user("asha"))
    client.get("/")
    age(client, 2 * 3600 - 60)

    response = client.get("/")

    assert not response.get("Location", "").startswith(LOGIN)
    assert is_signed_in(client)


def test_a_session_idle_longer_than_the_idle_time_is_signed_out(client, make_user):
    client.force_login(make_user("asha"))
    client.get("/")
    age(client, 2 * 3600 + 1)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not is_signed_in(client)


def test_the_idle_time_comes_from_the_settings(client, make_user, settings):
    settings.ITCELL_SESSION_IDLE_SECONDS = 300
    client.force_login(make_user("asha"))
    client.get("/")
    age(client, 301)

    assert client.get("/")["Location"].startswith(LOGIN)


def test_the_stamp_is_not_rewritten_on_every_poll(client, make_user):
    client.force_login(make_user("asha"))
    client.get("/")
    age(client, 240)
    before = client.session[LAST_SEEN]

    client.get("/")

    assert client.session[LAST_SEEN] == before


def test_staying_active_does_not_stretch_the_session_past_its_age(client, make_user, settings):
    client.force_login(make_user("asha"))
    client.get("/")
    end = client.session.get_expiry_date()
    age(client, 600)

    client.get("/")

    assert client.session[LAST_SEEN] > int(time.time()) - 5  # stamped again
    assert client.session.get_expiry_date() == end
    assert abs(end.timestamp() - time.time() - settings.SESSION_COOKIE_AGE) < 5


def test_pages_send_a_report_only_content_security_policy(client):
    response = client.get(LOGIN)

    policy = response["Content-Security-Policy-Report-Only"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "Content-Security-Policy" not in response.headers  # not enforced: see settings
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_admin_login_sends_people_to_itcells_login(client):
    response = client.get("/admin/login/?next=/admin/accounts/user/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/admin/accounts/user/"
