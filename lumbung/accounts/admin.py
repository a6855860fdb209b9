"""Admin for platform staff (the middleware keeps everyone else out). Secrets are never shown."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import ValidationFailed

from .models import ActingFor, ApiToken, Membership, Organisation, User
from .phones import normalize_phone


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("role", "organisation", "area", "is_active", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("organisation",)
    raw_id_fields = ("area",)


class PhoneCleanMixin:
    def clean_phone(self):
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from exc


class UserCreateForm(PhoneCleanMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("phone", "name")


class UserEditForm(PhoneCleanMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_phone(self):
        # Villagers without a phone keep their non-dialable id.
        if self.instance.pk and not self.instance.has_own_phone:
            return self.cleaned_data["phone"]
        return super().clean_phone()


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    list_display = (
        "phone",
        "name",
        "village",
        "language",
        "has_own_phone",
        "is_active",
        "is_staff",
        "date_joined",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", "has_own_phone", "language")
    search_fields = ("phone", "name", "public_id", "email")
    ordering = ("-date_joined",)
    raw_id_fields = ("village",)
    readonly_fields = ("public_id", "last_login", "date_joined")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("public_id", "phone", "password")}),
        (_("Profile"), {"fields": ("name", "email", "language", "village", "has_own_phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("phone", "name", "password1", "password2")}),)
    filter_horizontal = ("groups", "user_permissions")


class OrganisationMembershipInline(MembershipInline):
    fk_name = "organisation"
    fields = ("user", "role", "is_active", "created_at")
    autocomplete_fields = ("user",)
    raw_id_fields = ()


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "village", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "public_id", "phone")
    raw_id_fields = ("village",)
    readonly_fields = ("public_id", "created_at")
    inlines = [OrganisationMembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organisation", "area", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__phone", "user__name", "organisation__name", "area__name", "area__code")
    autocomplete_fields = ("user", "organisation")
    raw_id_fields = ("area",)


@admin.register(ActingFor)
class ActingForAdmin(admin.ModelAdmin):
    """Read-only: grants are consent records; they change only through the agent and villager."""

    list_display = (
        "public_id",
        "agent",
        "villager",
        "centre",
        "purpose",
        "consent_method",
        "consented_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("consent_method", "purpose")
    search_fields = ("public_id", "agent__phone", "villager__phone", "villager__name")
    readonly_fields = [f.name for f in ActingFor._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "name", "user__phone")
    fields = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")  # never the hash
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # a token is created by its owner, who sees it once

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
