"""Telling members: inbox items in each reader's language, dedupe, who is woken, reading,
preferences, and the audit trail every write leaves."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.core.errors import InvalidInput
from itcell.notifications import services
from itcell.notifications.models import ChannelPreference, Kind, Notification, Push
from itcell.notifications.services import (
    mark_all_read,
    mark_read,
    notify,
    retry_delay,
    set_preferences,
)

T0 = datetime(2020, 10, 26, 12, 30, tzinfo=UTC)


def hindi(message: str) -> str:
    with translation.override("hi"):
        text = translation.gettext(message)
    assert text != message, f"no Hindi for {message!r} in the catalogue"
    return text


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


@pytest.mark.django_db
def test_each_recipient_reads_the_notification_in_their_own_language(member) -> None:  # type: ignore[no-untyped-def]
    ravi, asha = member("ravi", language="en"), member("asha", language="hi")

    with translation.override("en"):
        notify(
            recipients=[ravi, asha],
            kind=Kind.ALERT,
            title=gettext_lazy("Constituencies"),
            body=format_lazy("{}: 52", gettext_lazy("Search")),
        )

    assert Notification.objects.values_list("title", "body").get(recipient=ravi) == (
        "Constituencies",
        "Search: 52",
    )
    assert Notification.objects.values_list("title", "body").get(recipient=asha) == (
        hindi("Constituencies"),
        f"{hindi('Search')}: 52",
    )


@pytest.mark.django_db
def test_notify_creates_one_inbox_item_per_recipient_and_one_audit_event(member) -> None:  # type: ignore[no-untyped-def]
    people = [member("a"), member("b"), member("c")]
    before = AuditEvent.objects.count()

    created = notify(
        recipients=[*people, people[0]],
        kind=Kind.HANDOVER,
        title="Handover at 18:00",
        body="Read the notes before you take over.",
        url="/e/bihar-2020/",
    )

    assert sorted(n.recipient_id for n in created) == sorted(p.pk for p in people)
    assert all(n.read_at is None and n.url == "/e/bihar-2020/" for n in created)
    (event,) = AuditEvent.objects.all()[before:]
    assert event.action == "notification.created"
    assert event.after is not None
    assert event.after["kind"] == "handover"
    assert sorted(event.after["notifications"].values()) == sorted(n.pk for n in created)


@pytest.mark.django_db
def test_a_repeated_alert_does_not_pile_up_while_unread(member) -> None:  # type: ignore[no-untyped-def]
    asha = member("asha")
    gap = {"kind": Kind.ROSTER_GAP, "title": "AC 52 has nobody on shift", "dedupe_key": "gap:52"}

    first = notify(recipients=[asha], **gap)
    again = notify(recipients=[asha], **gap)

    assert len(first) == 1
    assert again == []
    assert Notification.objects.filter(recipient=asha).count() == 1
    assert len(events("notification.created")) == 1


@pytest.mark.django_db
def test_the_same_alert_comes_back_once_the_first_was_read(member) -> None:  # type: ignore[no-untyped-def]
    asha = member("asha")
    gap = {"kind": Kind.ROSTER_GAP, "title": "AC 52 has nobody on shift", "dedupe_key": "gap:52"}
    (first,) = notify(recipients=[asha], **gap)
    mark_read(user=asha, notification_ids=[first.pk])

    again = notify(recipients=[asha], **gap)

    assert len(again) == 1
    assert Notification.objects.filter(recipient=asha, dedupe_key="gap:52").count() == 2


@pytest.mark.django_db
def test_dedupe_is_per_recipient(member) -> None:  # type: ignore[no-untyped-def]
    asha, ravi = member("asha"), member("ravi")
    notify(recipients=[asha], kind=Kind.ALERT, title="x", dedupe_key="k")

    created = notify(recipients=[asha, ravi], kind=Kind.ALERT, title="x", dedupe_key="k")

    assert [n.recipient_id for n in created] == [ravi.pk]


@pytest.mark.django_db
def test_a_concurrent_duplicate_is_skipped_by_the_database(member, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asha, ravi = member("asha"), member("ravi")
    notify(recipients=[asha], kind=Kind.ALERT, title="x", dedupe_key="k")
    # As if another notify committed asha's item between our check and our insert: the
    # first check sees nothing, later ones see the database as it is.
    real_check, calls = services._unread_with_key, []

    def late_check(people, key):  # type: ignore[no-untyped-def]
        calls.append(people)
        return set() if len(calls) == 1 else real_check(people, key)

    monkeypatch.setattr(services, "_unread_with_key", late_check)

    created = notify(recipients=[asha, ravi], kind=Kind.ALERT, title="x", dedupe_key="k")

    assert [n.recipient_id for n in created] == [ravi.pk]
    assert Notification.objects.filter(dedupe_key="k").count() == 2


@pytest.mark.django_db(transaction=True)
def test_push_goes_only_to_members_in_push_to(member, outbox, tasks_inline) -> None:  # type: ignore[no-untyped-def]
    on_duty = member("on-duty", telegram="111")
    off_duty = member("off-duty", telegram="222")

    created = notify(
        recipients=[on_duty, off_duty],
        kind=Kind.ALERT,
        title="Fake video spreading in AC 52",
        push_to={on_duty.pk},
    )

    assert len(created) == 2
    assert [(s.channel, s.address) for s in outbox] == [("telegram", "111")]
    assert Push.objects.get().notification.recipient == on_duty


@pytest.mark.django_db(transaction=True)
def test_push_to_none_wakes_every_recipient_on_each_channel_they_chose(  # type: ignore[no-untyped-def]
    member, outbox, tasks_inline
) -> None:
    both = member("both", email="both@x.in", telegram="111")
    inbox_only = member("inbox-only")

    notify(recipients=[both, inbox_only], kind=Kind.SYSTEM, title="t")

    assert sorted((s.channel, s.address) for s in outbox) == [
        ("email", "both@x.in"),
        ("telegram", "111"),
    ]
    assert set(Push.objects.values_list("state", flat=True)) == {Push.State.SENT}


@pytest.mark.django_db(transaction=True)
def test_each_channel_carries_only_the_kinds_the_member_chose(member, outbox, tasks_inline) -> None:  # type: ignore[no-untyped-def]
    asha = member("asha", telegram="111", kinds=(Kind.TAKEDOWN,))

    notify(recipients=[asha], kind=Kind.REVIEW_REQUEST, title="Review post 7")
    notify(recipients=[asha], kind=Kind.TAKEDOWN, title="Takedown due in 3 hours")

    assert [s.message.title for s in outbox] == ["Takedown due in 3 hours"]
    assert Notification.objects.filter(recipient=asha).count() == 2


@pytest.mark.django_db
def test_pushes_wait_for_the_commit(
    member, outbox, tasks_inline, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    asha = member("asha", telegram="111")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[asha], kind=Kind.ALERT, title="t")
        assert outbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert len(outbox) == 1


@pytest.mark.django_db
def test_a_link_must_be_a_path_inside_itcell(member) -> None:  # type: ignore[no-untyped-def]
    for url in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        with pytest.raises(ValueError, match="path inside itcell"):
            notify(recipients=[member(f"u{len(url)}")], kind=Kind.ALERT, title="t", url=url)


@pytest.mark.django_db
def test_an_unknown_kind_is_refused(member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="gossip"):
        notify(recipients=[member("asha")], kind="gossip", title="t")


@pytest.mark.django_db
def test_a_long_title_is_cut_to_one_line_that_fits(member) -> None:  # type: ignore[no-untyped-def]
    (n,) = notify(recipients=[member("asha")], kind=Kind.ALERT, title="a\nb " + "x" * 300)

    assert len(n.title) == 200
    assert n.title.startswith("a b x")
    assert n.title.endswith("…")


@pytest.mark.django_db
def test_mark_read_touches_only_the_readers_own_unread_items(member) -> None:  # type: ignore[no-untyped-def]
    asha, ravi = member("asha"), member("ravi")
    with clock.frozen(T0):
        mine, other = notify(recipients=[asha, ravi], kind=Kind.ALERT, title="t")
        changed = mark_read(user=asha, notification_ids=[mine.pk, other.pk])
        again = mark_read(user=asha, notification_ids=[mine.pk])

    mine.refresh_from_db()
    other.refresh_from_db()
    assert (changed, again) == (1, 0)
    assert (mine.read_at, other.read_at) == (T0, None)
    (event,) = events("notification.read")
    assert event.actor == asha
    assert event.after == {"ids": [mine.pk]}


@pytest.mark.django_db
def test_mark_all_read(member) -> None:  # type: ignore[no-untyped-def]
    asha, ravi = member("asha"), member("ravi")
    for title in ("one", "two"):
        notify(recipients=[asha, ravi], kind=Kind.ALERT, title=title)

    assert mark_all_read(user=asha) == 2
    assert mark_all_read(user=asha) == 0

    assert not Notification.objects.filter(recipient=asha, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=ravi, read_at__isnull=True).count() == 2
    assert len(events("notification.all_read")) == 1


@pytest.mark.django_db
def test_preferences_default_to_the_inbox_only(member) -> None:  # type: ignore[no-untyped-def]
    from itcell.notifications.selectors import get_preferences

    preference = get_preferences(member("asha"))

    assert (preference.email_enabled, preference.telegram_enabled) == (False, False)
    assert preference.email_kinds == preference.telegram_kinds == list(Kind.values)
    assert preference.channels_for(Kind.ALERT) == []


@pytest.mark.django_db
def test_set_preferences_saves_and_audits_a_change(member) -> None:  # type: ignore[no-untyped-def]
    asha = member("asha")
    choice = {
        "email_enabled": False,
        "email_kinds": [],
        "telegram_enabled": True,
        "telegram_chat_id": " 123456789 ",
        "telegram_kinds": [Kind.TAKEDOWN, Kind.ALERT],
    }

    set_preferences(user=asha, **choice)
    set_preferences(user=asha, **choice)

    preference = ChannelPreference.objects.get(user=asha)
    assert preference.telegram_chat_id == "123456789"
    assert preference.telegram_kinds == ["alert", "takedown"]
    assert preference.channels_for(Kind.TAKEDOWN) == ["telegram"]
    (event,) = events("notification.preferences_changed")
    assert event.before == {
        "email_enabled": False,
        "email_kinds": list(Kind.values),
        "telegram_enabled": False,
        "telegram_chat_id": "",
        "telegram_kinds": list(Kind.values),
    }
    assert event.after is not None
    assert event.after["telegram_enabled"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("choice", "field", "message"),
    [
        (
            {"telegram_enabled": True, "telegram_chat_id": ""},
            "telegram_chat_id",
            "Enter your Telegram chat ID",
        ),
        (
            {"telegram_enabled": True, "telegram_chat_id": "my phone"},
            "telegram_chat_id",
            "is a number",
        ),
        ({"email_enabled": True}, "email_enabled", "no email address"),
        ({"email_kinds": ["gossip"]}, "email_kinds", "Unknown kinds: gossip"),
    ],
)
def test_a_refused_preference_saves_nothing(member, choice, field, message) -> None:  # type: ignore[no-untyped-def]
    asha = member("asha")
    values = {
        "email_enabled": False,
        "email_kinds": [],
        "telegram_enabled": False,
        "telegram_chat_id": "",
        "telegram_kinds": [],
        **choice,
    }

    with pytest.raises(InvalidInput) as caught:
        set_preferences(user=asha, **values)

    (problem,) = caught.value.problems
    assert problem.field == field
    assert message in problem.message
    assert not ChannelPreference.objects.filter(user=asha).exists()
    assert events("notification.preferences_changed") == []


def test_retry_waits_as_long_as_the_service_asks() -> None:
    assert retry_delay(attempts=1, retry_after=30) == timedelta(seconds=30)
    assert retry_delay(attempts=1, retry_after=0) == timedelta(seconds=1)


def test_retry_backs_off_then_gives_up() -> None:
    delays = [retry_delay(attempts=n, retry_after=None) for n in range(1, 7)]

    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8)] + [None, None]
