"""Admin for sources (no secrets here: a source's options are addresses and mappings) and a
read-only view of items. Enabling and disabling go through the service, so each is audited
like every other admin write (``AuditedAdmin``)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from itcell.audit.admin_audit import AuditedAdmin
from itcell.core.http import client_address
from itcell.monitoring.errors import SourceError
from itcell.monitoring.models import Item, Source
from itcell.monitoring.services import set_source_enabled
from itcell.monitoring.sources import backend_choices, open_source, seal_secrets


class SourceForm(forms.ModelForm[Source]):
    """A source as the admin edits it: the backend chosen from the configured ones, its
    options checked by building it (as ``services.create_source`` does)."""

    backend = forms.ChoiceField(label=_("backend"), choices=backend_choices)

    class Meta:
        model = Source
        fields = ["election", "name", "backend", "options", "enabled", "interval_seconds"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("backend") and "options" in data:
            try:
                open_source(data["backend"], data["options"])
            except SourceError as exc:
                self.add_error("options", str(exc))
            else:
                data["options"] = seal_secrets(data["options"])  # never stored in clear
        return data


@admin.register(Source)
class SourceAdmin(AuditedAdmin):
    form = SourceForm
    list_display = [
        "name",
        "backend",
        "election",
        "enabled",
        "last_ok_at",
        "consecutive_failures",
        "next_poll_at",
    ]
    list_filter = ["election", "backend", "enabled"]
    search_fields = ["name"]
    readonly_fields = [
        "cursor",
        "last_polled_at",
        "last_ok_at",
        "last_error",
        "consecutive_failures",
        "next_poll_at",
    ]
    actions = ["enable", "disable"]

    @admin.action(description=_("Enable the selected sources"))
    def enable(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        self._set_enabled(request, queryset, enabled=True)

    @admin.action(description=_("Disable the selected sources"))
    def disable(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        self._set_enabled(request, queryset, enabled=False)

    def _set_enabled(
        self, request: HttpRequest, queryset: QuerySet[Source], *, enabled: bool
    ) -> None:
        for source in queryset:
            set_source_enabled(
                source=source,
                enabled=enabled,
                actor=request.user,
                source_address=client_address(request),
            )
        count = len(queryset)
        message = (
            ngettext("%(n)d source enabled.", "%(n)d sources enabled.", count)
            if enabled
            else ngettext("%(n)d source disabled.", "%(n)d sources disabled.", count)
        )
        self.message_user(request, message % {"n": count}, messages.SUCCESS)


@admin.register(Item)
class ItemAdmin(AuditedAdmin):
    """Items are what the public said: shown, never edited here."""

    list_display = ["published_at", "platform", "author", "author_kind", "language", "source"]
    list_filter = ["platform", "author_kind", "language"]
    list_select_related = ["source"]
    date_hierarchy = "published_at"
    # Millions of rows: no full count on every page, and search on the id only (indexed).
    show_full_result_count = False
    search_fields = ["=external_id"]
    readonly_fields = [f.name for f in Item._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
