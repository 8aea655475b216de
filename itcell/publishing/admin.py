from django.contrib import admin

from itcell.audit.admin_audit import AuditedAdmin
from itcell.publishing.models import (
    ApprovalPolicy,
    ApprovalStep,
    Channel,
    Delivery,
    MediaAsset,
    Pause,
    Post,
    PostingSlot,
)


class SlotInline(admin.TabularInline):
    model = PostingSlot
    extra = 1


@admin.register(Channel)
class ChannelAdmin(AuditedAdmin):
    list_display = ["handle", "platform", "owner", "desk", "connector", "status"]
    list_filter = ["election", "platform", "status"]
    search_fields = ["handle", "name"]
    inlines = [SlotInline]
    # Credentials are set through the channel screen (sealed), never shown here.
    exclude = ["credentials_sealed"]


class StepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 1


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(AuditedAdmin):
    list_display = ["__str__", "election", "desk", "channel"]
    inlines = [StepInline]


@admin.register(Post)
class PostAdmin(AuditedAdmin):
    list_display = ["title", "desk", "author", "state", "publish_at"]
    list_filter = ["election", "state"]
    search_fields = ["title"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # posts change through the workflow only (review, audit)


@admin.register(Delivery)
class DeliveryAdmin(AuditedAdmin):
    list_display = ["post", "channel", "state", "due_at", "attempts", "reason"]
    list_filter = ["state", "reason"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


admin.site.register([MediaAsset, Pause], AuditedAdmin)
