"""Read-only admin: staff can look at the ledger, never edit it (corrections are reversing entries)."""

from django.contrib import admin

from .models import JournalEntry, LedgerAccount, Posting


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "type", "currency", "owner", "balance", "allow_negative"]
    list_filter = ["type", "currency", "allow_negative"]
    search_fields = ["code", "name", "owner"]


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ["account", "amount", "currency"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "created_at", "kind", "reference", "memo", "reverses"]
    list_filter = ["kind"]
    search_fields = ["public_id", "reference", "memo", "idempotency_key"]
    list_select_related = ["reverses"]
    inlines = [PostingInline]
