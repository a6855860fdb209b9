"""Counter forms. Each money-moving form carries a one-time key, so a double submit acts once."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import DomainError


def form_error_add(form: forms.Form, exc: DomainError) -> None:
    """Show a service's error on the field it names, or above the form."""
    field = exc.details.get("field") if isinstance(exc.details, dict) else None
    form.add_error(field if field in form.fields else None, str(exc.message))


class LookupForm(forms.Form):
    q = forms.CharField(
        label=_("Order code or payment number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}
        ),
    )


class ReceiveForm(forms.Form):
    intent = forms.CharField(widget=forms.HiddenInput, max_length=16)
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=128)


class DepositForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount taken to the bank"),
        min_value=1,
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1"}),
    )
    bank_reference = forms.CharField(label=_("Bank slip number"), max_length=64)
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=128)
