"""Public pages: the rate card in force, with a small quote form that works without JavaScript."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from lumbung.core.errors import DomainError
from lumbung.core.money import Money
from lumbung.regions.selectors import area_find

from .models import ShippingMethod
from .selectors import NoRateCard, rate_card_current, shipping_quote_detail


class QuoteForm(forms.Form):
    origin = forms.CharField(label=_("From (area code)"), max_length=16)
    destination = forms.CharField(label=_("To (area code)"), max_length=16)
    weight_grams = forms.IntegerField(label=_("Weight (grams)"), min_value=1)
    method = forms.ChoiceField(label=_("Delivery"), choices=ShippingMethod.choices)

    def clean(self):
        data = super().clean()
        for field in ("origin", "destination"):
            code = data.get(field)
            if code:
                area = area_find(code=code)
                if area is None:
                    self.add_error(field, _("No area has the code %(code)s.") % {"code": code})
                data[f"{field}_area"] = area
        return data


@require_GET
def rates(request):
    try:
        card = rate_card_current()
    except NoRateCard:
        card = None
    form = QuoteForm(request.GET or None)
    detail = None
    if card is not None and request.GET and form.is_valid():
        try:
            detail = shipping_quote_detail(
                origin=form.cleaned_data["origin_area"],
                destination=form.cleaned_data["destination_area"],
                weight_grams=form.cleaned_data["weight_grams"],
                method=form.cleaned_data["method"],
            )
        except DomainError as exc:
            field = exc.details.get("field")
            form.add_error(field if field in form.fields else None, str(exc.message))
    context = {"card": card, "form": form, "detail": detail}
    if card is not None:
        currency = card.currency
        context.update(
            rows=[
                (label, Money(first, currency), Money(further, currency))
                for label, first, further in card.rows()
            ],
            door_surcharge=Money(card.door_surcharge, currency),
            pickup_discount=Money(card.pickup_discount, currency),
        )
    if detail is not None:
        context["adjustment_abs"] = Money(abs(detail.adjustment.amount), detail.adjustment.currency)
    return render(request, "logistics/rates.html", context)
