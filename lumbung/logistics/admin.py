"""Platform admins edit the rate card here. A new price list is a new card with a later start."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Batch, Carrier, Parcel, ParcelEvent, RateCard, Shipment


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    list_display = ("name", "valid_from", "same_regency_first_kg", "elsewhere_first_kg", "max_weight_kg")
    search_fields = ("name",)
    readonly_fields = ("public_id", "currency", "created_at", "created_by")
    fieldsets = (
        (None, {"fields": ("name", "valid_from", "currency", "max_weight_kg", "notes")}),
        (
            _("Price per zone (rupiah)"),
            {
                "fields": (
                    ("same_regency_first_kg", "same_regency_next_kg"),
                    ("same_province_first_kg", "same_province_next_kg"),
                    ("same_island_first_kg", "same_island_next_kg"),
                    ("elsewhere_first_kg", "elsewhere_next_kg"),
                )
            },
        ),
        (_("Delivery method"), {"fields": ("pickup_discount", "door_surcharge")}),
        (_("Record"), {"fields": ("public_id", "created_at", "created_by")}),
    )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ("name", "adapter", "courier_code", "courier_type", "is_active")
    list_filter = ("adapter", "is_active")
    search_fields = ("name", "courier_code")
    raw_id_fields = ("organisation",)
    readonly_fields = ("public_id",)


class ParcelEventInline(admin.TabularInline):
    model = ParcelEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "source", "reason", "at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Parcel)
class ParcelAdmin(admin.ModelAdmin):
    """Read-only: statuses change only through the services (one writer, with events)."""

    list_display = ("code", "status", "origin_centre", "recipient_name", "reference", "created_at")
    list_filter = ("status", "delivery_method", "service_level")
    search_fields = ("code", "public_id", "reference", "recipient_name", "recipient_phone")
    inlines = [ParcelEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("code", "status", "origin_centre", "carrier", "created_at", "handed_over_at")
    list_filter = ("status", "carrier")
    search_fields = ("code", "public_id")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("public_id", "parcel", "carrier", "state", "waybill_id", "carrier_status", "last_error")
    list_filter = ("state", "carrier")
    search_fields = ("carrier_order_id", "waybill_id", "parcel__code")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
