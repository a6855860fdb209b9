"""Admin: platform admins manage standards and what each category requires.

Certificates and inspections are read-only here: they change only through the services (which
re-apply the gate and write the audit log), from the inspection desk or the API.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Certificate, Inspection, InspectionPhoto, PublicationRequest, RequirementGroup, Standard


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_id",
        "name_en",
        "name_zh",
        "issuer",
        "expiry_required",
        "is_active",
        "position",
    )
    list_editable = ("is_active", "position")
    search_fields = ("code", "name_id", "name_en", "name_zh")


@admin.register(RequirementGroup)
class RequirementGroupAdmin(admin.ModelAdmin):
    list_display = ("category", "any_of", "note", "position")
    list_filter = ("standards",)
    filter_horizontal = ("standards",)
    search_fields = ("category__slug", "category__name_id", "note")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category").prefetch_related("standards")

    @admin.display(description=_("any of"))
    def any_of(self, obj):
        return " | ".join(s.code for s in obj.standards.all())


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "standard",
        "number",
        "shop",
        "product",
        "status",
        "expires_on",
        "submitted_at",
    )
    list_filter = ("status", "standard")
    search_fields = ("public_id", "number", "shop__name")
    exclude = ("file",)


class InspectionPhotoInline(admin.TabularInline):
    model = InspectionPhoto
    fields = ("width", "height", "size_bytes")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "product",
        "subject_type",
        "subject_id",
        "inspector",
        "outcome",
        "grade",
        "at",
    )
    list_filter = ("outcome", "grade")
    search_fields = ("public_id", "subject_id", "product__public_id")
    inlines = [InspectionPhotoInline]


@admin.register(PublicationRequest)
class PublicationRequestAdmin(ReadOnlyAdmin):
    list_display = ("product", "requested_by", "requested_at", "published", "missing_codes")
