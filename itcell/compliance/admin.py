"""The compliance admin: each election's rule book (its thresholds and lists), print jobs and
campaign events (checked against the rules when saved: a block refuses the save, a warning
is shown), the AI register, and the records the screens write (read-only here)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from itcell.audit.admin_audit import AuditedAdmin
from itcell.compliance import engine
from itcell.compliance.engine import Severity, evaluate
from itcell.compliance.models import (
    Application,
    CampaignEvent,
    Certificate,
    FindingRecord,
    Override,
    PrintJob,
    RuleBook,
    Spend,
    SyntheticMedium,
    Takedown,
)
from itcell.compliance.selectors import get_context
from itcell.compliance.services import file_hash
from itcell.core import clock


@admin.register(RuleBook)
class RuleBookAdmin(AuditedAdmin):
    list_display = ["election", "covid_rules", "spend_warn_pct", "takedown_hours"]


class CheckedForm(forms.ModelForm):
    """Runs the rules for the row's subject on save: blocks refuse it, the rest are shown."""

    def subject(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        election = data.get("election")
        if election is None or self.errors:
            return data
        ctx = get_context(election=election, at=clock.now(), places=False)
        self.findings = evaluate(self.subject(data), ctx)
        for finding in self.findings:
            if finding.severity == Severity.BLOCK:
                self.add_error(None, f"{finding.rule}: {finding.message}")
        return data


class PrintJobForm(CheckedForm):
    class Meta:
        model = PrintJob
        exclude: list[str] = []

    def subject(self, data: dict[str, Any]) -> engine.PrintJob:
        return engine.PrintJob(
            printer=data.get("printer", ""),
            publisher=data.get("publisher", ""),
            declaration_on_file=data.get("declaration_on_file", False),
            witnesses=data.get("witnesses") or 0,
            printed_at=data.get("printed_at"),
            filed_with_dm_at=data.get("filed_with_dm_at"),
            meeting_notice_only=data.get("meeting_notice_only", False),
            is_ad=data.get("is_ad", False),
            publish_on=data.get("publish_on"),
            target_acs=frozenset(ac.number for ac in data.get("acs") or []),
            certificate=data.get("certificate", ""),
        )


class CampaignEventForm(CheckedForm):
    class Meta:
        model = CampaignEvent
        exclude: list[str] = []

    def subject(self, data: dict[str, Any]) -> engine.Event:
        return engine.Event(
            kind=data["kind"],
            starts_at=data["starts_at"],
            acs=frozenset(ac.number for ac in data.get("acs") or []),
            statewide=data.get("statewide", False),
            team_size=data.get("team_size") or 0,
            vehicles_per_set=data.get("vehicles_per_set") or 0,
            gap_minutes=data.get("gap_minutes") or 0,
            venue_approved=data.get("venue_approved", True),
            attendance=data.get("attendance") or 0,
            companions=data.get("companions") or 0,
            signed_off=data.get("signed_off_by") is not None,
        )


class CheckedAdmin(AuditedAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        for finding in getattr(form, "findings", []):
            messages.warning(request, f"{finding.rule}: {finding.message}")


@admin.register(PrintJob)
class PrintJobAdmin(CheckedAdmin):
    form = PrintJobForm
    list_display = ["title", "election", "printed_at", "filed_with_dm_at", "is_ad", "publish_on"]
    list_filter = ["election", "is_ad"]
    filter_horizontal = ["acs"]


@admin.register(CampaignEvent)
class CampaignEventAdmin(CheckedAdmin):
    form = CampaignEventForm
    list_display = ["title", "kind", "starts_at", "statewide", "signed_off_by"]
    list_filter = ["election", "kind"]
    filter_horizontal = ["acs"]


@admin.register(SyntheticMedium)
class SyntheticMediumAdmin(AuditedAdmin):
    """The AI register (R-AI-7): the file's hash is taken when the entry is saved."""

    list_display = ["medium", "tool", "creator", "agency", "made_at", "creator_disclosed"]
    readonly_fields = ["file_hash"]
    exclude = ["registered_by"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.file_hash = file_hash(obj.medium)
        obj.registered_by = request.user
        super().save_model(request, obj, form, change)


class RecordAdmin(admin.ModelAdmin):
    """Written by the compliance screens and services only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for model in (Application, Certificate, Spend, Takedown, Override, FindingRecord):
    admin.site.register(model, RecordAdmin)
