"""Forms of the quality pages. They only shape input; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import DomainError

from .models import Grade, InspectionOutcome
from .selectors import products_of_user, shops_managed_by, standards_active

# What an inspector checks on every product; extra lines cover the rest.
CHECKLIST_ITEMS = [
    ("sealed", _("Packaging sealed, clean and undamaged")),
    ("label", _("Label shows name, net weight, producer, address and dates")),
    ("clean", _("No mould, pests or foreign matter")),
    ("sensory", _("Smell, colour and texture normal")),
    ("weight", _("Net weight matches the label")),
    ("numbers", _("Licence numbers on the label match the certificates")),
]
EXTRA_ITEMS = 2


def form_error_add(form: forms.Form, exc: DomainError) -> None:
    """Show a service's error on the field it names, or above the form."""
    field = exc.details.get("field") if isinstance(exc.details, dict) else None
    form.add_error(field if field in form.fields else None, str(exc.message))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CertificateForm(forms.Form):
    shop = forms.ModelChoiceField(queryset=None, to_field_name="public_id", label=_("Shop"), empty_label=None)
    standard = forms.ModelChoiceField(queryset=None, to_field_name="code", label=_("Standard"))
    number = forms.CharField(label=_("Certificate number"), max_length=80)
    issuer = forms.CharField(
        label=_("Issued by"), max_length=160, required=False, help_text=_("Leave empty for the usual issuer.")
    )
    issued_on = forms.DateField(label=_("Issue date"), required=False, widget=DateInput())
    expires_on = forms.DateField(
        label=_("Expiry date"),
        required=False,
        widget=DateInput(),
        help_text=_("As printed on the certificate. Leave empty only if it has none (e.g. halal)."),
    )
    product = forms.ModelChoiceField(
        queryset=None,
        to_field_name="public_id",
        label=_("Only for this product"),
        required=False,
        empty_label=_("— every product of the shop —"),
    )
    file = forms.FileField(
        label=_("Certificate file"),
        help_text=_("PDF or a clear photo (JPEG, PNG, WebP), at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops_managed_by(user)
        self.fields["standard"].queryset = standards_active()
        self.fields["product"].queryset = products_of_user(user)
        self.fields["product"].label_from_instance = lambda p: f"{p.name()} ({p.shop.name})"


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the seller reads this)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleImageField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class InspectionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=InspectionOutcome.choices, widget=forms.RadioSelect
    )
    grade = forms.ChoiceField(label=_("Grade"), choices=[("", "—"), *Grade.choices], required=False)
    moisture_pct = forms.DecimalField(label=_("Moisture (%)"), required=False, min_value=0, max_value=100)
    size_mm = forms.DecimalField(label=_("Size (mm)"), required=False, min_value=0)
    weight_g = forms.DecimalField(label=_("Net weight measured (g)"), required=False, min_value=0)
    other_measurements = forms.CharField(
        label=_("Other measurements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "aflatoxin_ppb = 4"}),
        help_text=_("One per line: name = number."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    valid_until = forms.DateField(
        label=_("Approval valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: one year from today."),
    )
    photos = MultipleImageField(
        label=_("Photos"), required=False, help_text=_("JPEG, PNG or WebP, at most 5 MB each, up to 6.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in CHECKLIST_ITEMS:
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"note_{key}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"placeholder": _("Note")}),
            )
        for n in range(EXTRA_ITEMS):
            self.fields[f"extra_item_{n}"] = forms.CharField(
                label=_("Other check"), required=False, max_length=120
            )
            self.fields[f"extra_check_{n}"] = forms.BooleanField(label=_("Passed"), required=False)
            self.fields[f"extra_note_{n}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"placeholder": _("Note")}),
            )

    def checklist_rows(self):
        """(passed field, note field) pairs for the template."""
        return [(self[f"check_{key}"], self[f"note_{key}"]) for key, _label in CHECKLIST_ITEMS]

    def extra_rows(self):
        return [
            (self[f"extra_item_{n}"], self[f"extra_check_{n}"], self[f"extra_note_{n}"])
            for n in range(EXTRA_ITEMS)
        ]

    def checklist(self) -> list[dict]:
        data = self.cleaned_data
        items = [
            {
                "item": str(label),
                "passed": bool(data.get(f"check_{key}")),
                "note": data.get(f"note_{key}", ""),
            }
            for key, label in CHECKLIST_ITEMS
        ]
        for n in range(EXTRA_ITEMS):
            if data.get(f"extra_item_{n}"):
                items.append(
                    {
                        "item": data[f"extra_item_{n}"],
                        "passed": bool(data.get(f"extra_check_{n}")),
                        "note": data.get(f"extra_note_{n}", ""),
                    }
                )
        return items

    def measurements(self) -> dict[str, str]:
        data = self.cleaned_data
        values = {
            name: str(data[name])
            for name in ("moisture_pct", "size_mm", "weight_g")
            if data.get(name) is not None
        }
        for line in (data.get("other_measurements") or "").splitlines():
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            # A line without "=" goes to the service as it is, which names it in the error.
            values[name.strip()] = value.strip() if sep else ""
        return values
