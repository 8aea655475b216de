from django.contrib import admin

from itcell.audit.admin_audit import AuditedAdmin
from itcell.elections import models


@admin.register(models.State)
class StateAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_hi"]


@admin.register(models.District)
class DistrictAdmin(AuditedAdmin):
    list_display = ["name_en", "name_hi", "eci_name", "census_name", "state"]
    search_fields = ["name_en", "name_hi", "eci_name", "census_name"]
    exclude = ["boundary"]


@admin.register(models.ParliamentaryConstituency)
class PCAdmin(AuditedAdmin):
    list_display = ["number", "name_en", "name_hi", "reservation", "state"]
    search_fields = ["name_en", "name_hi"]


@admin.register(models.AssemblyConstituency)
class ACAdmin(AuditedAdmin):
    list_display = ["number", "name_en", "name_hi", "reservation", "district", "pc"]
    list_filter = ["reservation", "district"]
    search_fields = ["name_en", "name_hi", "=number"]
    exclude = ["boundary"]


@admin.register(models.Party)
class PartyAdmin(AuditedAdmin):
    list_display = ["short_name", "name_en", "name_hi"]
    search_fields = ["short_name", "name_en", "name_hi"]


class PhaseInline(admin.TabularInline):
    model = models.Phase
    extra = 0


class CeilingInline(admin.TabularInline):
    model = models.ExpenditureCeiling
    extra = 0


@admin.register(models.Election)
class ElectionAdmin(AuditedAdmin):
    list_display = ["slug", "name_en", "counting_date", "own_party", "exercise_of"]
    inlines = [PhaseInline, CeilingInline]
    raw_id_fields = ["exercise_of"]


@admin.register(models.ACPoll)
class ACPollAdmin(AuditedAdmin):
    list_display = ["ac", "election", "phase", "poll_close_at", "closes_early"]
    list_filter = ["election", "phase__number", "closes_early"]
    list_editable = ["poll_close_at", "closes_early"]
    search_fields = ["ac__name_en", "ac__name_hi", "=ac__number"]
    list_select_related = ["ac", "election", "phase"]


@admin.register(models.Alliance)
class AllianceAdmin(AuditedAdmin):
    list_display = ["short_name", "name_en", "election"]
    filter_horizontal = ["parties"]


@admin.register(models.SeatAllocation)
class SeatAllocationAdmin(AuditedAdmin):
    list_display = ["ac", "alliance", "party", "election"]
    list_filter = ["election", "alliance__short_name", "party"]
    list_select_related = ["ac", "alliance", "party", "election"]


@admin.register(models.Candidacy)
class CandidacyAdmin(AuditedAdmin):
    list_display = ["name", "party", "ac", "gender", "age", "election"]
    list_filter = ["election", "gender"]
    search_fields = ["name", "name_hi", "party__short_name", "=ac__number"]
    list_select_related = ["party", "ac", "election"]
    raw_id_fields = ["ac", "party"]
