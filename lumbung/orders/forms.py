"""Forms for the cart, checkout and review pages. Money-moving forms carry a one-time ``form_key``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lumbung.payments.models import Method
from lumbung.regions.forms import VillagePickerMixin
from lumbung.regions.models import Country

from .models import ShippingMethod

# payments' own list (QRIS, virtual accounts, e-wallets, cash at a centre).
PAYMENT_CHOICES = Method.choices


class QuantityForm(forms.Form):
    variant = forms.CharField(max_length=16, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantity"), error_messages={"invalid": _("Please enter a whole number.")}
    )


class CheckoutForm(VillagePickerMixin, forms.Form):
    # A Chinese county is a delivery place too: Bainiu's nuts go to buyers elsewhere in China (the
    # checkout service prices that leg at zero and refuses China <-> Indonesia with a clear message).
    picker_countries = (Country.INDONESIA, Country.CHINA)

    form_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    street = forms.CharField(label=_("Street, house number or landmark"), max_length=200)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=120, required=False)
    recipient_phone = forms.CharField(label=_("Recipient's phone"), max_length=20, required=False)
    shipping_method = forms.ChoiceField(
        label=_("Shipping"),
        choices=ShippingMethod.choices,
        widget=forms.RadioSelect,
        initial=ShippingMethod.DOOR,
    )
    pickup_centre = forms.CharField(label=_("Pickup centre"), required=False, widget=forms.HiddenInput)
    payment_method = forms.ChoiceField(
        label=_("Pay with"), choices=PAYMENT_CHOICES, widget=forms.RadioSelect, initial=Method.QRIS
    )


class ReasonForm(forms.Form):
    form_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ReviewForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Stars"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("What did you think?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
    )
