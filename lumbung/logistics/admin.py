"""Platform admins edit the rate card here. A new price list is a new card with a later start."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import RateCard


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
