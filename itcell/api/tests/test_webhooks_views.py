"""The head's webhook screens: only the head reaches them; a subscription is added with its
events, its secret shown once and kept sealed; the delivery log, pause, ping and retry."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from itcell.api import webhooks
from itcell.api.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from itcell.audit.models import AuditEvent
from itcell.core import clock

pytestmark = pytest.mark.django_db

NOW = datetime(2020, 10, 20, 6, 40, tzinfo=UTC)
HOOK = "https://data.example.org/itcell"


@pytest.fixture(autouse=True)
def now() -> datetime:
    clock.set_now(NOW)
    return NOW


def url(cell, name: str = "webhooks", *args: int) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"api:{name}", args=[cell.election.slug, *args])


def subscribed(cell):  # type: ignore[no-untyped-def]
    """The head's subscription of "Data team" to approved posts."""
    return webhooks.subscribe(
        election=cell.election,
        name="Data team",
        url=HOOK,
        events=["post.approved"],
        actor=cell.head,
    ).subscription


def create(client, cell, **data):  # type: ignore[no-untyped-def]
    form = {"name": "Data team", "url": HOOK, "events": ["post.approved", "alert.raised"]}
    return client.post(url(cell), form | data)


@pytest.mark.parametrize("who", ["writer", "lead", "spokesperson"])
def test_only_the_head_reaches_the_screens(client, cell, who):
    subscription = subscribed(cell)
    client.force_login(getattr(cell, who))
    assert client.get(url(cell)).status_code == 404
    assert client.get(url(cell, "webhook", subscription.pk)).status_code == 404
    assert create(client, cell).status_code == 404
    assert (
        client.post(url(cell, "webhook_active", subscription.pk), {"active": "0"}).status_code
        == 404
    )
    assert WebhookSubscription.objects.count() == 1
    assert WebhookSubscription.objects.get().is_active


def test_the_head_subscribes_and_sees_the_secret_once(client, cell):
    client.force_login(cell.head)
    response = create(client, cell)
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    secret = webhooks.secret_of(subscription)
    page = response.content.decode()
    assert secret in page
    assert "not shown again" in page
    assert subscription.events == ["post.approved", "alert.raised"]
    assert (subscription.name, subscription.url, subscription.created_by) == (
        "Data team",
        HOOK,
        cell.head,
    )
    # Sealed at rest; never in the audit trail; not on any later page.
    assert secret not in subscription.sealed_secret
    event = AuditEvent.objects.get(action="webhook.subscribed")
    assert event.actor == cell.head
    assert secret not in str([event.before, event.after, event.object_repr])
    listing = client.get(url(cell)).content.decode()
    assert "Data team" in listing
    assert secret not in listing
    assert secret not in client.get(url(cell, "webhook", subscription.pk)).content.decode()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("http://data.example.org/hook", "must start with https://"),
        ("data.example.org/hook", "full address"),
        ("https://user:pw@data.example.org/", "user name and password"),
        ("http://127.0.0.1:8000/hook", "must start with https://"),  # local only when developing
    ],
)
def test_a_bad_address_is_refused_with_a_message_by_the_field(client, cell, address, message):
    client.force_login(cell.head)
    response = create(client, cell, url=address)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["url"]
    assert message in errors["url"][0]
    assert "The subscription was not added" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_a_local_address_is_allowed_while_developing(client, cell, settings):
    settings.ITCELL_WEBHOOK_ALLOW_LOCAL = True
    client.force_login(cell.head)
    create(client, cell, url="http://127.0.0.1:8000/hook")
    assert WebhookSubscription.objects.get().url == "http://127.0.0.1:8000/hook"


def test_no_name_and_no_events_are_refused(client, cell):
    client.force_login(cell.head)
    response = client.post(url(cell), {"name": "", "url": HOOK})
    assert set(response.context["form"].errors) == {"name", "events"}
    assert "Choose at least one event." in response.content.decode()
    response = create(client, cell, events=["ping"])  # sent by hand only, not subscribed to
    assert set(response.context["form"].errors) == {"events"}
    assert not WebhookSubscription.objects.exists()


def deliveries(subscription: WebhookSubscription, count: int) -> list[WebhookDelivery]:
    made = []
    for i in range(count):
        made.append(
            WebhookDelivery.objects.create(
                subscription=subscription,
                event=WebhookEvent.POST_APPROVED,
                event_id=f"00000000-0000-4000-8000-{i:012d}",
                payload={"id": i, "event": "post.approved", "data": {"post": {"title": f"P{i}"}}},
                created_at=NOW + timedelta(minutes=i),
                state=WebhookDelivery.State.DELIVERED,
                attempts=1,
                last_status=200,
            )
        )
    return made


def test_the_list_counts_deliveries_by_state(client, cell, django_assert_max_num_queries):
    subscription = subscribed(cell)
    first, second, _third = deliveries(subscription, 3)
    WebhookDelivery.objects.filter(pk=first.pk).update(state="failed")
    WebhookDelivery.objects.filter(pk=second.pk).update(state="pending")
    client.force_login(cell.head)
    with django_assert_max_num_queries(12):
        response = client.get(url(cell))
    [row] = response.context["subscriptions"]
    assert (row.delivered, row.pending, row.failed) == (1, 1, 1)
    page = response.content.decode()
    assert 'role="region"' in page
    assert "Post approved" in page


def test_the_log_shows_the_newest_first_page_by_page(client, cell):
    subscription = subscribed(cell)
    deliveries(subscription, 30)
    client.force_login(cell.head)
    response = client.get(url(cell, "webhook", subscription.pk))
    page = response.content.decode()
    assert [d.payload["id"] for d, _payload in response.context["rows"]][:3] == [29, 28, 27]
    assert len(response.context["rows"]) == 25
    assert "Page 1 of 2" in page
    assert "12:39 IST" in page  # NOW + 29 minutes, in India's time
    assert "<details>" in page
    assert "&quot;P29&quot;" in page
    older = client.get(url(cell, "webhook", subscription.pk) + "?page=2")
    assert len(older.context["rows"]) == 5


def test_pause_resume_ping_and_retry_from_the_log(client, cell):
    subscription = subscribed(cell)
    [failed] = deliveries(subscription, 1)
    WebhookDelivery.objects.filter(pk=failed.pk).update(state="failed", attempts=7, last_status=500)
    client.force_login(cell.head)
    log = url(cell, "webhook", subscription.pk)

    assert "Retry now" in client.get(log).content.decode()
    response = client.post(url(cell, "webhook_retry", subscription.pk, failed.pk), follow=True)
    assert "Sending it again now." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.state, failed.next_attempt_at) == ("pending", NOW)

    response = client.post(url(cell, "webhook_ping", subscription.pk), follow=True)
    assert "Test ping queued" in response.content.decode()
    assert subscription.deliveries.filter(event="ping").count() == 1

    client.post(url(cell, "webhook_active", subscription.pk), {"active": "0"})
    subscription.refresh_from_db()
    assert not subscription.is_active
    page = client.get(log).content.decode()
    assert "Resume" in page
    assert "Send a test ping" not in page
    client.post(url(cell, "webhook_active", subscription.pk), {"active": "1"})
    subscription.refresh_from_db()
    assert subscription.is_active

    actions = AuditEvent.objects.filter(action__startswith="webhook.").values_list(
        "action", flat=True
    )
    assert list(actions) == [
        "webhook.subscribed",
        "webhook.retried",
        "webhook.pinged",
        "webhook.paused",
        "webhook.resumed",
    ]


def test_another_elections_subscription_is_not_found(client, cell):
    from datetime import date

    from itcell.elections.services import create_or_shift_exercise

    exercise = create_or_shift_exercise(source=cell.election, first_poll_on=date(2021, 3, 1))
    other = webhooks.subscribe(
        election=exercise, name="Elsewhere", url=HOOK, events=["post.approved"], actor=cell.head
    ).subscription
    client.force_login(cell.head)
    assert client.get(url(cell, "webhook", other.pk)).status_code == 404
