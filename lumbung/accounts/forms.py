"""Forms for the accounts pages. They only shape input; the services decide and save."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import DomainError
from lumbung.regions.forms import VillagePickerMixin
from lumbung.regions.models import Country

from .models import AssistPurpose, OrganisationKind, Role


def form_error_add(form: forms.Form, exc: DomainError) -> None:
    """Show a service's error on the field it names, or above the form."""
    field = exc.details.get("field") if isinstance(exc.details, dict) else None
    form.add_error(field if field in form.fields else None, str(exc.message))


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0812-3456-7890"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 -]*"}
        ),
    )


class PasswordLoginForm(forms.Form):
    phone = PhoneForm.base_fields["phone"]
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(VillagePickerMixin, forms.Form):
    picker_countries = (Country.INDONESIA, Country.CHINA)

    name = forms.CharField(label=_("Your name"), max_length=120)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class PasswordSetForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    password = forms.CharField(
        label=_("New password"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("New password again"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, needs_current: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not needs_current:
            del self.fields["current_password"]

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


class OrganisationForm(VillagePickerMixin, forms.Form):
    picker_countries = (Country.INDONESIA, Country.CHINA)

    kind = forms.ChoiceField(label=_("Kind"))
    name = forms.CharField(label=_("Name"), max_length=160)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)

    def __init__(self, *args, kinds: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, OrganisationKind(k).label) for k in kinds]


class MemberAddForm(forms.Form):
    phone = PhoneForm.base_fields["phone"]
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the device or program"), max_length=80)


def _centre_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Service centre"))


class AssistStartForm(forms.Form):
    centre = _centre_field()
    villager_phone = forms.CharField(
        label=_("Villager's phone number"), max_length=40, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    purpose = forms.ChoiceField(label=_("What you will do for them"), choices=AssistPurpose.choices)

    def __init__(self, *args, centres, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [(c.public_id, c.name) for c in centres]


class AssistInPersonForm(VillagePickerMixin, forms.Form):
    """Consent at the counter from a villager without a phone: a known villager id, or a new villager."""

    picker_required = False

    centre = _centre_field()
    villager_id = forms.CharField(
        label=_("Villager id (NP-…), if already registered"), max_length=16, required=False
    )
    name = forms.CharField(label=_("Name of a new villager"), max_length=120, required=False)
    purpose = forms.ChoiceField(label=_("What you will do for them"), choices=AssistPurpose.choices)
    consent_note = forms.CharField(
        label=_("How consent was given"),
        max_length=255,
        help_text=_("e.g. KTP checked, thumbprint on slip #123"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, centres, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [(c.public_id, c.name) for c in centres]

    def clean(self):
        data = super().clean()
        if not data.get("villager_id"):
            if not data.get("name"):
                self.add_error("name", _("Enter the villager id, or the name of a new villager."))
            if not data.get("village") and "village" not in self.errors:
                self.add_error("village", _("Choose the new villager's village."))
        return data
