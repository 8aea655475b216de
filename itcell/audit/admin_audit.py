"""Writes made in Django's admin leave audit events too, like every service's writes.

Every ModelAdmin of itcell derives from ``AuditedAdmin``: adding, changing (with the fields
changed, inlines included) and deleting a row each append one event, in the admin's own
transaction, with the person and their address.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from itcell.audit.services import record
from itcell.core.http import client_address


def _value(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple | set) or (
        hasattr(value, "__iter__") and not isinstance(value, str | bytes | dict)
    ):
        return [_value(v) for v in value]
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        fields = form.changed_data if change else list(form.cleaned_data)
        record(
            actor=request.user,
            action=f"admin.{obj._meta.label_lower}.{'changed' if change else 'added'}",
            obj=obj,
            after={name: _value(form.cleaned_data.get(name)) for name in fields},
            source_address=client_address(request),
        )

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseFormSet, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        changed = [
            *(("added", o) for o in getattr(formset, "new_objects", [])),
            *(("changed", o) for o, _fields in getattr(formset, "changed_objects", [])),
            *(("deleted", o) for o in getattr(formset, "deleted_objects", [])),
        ]
        for verb, obj in changed:
            record(
                actor=request.user,
                action=f"admin.{obj._meta.label_lower}.{verb}",
                obj=obj,
                object_repr=str(obj),
                source_address=client_address(request),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self._record_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def _record_deletion(self, request: HttpRequest, obj: Any) -> None:
        record(
            actor=request.user,
            action=f"admin.{obj._meta.label_lower}.deleted",
            obj=obj,
            source_address=client_address(request),
        )
