"""Forms for the case pages. Every form carries a one-time ``form_key``: a double submit acts once."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .states import CaseKind, Remedy


class CaseOpenForm(forms.Form):
    form_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("What do you need?"), choices=CaseKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("What is wrong?"), widget=forms.Textarea(attrs={"rows": 4}), min_length=5, max_length=2000
    )
    lines = forms.MultipleChoiceField(
        label=_("Which items? (none ticked: the whole order)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photo_1 = forms.FileField(label=_("Photo"), required=False)
    photo_2 = forms.FileField(label=_("Another photo"), required=False)
    photo_3 = forms.FileField(label=_("Another photo"), required=False)

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [(line.public_id, str(line)) for line in order.lines.all()]

    def photos(self) -> list:
        return [
            self.cleaned_data[name]
            for name in ("photo_1", "photo_2", "photo_3")
            if self.cleaned_data.get(name)
        ]


class CaseActForm(forms.Form):
    form_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    remedy = forms.ChoiceField(
        label=_("Outcome"), choices=Remedy.choices, required=False, widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=_("Refund amount"), required=False, min_value=0, max_digits=18, decimal_places=2
    )
    message = forms.CharField(
        label=_("Message"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
