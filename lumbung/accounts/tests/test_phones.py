import pytest

from lumbung.accounts.phones import normalize_phone
from lumbung.core.errors import ValidationFailed


@pytest.mark.parametrize(
    "raw,e164",
    [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("+6281234567890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("+8613800138000", "+8613800138000"),
    ],
)
def test_numbers_are_stored_in_e164(raw, e164):
    assert normalize_phone(raw) == e164


@pytest.mark.parametrize(
    "raw", ["", "   ", "12345", "0812", "+86 123", "NP-7K3M9QZ2", "+62 812 3456 7890 1234 5"]
)
def test_bad_numbers_are_refused_with_a_field_error(raw):
    with pytest.raises(ValidationFailed) as exc:
        normalize_phone(raw)
    assert exc.value.details == {"field": "phone"}


@pytest.mark.django_db
def test_login_with_any_spelling_reaches_the_same_account():
    from lumbung.accounts import services

    from .helpers import code_from_sms

    services.otp_request(phone="0812-3456-7890")
    first = services.otp_verify(phone="6281234567890", code=code_from_sms("+6281234567890"))
    services.otp_request(phone="+62 812-3456-7890")
    second = services.otp_verify(phone="0812 3456 7890", code=code_from_sms("+6281234567890"))
    assert first.user == second.user
    assert first.created and not second.created
