from django.contrib import admin

from itcell.audit.admin_audit import AuditedAdmin
from itcell.playbook.models import Guidance, Module, PostTemplate, TalkingPoint, Theme, Workshop


@admin.register(TalkingPoint)
class TalkingPointAdmin(AuditedAdmin):
    list_display = ["title_en", "title_hi", "election", "version", "is_active"]
    list_filter = ["election", "is_active"]
    search_fields = ["title_en", "title_hi"]
    readonly_fields = ["version"]  # approved revisions count it (the playbook's review)


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin):
    list_display = ["title_en", "title_hi", "election", "order"]
    list_filter = ["election"]


@admin.register(Guidance)
class GuidanceAdmin(AuditedAdmin):
    list_display = ["kind", "text_en", "text_hi", "election"]
    list_filter = ["election", "kind"]
    search_fields = ["text_en", "text_hi"]


@admin.register(PostTemplate)
class PostTemplateAdmin(AuditedAdmin):
    list_display = ["name", "election", "is_active"]
    list_filter = ["election", "is_active"]


@admin.register(Module)
class ModuleAdmin(AuditedAdmin):
    list_display = ["title_en", "election", "is_core", "pass_mark", "is_active"]
    list_filter = ["election", "is_core"]


@admin.register(Workshop)
class WorkshopAdmin(AuditedAdmin):
    list_display = ["title", "election", "starts_at", "status"]
    list_filter = ["election", "status"]
