"""The village cascade: through plain GET submits (no JS), the htmx fragment, and the form field."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.utils import translation

from lumbung.regions.forms import AnyPlacePickForm, VillageChoiceField, VillagePickerMixin, VillagePickForm

from .factories import china_county, sigi_tree

pytestmark = pytest.mark.django_db


def options_of(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {name}"
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v]


def selected_in(html: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    found = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    return found.group(1) if found else None


def test_cascade_without_js_fills_one_level_per_next(client):
    tree = sigi_tree()
    page = client.get("/regions/").content.decode()
    assert options_of(page, "province") == ["72"]
    assert options_of(page, "regency") == []

    page = client.get("/regions/", {"province": "72", "_pick": "1"}).content.decode()
    assert selected_in(page, "province") == "72"
    assert options_of(page, "regency") == ["72.10", "72.71"]
    assert options_of(page, "district") == []

    page = client.get("/regions/", {"province": "72", "regency": "72.10", "_pick": "1"}).content.decode()
    assert options_of(page, "district") == ["72.10.01"]

    page = client.get(
        "/regions/", {"province": "72", "regency": "72.10", "district": "72.10.01", "_pick": "1"}
    ).content.decode()
    assert options_of(page, "village") == [tree["bora"].code, tree["village"].code]
    assert 'role="alert"' not in page  # stepping through is not an error

    done = client.get(
        "/regions/",
        {"province": "72", "regency": "72.10", "district": "72.10.01", "village": "72.10.01.2001"},
    )
    assert done.status_code == 302
    assert done["Location"] == "/regions/72.10.01.2001/"


def test_submitting_before_reaching_a_village_explains_what_is_missing(client):
    sigi_tree()
    with translation.override("en"):
        response = client.get("/regions/", {"province": "72", "regency": "72.10"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the province, then each level down to the village." in page
    assert options_of(page, "district") == ["72.10.01"]


def test_a_stale_lower_choice_is_dropped_when_the_province_changes(client):
    sigi_tree()
    other = china_county()  # a different tree; its codes are not children of province 72
    response = client.get(
        "/regions/",
        {"province": "72", "regency": other.regency_code, "district": "72.10.01", "village": "72.10.01.2001"},
    )
    assert response.status_code == 200  # not accepted: the chain is broken at the regency
    page = response.content.decode()
    assert selected_in(page, "regency") is None
    assert options_of(page, "village") == []


def test_htmx_fragment_lists_the_children_and_resets_lower_selects(client):
    tree = sigi_tree()
    response = client.get("/regions/options", {"parent": "72.10"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert re.findall(r'<option value="([^"]+)">([^<]+)</option>', html) == [("72.10.01", "Sigi Biromaru")]
    assert '<select id="id_village" hx-swap-oob="innerHTML">' in html

    html = client.get("/regions/options", {"parent": tree["district"].code}).content.decode()
    assert re.findall(r'<option value="([^"]+)">', html) == ["72.10.01.2003", "72.10.01.2001"]
    assert "hx-swap-oob" not in html

    assert client.get("/regions/options", {"parent": "99.99"}).status_code == 404


def test_picker_selects_carry_htmx_attributes_for_the_next_level(client):
    sigi_tree()
    page = client.get("/regions/").content.decode()
    assert 'hx-get="/regions/options"' in page
    assert 'hx-target="#id_regency"' in page


class ShopForm(VillagePickerMixin, forms.Form):
    name = forms.CharField()


def test_mixin_in_a_host_form_with_a_prefix():
    tree = sigi_tree()
    data = {
        "shop-name": "Kepiting Sigi",
        "shop-province": "72",
        "shop-regency": "72.10",
        "shop-district": "72.10.01",
        "shop-village": "72.10.01.2003",
    }
    form = ShopForm(data, prefix="shop")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["village"] == tree["bora"]


def test_next_press_is_not_valid_and_shows_no_errors():
    sigi_tree()
    form = ShopForm({"province": "72", "_pick": "1"})
    assert form.picker_pending
    assert not form.is_valid()
    assert form.errors == {}


def test_initial_village_preselects_the_whole_chain():
    tree = sigi_tree()
    form = ShopForm(initial={"village": tree["village"]})
    assert [slot.selected for slot in form.picker.slots] == ["72", "72.10", "72.10.01", "72.10.01.2001"]


def test_china_county_ends_the_cascade_when_china_is_allowed():
    sigi_tree()
    linan = china_county()
    data = {"province": "CN-330000", "regency": "CN-330100", "district": "CN-330112"}
    form = AnyPlacePickForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["village"] == linan
    assert not VillagePickForm(data).is_valid()  # Indonesia only by default
    with translation.override("en"):
        labels = [str(group) for group, _ in AnyPlacePickForm().picker.slots[0].groups]
    assert labels == ["Indonesia", "China"]


class CodeForm(forms.Form):
    village = VillageChoiceField()


class IndonesiaOnlyForm(forms.Form):
    village = VillageChoiceField(allow_china=False)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "This field is required."),
        ("99.99.99.9999", "There is no village with the code 99.99.99.9999."),
        ("72.10.01", "Sigi Biromaru is not a village. Choose a village."),
        ("CN-330100", "杭州市 is not a village. Choose a village."),
    ],
)
def test_village_field_refuses_what_is_not_a_village(code, message):
    sigi_tree()
    china_county()
    with translation.override("en"):
        form = CodeForm({"village": code})
        assert not form.is_valid()
        assert form.errors["village"] == [message]


def test_village_field_returns_the_area():
    tree = sigi_tree()
    linan = china_county()
    form = CodeForm({"village": " 72.10.01.2001 "})
    assert form.is_valid()
    assert form.cleaned_data["village"] == tree["village"]
    assert CodeForm({"village": "CN-330112"}).is_valid()
    with translation.override("en"):
        refused = IndonesiaOnlyForm({"village": linan.code})
        assert refused.errors["village"] == ["Choose a village in Indonesia."]
