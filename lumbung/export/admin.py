"""Admin: the HS table is editable (platform admins curate it); the rest is read-only for support."""

from django.contrib import admin

from .models import Claim, Contract, Delivery, Exporter, ExportLot, HsCode, Pool, Quote, Rfq


@admin.register(HsCode)
class HsCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "description_en", "is_active")
    search_fields = ("code", "description_id", "description_en", "description_zh")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Exporter)
class ExporterAdmin(ReadOnly):
    list_display = ("organisation", "status", "readiness_score", "created_at")
    list_filter = ("status",)


@admin.register(Rfq)
class RfqAdmin(ReadOnly):
    list_display = ("public_id", "product", "quantity", "unit", "destination_country", "status")
    list_filter = ("status",)


@admin.register(Quote)
class QuoteAdmin(ReadOnly):
    list_display = ("public_id", "exporter", "rfq", "currency", "status")


@admin.register(Contract)
class ContractAdmin(ReadOnly):
    list_display = ("code", "exporter", "currency", "total", "status", "created_at")
    list_filter = ("status",)


@admin.register(Pool)
class PoolAdmin(ReadOnly):
    list_display = ("public_id", "contract", "needed_kg", "status")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ("public_id", "pool", "producer", "weight_kg", "grade", "status")


@admin.register(ExportLot)
class ExportLotAdmin(ReadOnly):
    list_display = ("code", "pool", "grade", "net_kg", "status")


@admin.register(Claim)
class ClaimAdmin(ReadOnly):
    list_display = ("public_id", "contract", "status", "answer_due")
