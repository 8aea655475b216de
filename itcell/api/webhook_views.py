"""The head's screens for webhook subscriptions: the list with a form to add one, and each
subscription's delivery log with pause, resume, a test ping and retrying a failed delivery.
Anyone else is answered 404, as for a missing subscription."""

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from itcell.api import webhooks
from itcell.api.models import WebhookEvent, WebhookSubscription
from itcell.core import clock
from itcell.core.errors import InvalidInput
from itcell.core.http import client_address
from itcell.organisation.access import Asker, SignedInRequest, asker_for
from itcell.organisation.roles import Action

PAGE_SIZE = 25


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    url = forms.CharField(
        label=gettext_lazy("Address (URL)"),
        max_length=500,
        help_text=gettext_lazy("Where the events are sent, as signed JSON. HTTPS only."),
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=[(e.value, e.label) for e in webhooks.SUBSCRIBABLE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one event.")},
    )

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"].strip()
        if (problem := webhooks.url_problem(url)) is not None:
            raise forms.ValidationError(problem)
        return url


def _head(request: SignedInRequest, slug: str) -> Asker:
    asker = asker_for(request, slug)
    asker.require(Action.MANAGE_INTEGRATIONS)
    return asker


def _subscription(asker: Asker, subscription_id: int) -> WebhookSubscription:
    subscription = webhooks.find_subscription(
        election=asker.election, subscription_id=subscription_id
    )
    if subscription is None:
        raise Http404
    return subscription


def _page(request: SignedInRequest, asker: Asker, template: str, **extra: Any) -> HttpResponse:
    return render(
        request,
        f"api/{template}",
        {"election": asker.election, "asker": asker, "now": clock.now(), **extra},
    )


@require_http_methods(["GET", "POST"])
def subscriptions(request: SignedInRequest, slug: str) -> HttpResponse:
    """The subscriptions, and the form to add one; after adding, its secret, this once."""
    asker = _head(request, slug)
    form = SubscriptionForm(request.POST if request.method == "POST" else None)
    created = None
    if form.is_bound and form.is_valid():
        try:
            created = webhooks.subscribe(
                election=asker.election,
                actor=asker.user,
                source_address=client_address(request),
                **form.cleaned_data,
            )
        except InvalidInput as error:
            for problem in error.problems:
                form.add_error(problem.field or None, problem.message)
        else:
            form = SubscriptionForm()
    return _page(
        request,
        asker,
        "webhooks.html",
        form=form,
        created=created,
        subscriptions=webhooks.list_subscriptions(election=asker.election),
        event_labels=dict(WebhookEvent.choices),
    )


def subscription(request: SignedInRequest, slug: str, subscription_id: int) -> HttpResponse:
    """One subscription's delivery log, newest first."""
    asker = _head(request, slug)
    subscription = _subscription(asker, subscription_id)
    page = Paginator(subscription.deliveries.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request,
        asker,
        "webhook.html",
        subscription=subscription,
        page=page,
        rows=[(d, json.dumps(d.payload, indent=2, ensure_ascii=False)) for d in page],
        event_labels=dict(WebhookEvent.choices),
    )


@require_POST
def set_active(request: SignedInRequest, slug: str, subscription_id: int) -> HttpResponse:
    asker = _head(request, slug)
    subscription = _subscription(asker, subscription_id)
    active = request.POST.get("active") == "1"
    webhooks.set_active(
        subscription=subscription,
        active=active,
        actor=asker.user,
        source_address=client_address(request),
    )
    messages.success(request, _("Resumed.") if active else _("Paused: nothing is sent to it."))
    return redirect("api:webhook", slug, subscription.pk)


@require_POST
def ping(request: SignedInRequest, slug: str, subscription_id: int) -> HttpResponse:
    asker = _head(request, slug)
    subscription = _subscription(asker, subscription_id)
    try:
        webhooks.send_ping(
            subscription=subscription, actor=asker.user, source_address=client_address(request)
        )
    except webhooks.WebhookError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Test ping queued: its outcome appears in the log."))
    return redirect("api:webhook", slug, subscription.pk)


@require_POST
def retry(
    request: SignedInRequest, slug: str, subscription_id: int, delivery_id: int
) -> HttpResponse:
    asker = _head(request, slug)
    subscription = _subscription(asker, subscription_id)
    delivery = webhooks.find_delivery(subscription=subscription, delivery_id=delivery_id)
    if delivery is None:
        raise Http404
    try:
        webhooks.retry_delivery(
            delivery=delivery, actor=asker.user, source_address=client_address(request)
        )
    except webhooks.WebhookError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Sending it again now."))
    return redirect("api:webhook", slug, subscription.pk)
