"""Platform admins open centres, set their villages, hours and hub; deposits are read-only records."""

from django.contrib import admin

from .models import CashDeposit, ServiceCentre


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ("organisation", "is_active", "hub", "created_at")
    list_filter = ("is_active",)
    search_fields = ("organisation__name", "organisation__public_id")
    list_select_related = ("organisation", "hub__organisation")
    # 83,762 villages: pick them by code or name, never from one huge list.
    raw_id_fields = ("organisation", "hub")
    autocomplete_fields = ("villages",)
    readonly_fields = ("created_at",)


@admin.register(CashDeposit)
class CashDepositAdmin(admin.ModelAdmin):
    list_display = ("centre", "amount", "currency", "bank_reference", "agent", "created_at")
    list_select_related = ("centre__organisation", "agent")
    search_fields = ("bank_reference", "public_id", "centre__organisation__name")
    readonly_fields = [f.name for f in CashDeposit._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # a deposit moves ledger money: recorded by the agent's page or the API only

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
