from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from itcell.accounts.models import User
from itcell.core.errors import InvalidInput
from itcell.core.http import HtmxHttpRequest, client_address
from itcell.notifications import selectors, services
from itcell.notifications.forms import PreferencesForm

PAGE_SIZE = 50
STOP_POLLING = 286  # htmx stops an `every` poll on this status


def _member(request: HttpRequest) -> User:
    # LoginRequiredMiddleware lets only signed-in members reach these views.
    return cast(User, request.user)


@require_GET
def inbox(request: HtmxHttpRequest) -> HttpResponse:
    user = _member(request)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.list_inbox(user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only, "unread_count": selectors.count_unread(user)},
    )


@require_POST
def mark_read(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = _member(request)
    notification = selectors.access_notification(user=user, notification_id=pk)
    services.mark_read(user=user, notification_ids=[pk], source_address=client_address(request))
    if not request.htmx:
        return redirect("notifications:inbox")
    notification.refresh_from_db(fields=["read_at"])
    return render(
        request,
        "notifications/_marked_read.html",
        {"notification": notification, "unread_count": selectors.count_unread(user)},
    )


@require_POST
def mark_all_read(request: HtmxHttpRequest) -> HttpResponse:
    user = _member(request)
    services.mark_all_read(user=user, source_address=client_address(request))
    if not request.htmx:
        return redirect("notifications:inbox")
    page = Paginator(selectors.list_inbox(user), PAGE_SIZE).get_page(1)
    return render(
        request,
        "notifications/_all_read.html",
        {"page": page, "unread_only": False, "unread_count": 0},
    )


def preferences(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.set_preferences(
                    user=user, **form.cleaned_data, source_address=client_address(request)
                )
            except InvalidInput as error:
                for problem in error.problems:
                    form.add_error(problem.field or None, problem.message)
            else:
                messages.success(request, _("Your notification preferences are saved."))
                return redirect("notifications:preferences")
    else:
        current = selectors.get_preferences(user)
        form = PreferencesForm(
            initial={
                "email_enabled": current.email_enabled,
                "email_kinds": current.email_kinds,
                "telegram_enabled": current.telegram_enabled,
                "telegram_chat_id": current.telegram_chat_id,
                "telegram_kinds": current.telegram_kinds,
            }
        )
    return render(request, "notifications/preferences.html", {"form": form})


@login_not_required
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    # Open to anonymous requests so a header polling after the session ended stops quietly,
    # instead of following the login redirect and pasting the login page into the header.
    if not request.user.is_authenticated:
        return HttpResponse(status=STOP_POLLING)
    return render(
        request,
        "notifications/_unread_badge.html",
        {"unread_count": selectors.count_unread(_member(request))},
    )
