"""The inbox, its htmx actions, the header badge and the preferences form, through Django's
test client (the browser test drives the same screens in Chromium)."""

import re

import pytest
from django.test import RequestFactory

from itcell.audit.models import AuditEvent
from itcell.notifications.context_processors import unread_notifications
from itcell.notifications.errors import Reason
from itcell.notifications.models import ChannelPreference, Kind, Notification, Push
from itcell.notifications.services import notify

pytestmark = [pytest.mark.django_db, pytest.mark.urls("itcell.notifications.tests.urls")]

INBOX = "/notifications/"
PREFERENCES = "/notifications/preferences/"
BADGE = "/notifications/badge/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def read_url(notification: Notification) -> str:
    return f"/notifications/{notification.pk}/read/"


def ids_on_page(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li id="notification-(\d+)"', html)]


@pytest.fixture
def asha(client, member):  # type: ignore[no-untyped-def]
    user = member("asha")
    client.force_login(user)
    return user


def tell(user, title: str, **kwargs) -> Notification:  # type: ignore[no-untyped-def]
    (notification,) = notify(
        recipients=[user], kind=kwargs.pop("kind", Kind.ALERT), title=title, **kwargs
    )
    return notification


@pytest.mark.parametrize("url", [INBOX, PREFERENCES])
def test_anonymous_visitor_is_sent_to_login(client, url) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_inbox_shows_the_members_own_items_newest_first(client, asha, member) -> None:  # type: ignore[no-untyped-def]
    older = tell(asha, "Handover at 18:00", kind=Kind.HANDOVER, url="/e/bihar-2020/")
    newer = tell(asha, "Review post 7", kind=Kind.REVIEW_REQUEST, body="Line one\nline two")
    tell(member("ravi"), "Not for Asha")

    response = client.get(INBOX)

    html = response.content.decode()
    assert response.status_code == 200
    assert ids_on_page(html) == [newer.pk, older.pk]
    assert '<a href="/e/bihar-2020/">Handover at 18:00</a>' in html
    assert "Line one<br>line two" in html
    assert "Review request" in html
    assert "Not for Asha" not in html
    assert "2 unread notifications" in html


def test_inbox_filters_to_unread(client, asha) -> None:  # type: ignore[no-untyped-def]
    read = tell(asha, "Old news")
    unread = tell(asha, "Fresh")
    client.post(read_url(read))

    html = client.get(INBOX + "?unread=1").content.decode()

    assert ids_on_page(html) == [unread.pk]
    assert "Show all" in html


def test_empty_inbox_says_so(client, asha) -> None:  # type: ignore[no-untyped-def]
    html = client.get(INBOX).content.decode()

    assert "Nothing here yet." in html
    assert "You have read everything." in html


def test_inbox_shows_what_a_channel_could_not_deliver(client, asha) -> None:  # type: ignore[no-untyped-def]
    ChannelPreference.objects.create(user=asha, telegram_enabled=True, telegram_chat_id="111")
    notification = tell(asha, "Fake video in AC 52")
    Push.objects.filter(notification=notification).update(
        state=Push.State.UNREACHABLE, reason=Reason.BLOCKED, attempts=1
    )

    html = client.get(INBOX).content.decode()

    assert "Telegram could not reach you: bot was blocked." in html
    assert "Unblock the cell&#x27;s bot in Telegram" in html


def test_inbox_says_what_also_went_out(client, asha) -> None:  # type: ignore[no-untyped-def]
    ChannelPreference.objects.create(user=asha, email_enabled=True)
    asha.email = "asha@cell.example"
    asha.save()
    notification = tell(asha, "Takedown due", kind=Kind.TAKEDOWN)
    Push.objects.filter(notification=notification).update(state=Push.State.SENT)

    assert "Also sent to you by Email." in client.get(INBOX).content.decode()


def test_inbox_query_count_does_not_grow_with_items(
    client, asha, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    ChannelPreference.objects.create(user=asha, telegram_enabled=True, telegram_chat_id="111")
    for n in range(12):
        tell(asha, f"Alert {n}")

    # session, user, paginator count, page of items, their pushes, unread count
    with django_assert_num_queries(6):
        response = client.get(INBOX)

    assert len(ids_on_page(response.content.decode())) == 12


def test_inbox_pages_after_fifty_items(client, asha) -> None:  # type: ignore[no-untyped-def]
    notify(recipients=[asha], kind=Kind.SYSTEM, title="first")
    for n in range(50):
        tell(asha, f"Alert {n}")

    first = client.get(INBOX).content.decode()
    second = client.get(INBOX + "?page=2").content.decode()

    assert len(ids_on_page(first)) == 50
    assert "Page 1 of 2" in first
    assert "first" in second
    assert len(ids_on_page(second)) == 1


def test_mark_read_with_htmx_returns_the_item_and_updates_counts(client, asha) -> None:  # type: ignore[no-untyped-def]
    notification = tell(asha, "Review post 7")
    tell(asha, "Another")

    response = client.post(read_url(notification), **HTMX)

    html = response.content.decode()
    notification.refresh_from_db()
    assert response.status_code == 200
    assert notification.read_at is not None
    assert ids_on_page(html) == [notification.pk]
    assert "Mark read" not in html.split('id="inbox-tools"')[0]
    assert 'id="inbox-tools" class="inbox-tools" hx-swap-oob="true"' in html
    assert "1 unread notification" in html
    assert re.search(r'id="unread-badge".*hx-swap-oob="true"', html, re.S)
    event = AuditEvent.objects.get(action="notification.read")
    assert (event.actor, event.source_address) == (asha, "127.0.0.1")


def test_mark_read_without_htmx_goes_back_to_the_inbox(client, asha) -> None:  # type: ignore[no-untyped-def]
    notification = tell(asha, "Review post 7")

    response = client.post(read_url(notification))

    assert (response.status_code, response["Location"]) == (302, INBOX)
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_another_members_item_is_not_found_and_stays_unread(client, asha, member) -> None:  # type: ignore[no-untyped-def]
    theirs = tell(member("ravi"), "For Ravi")

    response = client.post(read_url(theirs), **HTMX)

    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_marking_read_needs_a_post(client, asha) -> None:  # type: ignore[no-untyped-def]
    assert client.get(read_url(tell(asha, "t"))).status_code == 405


def test_mark_all_read_with_htmx_returns_the_inbox(client, asha) -> None:  # type: ignore[no-untyped-def]
    first, second = tell(asha, "one"), tell(asha, "two")

    response = client.post("/notifications/read-all/", **HTMX)

    html = response.content.decode()
    assert ids_on_page(html) == [second.pk, first.pk]
    assert "You have read everything." in html
    assert not Notification.objects.filter(recipient=asha, read_at__isnull=True).exists()


def test_badge_shows_the_unread_count(client, asha) -> None:  # type: ignore[no-untyped-def]
    tell(asha, "one")
    tell(asha, "two")

    html = client.get(BADGE).content.decode()

    assert 'id="unread-badge"' in html
    assert 'hx-trigger="every 60s"' in html
    assert '<span class="count" data-testid="unread-count">2</span>' in html


def test_badge_without_unread_shows_no_count(client, asha) -> None:  # type: ignore[no-untyped-def]
    assert "unread-count" not in client.get(BADGE).content.decode()


def test_badge_tells_htmx_to_stop_polling_once_signed_out(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(BADGE)

    assert response.status_code == 286
    assert response.content == b""


def test_context_processor_counts_unread_in_one_query(asha, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    tell(asha, "one")
    request = RequestFactory().get("/")
    request.user = asha

    with django_assert_num_queries(1):
        context = unread_notifications(request)
        assert context["unread_count"] == 1
        assert str(context["unread_count"]) == "1"


def test_context_processor_gives_nothing_to_anonymous_visitors(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with django_assert_num_queries(0):
        assert unread_notifications(request) == {}


def test_preferences_form_shows_the_defaults(client, asha) -> None:  # type: ignore[no-untyped-def]
    html = client.get(PREFERENCES).content.decode()

    assert 'name="telegram_enabled"' in html
    assert re.search(r'<input type="checkbox" name="telegram_enabled"[^>]*>', html)
    assert (
        "checked"
        not in re.search(r'<input type="checkbox" name="telegram_enabled"[^>]*>', html).group()
    )  # type: ignore[union-attr]
    assert html.count('name="email_kinds"') == len(Kind.values)
    assert "Your account has no email address yet." in html


def test_telegram_on_without_a_chat_id_is_refused_clearly_and_saves_nothing(client, asha) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        PREFERENCES, {"telegram_enabled": "on", "telegram_chat_id": "", "telegram_kinds": ["alert"]}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter your Telegram chat ID to turn Telegram on." in html
    assert '<ul class="errorlist"' in html
    assert not ChannelPreference.objects.filter(user=asha).exists()
    assert not AuditEvent.objects.filter(action="notification.preferences_changed").exists()


def test_email_on_without_an_address_is_refused(client, asha) -> None:  # type: ignore[no-untyped-def]
    response = client.post(PREFERENCES, {"email_enabled": "on", "email_kinds": ["alert"]})

    assert "Your account has no email address." in response.content.decode()
    assert not ChannelPreference.objects.filter(user=asha).exists()


def test_an_unknown_kind_is_refused_by_the_form(client, asha) -> None:  # type: ignore[no-untyped-def]
    response = client.post(PREFERENCES, {"email_kinds": ["gossip"]})

    assert "Select a valid choice." in response.content.decode()
    assert not ChannelPreference.objects.filter(user=asha).exists()


def test_valid_preferences_are_saved_and_confirmed(client, asha) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        PREFERENCES,
        {
            "telegram_enabled": "on",
            "telegram_chat_id": "123456789",
            "telegram_kinds": ["takedown", "roster_gap"],
        },
        follow=True,
    )

    preference = ChannelPreference.objects.get(user=asha)
    assert response.redirect_chain == [(PREFERENCES, 302)]
    assert "Your notification preferences are saved." in response.content.decode()
    assert (preference.telegram_enabled, preference.telegram_chat_id) == (True, "123456789")
    assert preference.telegram_kinds == ["roster_gap", "takedown"]
    assert preference.email_enabled is False
    event = AuditEvent.objects.get(action="notification.preferences_changed")
    assert event.source_address == "127.0.0.1"
