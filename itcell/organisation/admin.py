from django.contrib import admin

from itcell.audit.admin_audit import AuditedAdmin
from itcell.organisation import models


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(models.Desk)
class DeskAdmin(AuditedAdmin):
    list_display = ["name_en", "name_hi", "kind", "district", "election", "is_active"]
    list_filter = ["election", "kind", "is_active"]
    search_fields = ["name_en", "name_hi"]
    filter_horizontal = ["acs"]
    inlines = [MembershipInline]


@admin.register(models.Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "desk", "is_active"]
    list_filter = ["role", "is_active", "desk__election"]
    search_fields = ["user__username", "user__display_name", "desk__name_en"]
    raw_id_fields = ["user", "desk"]


@admin.register(models.ShiftTemplate)
class ShiftTemplateAdmin(AuditedAdmin):
    list_display = ["name", "first_start", "shift_hours"]


@admin.register(models.Shift)
class ShiftAdmin(AuditedAdmin):
    list_display = ["user", "desk", "starts_at", "ends_at", "checked_in_at", "checked_out_at"]
    list_filter = ["desk__election", "desk__kind"]
    raw_id_fields = ["user", "desk"]


@admin.register(models.Handover)
class HandoverAdmin(AuditedAdmin):
    list_display = ["desk", "written_by", "written_at", "acknowledged_by", "acknowledged_at"]
    raw_id_fields = ["desk", "written_by", "acknowledged_by"]


@admin.register(models.Invitation)
class InvitationAdmin(AuditedAdmin):
    list_display = ["display_name", "desk", "role", "expires_at", "accepted_at"]
    exclude = ["token_hash"]
    raw_id_fields = ["desk", "created_by", "accepted_by"]
