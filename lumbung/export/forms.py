"""Forms for the export pages; the services validate again and have the last word."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import DomainError

from .models import HsCode
from .services.profiles import DOCUMENT_POINTS

LANGUAGE_CHOICES = [("id", "Bahasa Indonesia"), ("en", "English"), ("zh", "中文")]
DOCUMENT_CHOICES = [
    ("nib", _("NIB")),
    ("npwp", _("NPWP")),
    ("deed", _("deed of establishment (Perdes / AD-ART)")),
    ("bank_account", _("bank account in the organisation's name")),
]
assert {c for c, _l in DOCUMENT_CHOICES} == set(DOCUMENT_POINTS)


def form_error_add(form: forms.Form, exc: DomainError) -> None:
    field = exc.details.get("field") if isinstance(exc.details, dict) else None
    form.add_error(field if field in form.fields else None, str(exc.message))


class ExporterForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=_("organisation"), to_field_name="public_id")
    nib = forms.CharField(label=_("NIB (13 digits)"), max_length=20)
    npwp = forms.CharField(label=_("NPWP"), max_length=24)
    hs_code = forms.ModelChoiceField(
        queryset=HsCode.objects.filter(is_active=True), label=_("HS code"), to_field_name="code"
    )
    product = forms.CharField(label=_("product"), max_length=120)
    monthly_capacity_kg = forms.DecimalField(label=_("monthly capacity (kg)"), decimal_places=3)
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"), choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        from lumbung.accounts.models import Organisation

        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )


class VerificationForm(forms.Form):
    documents_checked = forms.MultipleChoiceField(
        label=_("documents checked"),
        choices=DOCUMENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    visited_on = forms.DateField(label=_("visit date"), required=False)
    visit_notes = forms.CharField(label=_("visit notes"), widget=forms.Textarea, required=False)
    facility_ok = forms.BooleanField(
        label=_("drying, storage and packing place fit for export"), required=False
    )
