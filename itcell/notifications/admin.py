from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from itcell.notifications.models import ChannelPreference, Notification, Push

PUSH_FIELDS = (
    "channel",
    "state",
    "attempts",
    "reason",
    "detail",
    "next_attempt_at",
    "updated_at",
)


class ReadOnly:
    """Shown for looking into a member's report; every change goes through services, which
    keep the audit trail."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PushInline(ReadOnly, admin.TabularInline[Push, Notification]):
    model = Push
    fields = PUSH_FIELDS
    readonly_fields = PUSH_FIELDS


@admin.register(Notification)
class NotificationAdmin(ReadOnly, admin.ModelAdmin[Notification]):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username", "dedupe_key"]
    list_select_related = ["recipient"]
    inlines = [PushInline]


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(ReadOnly, admin.ModelAdmin[ChannelPreference]):
    list_display = ["user", "email_enabled", "telegram_enabled", "updated_at"]
    list_select_related = ["user"]
