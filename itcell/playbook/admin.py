from django.contrib import admin

from itcell.audit.admin_audit import AuditedAdmin
from itcell.playbook.models import TalkingPoint


@admin.register(TalkingPoint)
class TalkingPointAdmin(AuditedAdmin):
    list_display = ["title_en", "title_hi", "election", "is_active"]
    list_filter = ["election", "is_active"]
    search_fields = ["title_en", "title_hi"]
