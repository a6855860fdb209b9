"""Staff views of payments. Money rows are read-only here: they change only through services."""

from django.contrib import admin

from .models import FxRate, PaymentEvent, PaymentIntent, Payout, PayoutBatch, Refund, WebhookEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "from_status", "to_status", "source", "actor", "reason", "data")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PaymentIntent)
class PaymentIntentAdmin(ReadOnly):
    list_display = ("public_id", "method", "status", "amount", "currency", "payer", "created_at", "paid_at")
    list_filter = ("status", "method")
    search_fields = ("public_id", "provider_transaction_id", "va_number", "allocations__reference")
    inlines = [EventInline]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnly):
    list_display = ("received_at", "provider", "order_id", "transaction_status", "outcome")
    list_filter = ("provider", "outcome", "transaction_status")
    search_fields = ("order_id", "event_id")


@admin.register(Refund)
class RefundAdmin(ReadOnly):
    list_display = (
        "public_id",
        "intent",
        "reference",
        "amount",
        "currency",
        "status",
        "attempts",
        "created_at",
    )
    list_filter = ("status",)


@admin.register(Payout)
class PayoutAdmin(ReadOnly):
    list_display = ("public_id", "owner_org", "amount", "currency", "status", "batch", "created_at")
    list_filter = ("status",)


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnly):
    list_display = ("public_id", "currency", "created_at", "confirmed_at")


@admin.register(FxRate)
class FxRateAdmin(admin.ModelAdmin):
    """Rates are entered, never edited: a correction is a newer rate."""

    list_display = ("base", "quote", "rate", "source", "valid_from", "entered_by")
    list_filter = ("base", "quote")
    fields = ("base", "quote", "rate", "source", "valid_from")

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
            super().save_model(request, obj, form, change)
