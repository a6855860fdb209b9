"""Areas are loaded by ``lumbung regions load``, never typed in: the admin only shows them."""

from django.contrib import admin

from lumbung.regions.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "kind", "country", "postal_codes", "timezone")
    list_filter = ("level", "country", "timezone")
    search_fields = ("^code", "name")
    readonly_fields = [f.name for f in Area._meta.fields]
    list_select_related = False
    show_full_result_count = False  # counting 95,000 rows on every page is wasted work
    ordering = ("code",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
