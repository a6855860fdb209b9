"""Admin: fee rules are edited here (add a newer rule rather than changing an old one); orders,
their events and reviews are read-only (they change only through the services)."""

from django.contrib import admin

from .models import FeeRule, Order, OrderEvent, OrderLine, Review


@admin.register(FeeRule)
class FeeRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "platform_fee_percent", "centre_commission_percent", "valid_from", "note")
    list_filter = ("category",)
    autocomplete_fields = ()
    ordering = ("-valid_from",)

    def has_delete_permission(self, request, obj=None):
        # A rule in the past priced real orders; keep it for the record.
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("name", "sku", "quantity", "unit_price", "line_total", "platform_fee")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("at", "from_status", "to_status", "actor", "source", "reason")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("code", "status", "shop", "buyer", "currency", "total", "refunded", "placed_at")
    list_filter = ("status", "currency", "shipping_method")
    search_fields = ("code", "public_id", "buyer__phone", "shop__name")
    inlines = [LineInline, EventInline]
    list_select_related = ("shop", "buyer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("product", "shop", "stars", "created_at")
    list_filter = ("stars",)
    readonly_fields = ("line", "buyer", "shop", "product", "stars", "text", "created_at")

    def has_add_permission(self, request):
        return False
