"""The inbox and the preferences screen in headless Chromium, as a member uses them."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy
from playwright.sync_api import expect

from itcell.notifications.errors import Reason
from itcell.notifications.models import ChannelPreference, Kind, Push
from itcell.notifications.services import notify

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("itcell.notifications.tests.urls"),
]


def test_member_reads_the_inbox_and_marks_items_read(page, log_in) -> None:  # type: ignore[no-untyped-def]
    asha = log_in("asha")
    ChannelPreference.objects.create(user=asha, telegram_enabled=True, telegram_chat_id="111")
    (handover,) = notify(
        recipients=[asha], kind=Kind.HANDOVER, title="Handover at 18:00", url="/e/bihar-2020/"
    )
    (alert,) = notify(
        recipients=[asha], kind=Kind.ALERT, title="Fake video in AC 52", body="Seen 40 times."
    )
    Push.objects.filter(notification=alert).update(
        state=Push.State.UNREACHABLE, reason=Reason.BLOCKED, attempts=1
    )

    page.goto("/notifications/")

    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(page.get_by_test_id("unread-summary")).to_contain_text("2 unread notifications")
    item = page.locator(f"#notification-{alert.pk}")
    expect(item).to_contain_text("Fake video in AC 52")
    expect(item.get_by_test_id("push-notice")).to_have_text(
        re.compile(r"^Telegram could not reach you: bot was blocked\. Unblock")
    )
    expect(page.get_by_role("link", name="Handover at 18:00")).to_have_attribute(
        "href", "/e/bihar-2020/"
    )

    item.get_by_role("button", name="Mark read").click()

    expect(item.get_by_role("button", name="Mark read")).to_have_count(0)
    expect(page.get_by_test_id("unread-summary")).to_contain_text("1 unread notification")

    page.get_by_role("button", name="Mark all read").click()

    expect(page.get_by_test_id("unread-summary")).to_have_text(
        re.compile("You have read everything.")
    )
    expect(page.locator(f"#notification-{handover.pk}.unread")).to_have_count(0)


def test_hindi_reader_sees_the_notification_in_hindi(page, log_in) -> None:  # type: ignore[no-untyped-def]
    asha = log_in("asha", preferred_language="hi")
    notify(recipients=[asha], kind=Kind.ALERT, title=gettext_lazy("Constituencies"))
    with translation.override("hi"):
        expected = translation.gettext("Constituencies")
    assert expected != "Constituencies"

    page.goto("/notifications/")

    expect(page.locator(".notification h2")).to_have_text(expected)


def test_member_turns_telegram_on_and_is_told_what_is_missing(page, log_in) -> None:  # type: ignore[no-untyped-def]
    asha = log_in("asha")
    page.goto("/notifications/preferences/")

    page.get_by_label("Send me notifications by Telegram").check()
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".errorlist")).to_contain_text(
        "Enter your Telegram chat ID to turn Telegram on."
    )
    assert not ChannelPreference.objects.filter(user=asha).exists()

    page.get_by_label("Telegram chat ID").fill("123456789")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text("Your notification preferences are saved.")
    expect(page.get_by_label("Send me notifications by Telegram")).to_be_checked()
    assert ChannelPreference.objects.get(user=asha).telegram_chat_id == "123456789"
