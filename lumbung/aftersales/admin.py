"""Admin: cases are read-only here (they change only through the services, which move the money)."""

from django.contrib import admin

from .models import Case, CaseEvent, CaseLine


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CaseLineInline(ReadOnlyInline):
    model = CaseLine
    fields = ("line",)


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("at", "role", "actor", "on_behalf_of", "action", "from_status", "to_status", "message")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("code", "order", "kind", "status", "outcome", "centre", "opened_at", "due_at")
    list_filter = ("status", "kind", "outcome")
    search_fields = ("code", "order__code", "public_id")
    inlines = [CaseLineInline, CaseEventInline]
    readonly_fields = [f.name for f in Case._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
