"""Seller forms. They only shape input; the services validate and save (and say what is wrong)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, ContentLanguage, Unit


def category_choices():
    choices = [("", _("Choose a category"))]
    for category in (
        Category.objects.filter(is_active=True).select_related("parent").order_by("parent_id", "position")
    ):
        label = f"{category.parent.name()} › {category.name()}" if category.parent_id else category.name()
        choices.append((category.slug, label))
    return choices


class ShopForm(forms.Form):
    organisation = forms.ChoiceField(label=_("For"), required=False)
    name = forms.CharField(label=_("Shop name"), max_length=120)
    story_id = forms.CharField(
        label=_("Story (Indonesian)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    story_en = forms.CharField(
        label=_("Story (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    story_zh = forms.CharField(
        label=_("Story (Chinese)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    language = forms.ChoiceField(label=_("Main language"), choices=ContentLanguage.choices)
    village_text = forms.CharField(
        label=_("Village, as written (for a Chinese county)"), max_length=120, required=False
    )


class ProductForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    name_id = forms.CharField(label=_("Name (Indonesian)"), max_length=160, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=160, required=False)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=160, required=False)
    description_id = forms.CharField(
        label=_("Description (Indonesian)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class VariantForm(forms.Form):
    sku = forms.CharField(label=_("SKU (your own code)"), max_length=40)
    label = forms.CharField(label=_("Variant, e.g. 250 g can"), max_length=80)
    price = forms.CharField(label=_("Price"), max_length=24)
    stock = forms.CharField(label=_("Stock"), max_length=9, initial="0")
    weight_grams = forms.CharField(label=_("Weight with packing (grams)"), max_length=9, initial="0")


class NewProductForm(ProductForm, VariantForm):
    photo = forms.FileField(label=_("Photo (optional)"), required=False)


class VariantEditForm(forms.Form):
    label = forms.CharField(label=_("Variant"), max_length=80)
    price = forms.CharField(label=_("Price"), max_length=24)
    stock = forms.CharField(label=_("Stock"), max_length=9)
    # The stock the seller saw: the change is refused if an order took units meanwhile.
    stock_seen = forms.IntegerField(widget=forms.HiddenInput)
    is_active = forms.BooleanField(label=_("On sale"), required=False)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"))
    alt_text = forms.CharField(label=_("What the photo shows"), max_length=160, required=False)
