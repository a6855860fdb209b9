"""The outbox in the admin (platform staff only, like the whole admin): read what was sent."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import InboundMessage, OutboxMessage, Status
from .services import message_requeue


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "to",
        "channel",
        "template",
        "body",
        "status",
        "route",
        "attempts",
        "sent_at",
    )
    list_filter = ("status", "channel", "route", "template")
    search_fields = ("to", "=message_id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["requeue"]

    @admin.action(description=_("Try the selected dead messages again"))
    def requeue(self, request, queryset):
        count = sum(
            message_requeue(message_pk=pk)
            for pk in queryset.filter(status=Status.DEAD).values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "phone", "text", "keyword", "to", "provider_message_id")
    list_filter = ("channel", "keyword")
    search_fields = ("phone", "=provider_message_id")
    readonly_fields = [f.name for f in InboundMessage._meta.fields]
