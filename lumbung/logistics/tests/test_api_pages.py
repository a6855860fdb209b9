from decimal import Decimal

import pytest

from lumbung.regions.tests.factories import china_county, village

from .factories import RateCardFactory

pytestmark = pytest.mark.django_db
URL = "/api/logistics/quote"


@pytest.fixture
def route():
    RateCardFactory()
    return {
        "origin": village(province="35", province_name="Jawa Timur", regency="35.07"),
        "destination": village(province="72", province_name="Sulawesi Tengah", regency="72.10"),
    }


def test_quote_is_public_and_explains_itself(client, route):
    response = client.get(
        URL,
        {
            "origin": route["origin"].code,
            "destination": route["destination"].code,
            "weight_grams": 2001,
            "method": "door",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["zone"] == "elsewhere"
    assert body["chargeable_kg"] == 3
    assert Decimal(body["amount"]) == Decimal(40000 + 2 * 8000 + 2500)
    assert body["currency"] == "IDR"
    assert body["amount_display"] == "Rp58.500"
    assert body["destination"]["code"] == route["destination"].code


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"weight_grams": 0}, "weight_out_of_range"),
        ({"weight_grams": 31_000}, "weight_out_of_range"),
        ({"method": "drone"}, "validation_failed"),
        ({"weight_grams": "heavy"}, "validation_failed"),
        ({"origin": "99.99.99.9999"}, "validation_failed"),
    ],
)
def test_bad_input_is_refused_with_the_error_shape(client, route, overrides, code):
    params = {
        "origin": route["origin"].code,
        "destination": route["destination"].code,
        "weight_grams": 500,
        "method": "pickup",
        **overrides,
    }
    response = client.get(URL, params)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_cross_border_is_refused_in_the_callers_language(client, route, extra_translations):
    extra_translations(
        {
            "id": {
                "Shipping between China and Indonesia is not quoted here. The export desk arranges it.": (
                    "Ongkir China–Indonesia tidak dihitung di sini."
                )
            }
        }
    )
    params = {
        "origin": china_county().code,
        "destination": route["destination"].code,
        "weight_grams": 500,
        "method": "door",
    }
    response = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 422
    assert response.json() == {
        "code": "cross_border_not_quoted",
        "message": "Ongkir China–Indonesia tidak dihitung di sini.",
        "details": {"origin": params["origin"], "destination": params["destination"]},
    }


def test_rates_page_shows_the_card_and_quotes_without_javascript(client, route):
    page = client.get("/logistics/rates")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rp40.000" in html and "Rp8.000" in html and "Rp2.500" in html
    quoted = client.get(
        "/logistics/rates",
        {
            "origin": route["origin"].code,
            "destination": route["destination"].code,
            "weight_grams": 1000,
            "method": "pickup",
        },
    )
    assert "Rp38.500" in quoted.content.decode()


def test_rates_page_shows_the_reason_a_quote_is_refused(client, route):
    response = client.get(
        "/logistics/rates",
        {"origin": route["origin"].code, "destination": "nope", "weight_grams": 1000, "method": "door"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "No area has the code nope." in response.content.decode()
