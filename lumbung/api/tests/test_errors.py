"""Every API failure answers ``{code, message, details}`` in the caller's language."""

import json
import logging

import pytest

# Indonesian for the messages under test, installed just for these tests so they do not depend on
# the real catalogs being filled in.
INDONESIAN = {
    "That conflicts with the current state.": "Itu bertentangan dengan keadaan saat ini.",
    "Some fields are not valid.": "Beberapa isian tidak valid.",
    "Please log in first.": "Silakan masuk terlebih dahulu.",
    "You are not allowed to do that.": "Anda tidak boleh melakukan itu.",
    "Not found.": "Tidak ditemukan.",
    "The request could not be understood.": "Permintaan tidak dapat dipahami.",
    "Too many attempts. Please wait and try again.": "Terlalu banyak percobaan. Tunggu lalu coba lagi.",
    "Something went wrong on our side. Please try again later.": "Ada masalah di pihak kami. Coba lagi nanti.",
    "There is nothing at this address.": "Tidak ada apa-apa di alamat ini.",
    "This method is not allowed here.": "Metode ini tidak diizinkan di sini.",
}

# (method, path, body, status, code, English message)
CASES = [
    ("get", "/api/conflict", None, 409, "conflict", "That conflicts with the current state."),
    ("post", "/api/orders", {"quantity": "many"}, 422, "validation_failed", "Some fields are not valid."),
    ("get", "/api/private", None, 401, "unauthenticated", "Please log in first."),
    ("get", "/api/forbidden", None, 403, "forbidden", "You are not allowed to do that."),
    ("get", "/api/permission-denied", None, 403, "forbidden", "You are not allowed to do that."),
    ("get", "/api/missing", None, 404, "not_found", "Not found."),
    ("get", "/api/teapot", None, 400, "bad_request", "The request could not be understood."),
    ("get", "/api/throttled", None, 429, "rate_limited", "Too many attempts. Please wait and try again."),
    (
        "get",
        "/api/boom",
        None,
        500,
        "server_error",
        "Something went wrong on our side. Please try again later.",
    ),
    ("get", "/api/no/such/route", None, 404, "not_found", "There is nothing at this address."),
    ("delete", "/api/conflict", None, 405, "method_not_allowed", "This method is not allowed here."),
]


def call(client, method, path, body=None, **headers):
    kwargs = {"headers": headers}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **kwargs)


def assert_error_shape(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    return body


@pytest.mark.urls("lumbung.api.tests.error_api")
@pytest.mark.parametrize(
    "method,path,body,status,code,english", CASES, ids=[c[1] + ":" + c[0] for c in CASES]
)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_error_has_one_shape_in_the_callers_language(
    client, extra_translations, lang, method, path, body, status, code, english
):
    extra_translations({"id": INDONESIAN})
    response = call(client, method, path, body, accept_language=f"{lang},en;q=0.5")
    got = assert_error_shape(response, status, code)
    assert got["message"] == (INDONESIAN[english] if lang == "id" else english)
    assert response["Content-Language"] == lang


@pytest.mark.urls("lumbung.api.tests.error_api")
def test_the_language_cookie_wins_over_the_browser_header(client, extra_translations, settings):
    extra_translations({"id": INDONESIAN})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    body = call(client, "get", "/api/conflict", accept_language="en").json()
    assert body["message"] == "Itu bertentangan dengan keadaan saat ini."


@pytest.mark.urls("lumbung.api.tests.error_api")
def test_errors_carry_their_details(client):
    assert call(client, "get", "/api/conflict").json()["details"] == {"stock": 0}

    invalid = call(client, "post", "/api/orders", {"quantity": "many"}).json()["details"]["errors"]
    assert {tuple(e["loc"]) for e in invalid} == {
        ("body", "payload", "quantity"),
        ("body", "payload", "note"),
    }

    throttled = call(client, "get", "/api/throttled")
    assert throttled.json()["details"] == {"retry_after": 30}
    assert throttled["Retry-After"] == "30"

    not_allowed = call(client, "delete", "/api/conflict")
    assert not_allowed.json()["details"] == {"allowed": ["GET"]}
    assert not_allowed["Allow"] == "GET"

    assert call(client, "get", "/api/private")["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.urls("lumbung.api.tests.error_api")
def test_a_crash_is_logged_but_never_shown(client, caplog):
    with caplog.at_level(logging.ERROR, logger="lumbung.api"):
        response = call(client, "get", "/api/boom")
    assert response.status_code == 500
    assert b"hunter2" not in response.content and b"Traceback" not in response.content
    assert "hunter2" in caplog.text and "RuntimeError" in caplog.text


@pytest.mark.urls("lumbung.api.tests.error_api")
def test_internal_404_detail_is_not_leaked(client):
    response = call(client, "get", "/api/missing")
    assert b"orders_order" not in response.content


@pytest.mark.urls("lumbung.api.tests.error_api")
def test_wrapped_views_stay_exempt_from_djangos_page_csrf_check():
    # API views do their own CSRF check for sessions (lumbung.accounts.api_auth); Django's page
    # middleware must not answer an API POST with its HTML 403.
    from django.test import Client

    response = call(Client(enforce_csrf_checks=True), "post", "/api/orders", {"quantity": 1, "note": "x"})
    assert response.status_code == 200
    assert response.json() == {"ok": True}
