"""Admin: platform admins look after categories and can read the rest. Changes to products, stock and
publication go through the services (the pages, the API, the quality gate), so those are read-only here."""

from django.contrib import admin

from . import services
from .models import Category, Photo, Product, Shop, StockMovement, Variant
from .query import categories_changed


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_id", "name_en", "name_zh", "parent", "position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("slug", "name_id", "name_en", "name_zh")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.search_refresh_category(category=obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        categories_changed()


@admin.register(Shop)
class ShopAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "currency", "village", "is_active", "created_at")
    search_fields = ("name", "slug", "public_id")
    list_filter = ("currency", "is_active")


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "shop", "category", "status", "is_published", "standards", "price_from")
    list_filter = ("status", "is_published", "category")
    search_fields = ("name_id", "name_en", "name_zh", "public_id")
    exclude = ("search_document", "search_stemmed")


@admin.register(Variant)
class VariantAdmin(ReadOnlyAdmin):
    list_display = ("sku", "label", "product", "price_amount", "price_currency", "stock", "is_active")
    search_fields = ("sku", "public_id")


@admin.register(Photo)
class PhotoAdmin(ReadOnlyAdmin):
    list_display = ("product", "position", "list_bytes", "detail_bytes")


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ("at", "variant", "delta", "reason", "stock_after", "reference", "actor", "on_behalf_of")
    list_filter = ("reason",)
