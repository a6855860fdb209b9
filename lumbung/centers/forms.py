"""Counter forms. Each money-moving form carries a one-time key, so a double submit acts once."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import DomainError

# What an agent may ask a villager's consent for at the counter (accounts.AssistPurpose values).
ASSIST_PURPOSES = ("buy", "sell", "aftersales")


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


class CodeLookupForm(forms.Form):
    q = forms.CharField(
        label=_("Order or parcel code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class IntakeForm(forms.Form):
    order = forms.CharField(widget=forms.HiddenInput, max_length=16)
    weight_grams = forms.IntegerField(
        label=_("Weight on the scale (g)"),
        min_value=1,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    items_counted = forms.IntegerField(
        label=_("Items counted"),
        min_value=0,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    count_ok = forms.BooleanField(label=_("The count matches the order"), required=False)
    condition_ok = forms.BooleanField(
        label=_("The goods are in good condition and well packed"), required=False
    )
    standards_ok = forms.BooleanField(
        label=_("The standards mark (PIRT, halal…) is on the pack"), required=False
    )
    weight_confirmed = forms.BooleanField(label=_("I weighed again: the weight is right"), required=False)
    reason = forms.CharField(
        label=_("What the seller must fix (when rejecting)"), max_length=255, required=False
    )
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=128)


class PickupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Pickup code the buyer shows"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=128)


class DoorProofForm(forms.Form):
    code = forms.CharField(
        label=_("Pickup code"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    signature_name = forms.CharField(
        label=_("or the name the recipient signed"), max_length=120, required=False
    )
    photo = forms.ImageField(label=_("or a photo of the parcel at the door"), required=False)
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=128)


class VillagerPhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Villager's phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    purpose = forms.ChoiceField(label=_("What you will do"), choices=())

    def __init__(self, *args, **kwargs):
        from lumbung.accounts.models import AssistPurpose

        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [(p, AssistPurpose(p).label) for p in ASSIST_PURPOSES]


class VillagerNoPhoneForm(forms.Form):
    name = forms.CharField(label=_("Name of the villager without a phone"), max_length=120)


class InPersonConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("What you will do"), choices=())
    consent_note = forms.CharField(
        label=_("What you checked and what the villager signed"),
        max_length=255,
        help_text=_("e.g. KTP checked, thumbprint on slip #123"),
    )

    def __init__(self, *args, **kwargs):
        from lumbung.accounts.models import AssistPurpose

        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [(p, AssistPurpose(p).label) for p in ASSIST_PURPOSES]


class ConsentCodeForm(forms.Form):
    grant = forms.CharField(widget=forms.HiddenInput, max_length=16)
    code = forms.CharField(
        label=_("Code the villager reads out"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class AssistedOrderForm(forms.Form):
    variant = forms.CharField(widget=forms.HiddenInput, max_length=16)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=999,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=128)


class OrderActForm(forms.Form):
    order = forms.CharField(widget=forms.HiddenInput, max_length=16)
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=128)


class AssistedListingForm(forms.Form):
    shop = forms.ChoiceField(label=_("Shop"), choices=())
    category = forms.ChoiceField(label=_("Category"), choices=())
    name = forms.CharField(label=_("Product name"), max_length=120)
    price = forms.DecimalField(label=_("Price"), min_value=1, max_digits=14, decimal_places=0)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=100_000)
    weight_grams = forms.IntegerField(label=_("Weight of one (g)"), min_value=1, max_value=1_000_000)
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=128)

    def __init__(self, *args, shops=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].choices = [(s.public_id, s.name) for s in shops]
        self.fields["category"].choices = [
            (c.slug, c.name()) if callable(getattr(c, "name", None)) else (c.slug, c.slug) for c in categories
        ]


class AssistedCaseForm(forms.Form):
    """File a return, complaint or dispute for a villager about one of their delivered orders."""

    order = forms.ChoiceField(label=_("Which order"), choices=())
    kind = forms.ChoiceField(label=_("What the villager asks for"), choices=())
    reason = forms.CharField(
        label=_("What is wrong, in the villager's words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photo1 = forms.ImageField(label=_("Photo"), required=False)
    photo2 = forms.ImageField(label=_("Photo"), required=False)
    photo3 = forms.ImageField(label=_("Photo"), required=False)
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=128)

    def __init__(self, *args, orders=(), kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = [
            (o.public_id, f"{o.code} · {o.shop.name} · {o.get_status_display()}") for o in orders
        ]
        self.fields["kind"].choices = list(kinds)

    def photos(self) -> list:
        return [self.cleaned_data[f] for f in ("photo1", "photo2", "photo3") if self.cleaned_data.get(f)]
