"""One-time-code login: the code in the SMS works once, expires, dies after 5 wrong tries, and the
per-number limits refuse with a translated message saying when to try again."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext

from lumbung.accounts import services
from lumbung.accounts.models import FailedAttempt, OneTimeCode, User
from lumbung.core.errors import RateLimited, ValidationFailed
from lumbung.notify.models import OutboxMessage

from .factories import UserFactory
from .helpers import code_from_sms, last_sms, wrong_code

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_code_from_the_sms_logs_in_an_existing_user_once():
    user = UserFactory(phone="+6281234567890", language="en")
    services.otp_request(phone="0812-3456-7890")
    sms = last_sms("+6281234567890")
    assert sms.template == "login_code"
    assert sms.language == "en"  # the account's language, not the default

    result = services.otp_verify(phone="+62 812 3456 7890", code=code_from_sms("+6281234567890"))

    assert result.user == user
    assert result.created is False
    with pytest.raises(ValidationFailed) as exc:  # single use
        services.otp_verify(phone="+6281234567890", code=code_from_sms("+6281234567890"))
    assert exc.value.code == "code_invalid"


def test_unknown_number_gets_the_same_answer_and_an_account_only_after_the_code():
    known = UserFactory(phone="+6281200000001")
    answer_known = services.otp_request(phone=known.phone)
    answer_new = services.otp_request(phone="081200000002", language="en")
    assert (answer_known.expires_in, type(answer_known)) == (answer_new.expires_in, type(answer_new))
    assert not User.objects.filter(phone="+6281200000002").exists()

    result = services.otp_verify(phone="081200000002", code=code_from_sms("+6281200000002"), language="en")

    assert result.created is True
    assert result.user.phone == "+6281200000002"
    assert result.user.language == "en"
    assert not result.user.has_usable_password()


def test_only_the_hash_of_the_code_is_stored():
    services.otp_request(phone="081234567891")
    code = code_from_sms("+6281234567891")
    row = OneTimeCode.objects.get(phone="+6281234567891")
    assert code not in row.code_hash
    assert row.code_hash.startswith("hmac-sha256$")
    # Nowhere else in the accounts tables either.
    for value in OneTimeCode.objects.values_list("phone", "purpose", "code_hash"):
        assert all(code not in str(v) for v in value)


def test_code_expires_after_ten_minutes(time_machine):
    time_machine.move_to(START, tick=False)
    services.otp_request(phone="081234567892")
    code = code_from_sms("+6281234567892")
    time_machine.shift(timedelta(seconds=settings.OTP_TTL_SECONDS + 1))
    with pytest.raises(ValidationFailed) as exc:
        services.otp_verify(phone="081234567892", code=code)
    assert exc.value.code == "code_invalid"
    assert not User.objects.filter(phone="+6281234567892").exists()


def test_code_still_works_just_before_it_expires(time_machine):
    time_machine.move_to(START, tick=False)
    services.otp_request(phone="081234567893")
    time_machine.shift(timedelta(seconds=settings.OTP_TTL_SECONDS - 5))
    assert services.otp_verify(phone="081234567893", code=code_from_sms("+6281234567893")).created


def test_five_wrong_entries_void_the_code():
    services.otp_request(phone="081234567894")
    code = code_from_sms("+6281234567894")
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            services.otp_verify(phone="081234567894", code=wrong_code(code))
    with pytest.raises(ValidationFailed) as exc:
        services.otp_verify(phone="081234567894", code=code)
    assert exc.value.code == "code_invalid"
    assert not User.objects.filter(phone="+6281234567894").exists()


def test_four_wrong_entries_still_leave_the_right_code_working():
    services.otp_request(phone="081234567895")
    code = code_from_sms("+6281234567895")
    for _ in range(settings.OTP_MAX_ATTEMPTS - 1):
        with pytest.raises(ValidationFailed):
            services.otp_verify(phone="081234567895", code=wrong_code(code))
    assert services.otp_verify(phone="081234567895", code=code).user.phone == "+6281234567895"


def test_a_new_code_replaces_the_old_one():
    services.otp_request(phone="081234567896")
    first = code_from_sms("+6281234567896")
    services.otp_request(phone="081234567896")
    second = code_from_sms("+6281234567896")
    if first != second:  # one in a million they coincide
        with pytest.raises(ValidationFailed):
            services.otp_verify(phone="081234567896", code=first)
    assert services.otp_verify(phone="081234567896", code=second)


def test_malformed_code_is_refused_without_counting():
    services.otp_request(phone="081234567897")
    with pytest.raises(ValidationFailed) as exc:
        services.otp_verify(phone="081234567897", code="12ab")
    assert exc.value.code == "code_malformed"
    assert OneTimeCode.objects.get(phone="+6281234567897").attempts == 0
    assert not FailedAttempt.objects.exists()


def test_sixth_code_in_an_hour_is_refused_and_allowed_again_after_the_hour(time_machine):
    time_machine.move_to(START, tick=False)
    for _ in range(settings.OTP_MAX_PER_HOUR):
        services.otp_request(phone="081234567898")
        time_machine.shift(timedelta(minutes=1))
    sent = OutboxMessage.objects.filter(to="+6281234567898").count()

    with pytest.raises(RateLimited) as exc:
        services.otp_request(phone="081234567898")

    assert exc.value.code == "too_many_codes"
    assert exc.value.status == 429
    assert OutboxMessage.objects.filter(to="+6281234567898").count() == sent == settings.OTP_MAX_PER_HOUR
    # The first code was sent at START: the window has room again an hour later.
    assert exc.value.details["retry_at"] == (START + timedelta(hours=1)).isoformat()
    assert exc.value.details["retry_after_seconds"] == 55 * 60
    time_machine.move_to(START + timedelta(hours=1, seconds=1), tick=False)
    services.otp_request(phone="081234567898")
    assert OutboxMessage.objects.filter(to="+6281234567898").count() == sent + 1


def test_the_limit_is_per_number():
    for _ in range(settings.OTP_MAX_PER_HOUR):
        services.otp_request(phone="081234567899")
    services.otp_request(phone="081234567800")  # another number is not affected
    assert last_sms("+6281234567800")


def test_hundred_failures_in_an_hour_lock_the_number_even_for_the_right_code(time_machine):
    time_machine.move_to(START, tick=False)
    phone = "+6281234500001"
    UserFactory(phone=phone)
    # Wrong passwords and wrong codes both count; 5 codes x 5 tries cannot reach 100, passwords can.
    for _ in range(settings.OTP_MAX_FAILED_PER_ACCOUNT_HOUR):
        with pytest.raises(ValidationFailed):
            services.password_login_check(phone=phone, password="not-the-password")
    with pytest.raises(RateLimited) as exc:
        services.otp_request(phone=phone)
    assert exc.value.code == "locked_out"
    assert not OneTimeCode.objects.filter(phone=phone).exists()

    time_machine.move_to(START + timedelta(hours=1, seconds=1), tick=False)
    services.otp_request(phone=phone)
    code = code_from_sms(phone)
    assert services.otp_verify(phone=phone, code=code).user.phone == phone


def test_lockout_refuses_a_correct_code_entered_after_the_hundredth_failure():
    phone = "+6281234500002"
    services.otp_request(phone=phone)
    code = code_from_sms(phone)
    FailedAttempt.objects.bulk_create(
        [FailedAttempt(phone=phone, kind="code") for _ in range(settings.OTP_MAX_FAILED_PER_ACCOUNT_HOUR)]
    )
    with pytest.raises(RateLimited) as exc:
        services.otp_verify(phone=phone, code=code)
    assert exc.value.code == "locked_out"
    assert OneTimeCode.objects.get(phone=phone).used_at is None
    assert not User.objects.filter(phone=phone).exists()


def test_wrong_codes_count_towards_the_lockout():
    phone = "+6281234500003"
    services.otp_request(phone=phone)
    code = code_from_sms(phone)
    with pytest.raises(ValidationFailed):
        services.otp_verify(phone=phone, code=wrong_code(code))
    assert FailedAttempt.objects.filter(phone=phone, kind="code").count() == 1


def test_lockout_message_is_translated_and_says_when(time_machine):
    time_machine.move_to(START, tick=False)
    phone = "+6281234500004"
    FailedAttempt.objects.bulk_create(
        [
            FailedAttempt(phone=phone, kind="password", at=START)
            for _ in range(settings.OTP_MAX_FAILED_PER_ACCOUNT_HOUR)
        ]
    )
    time_machine.shift(timedelta(minutes=20))
    with pytest.raises(RateLimited) as exc:
        services.otp_verify(phone=phone, code="123456")

    assert exc.value.code == "locked_out"
    assert exc.value.details["retry_after_seconds"] == 40 * 60
    singular = "Too many wrong attempts for this number. You can try again in %(minutes)d minute."
    plural = "Too many wrong attempts for this number. You can try again in %(minutes)d minutes."
    for language in ("en", "id", "zh-hans"):
        with translation.override(language):
            # The message is rendered when shown, in the reader's language, and names the wait.
            assert str(exc.value.message) == ngettext(singular, plural, 40) % {"minutes": 40}
            assert "40" in str(exc.value.message)
    with translation.override("en"):
        english = str(exc.value.message)
    assert english == plural % {"minutes": 40}


def test_closed_account_gets_the_same_answer_but_no_sms():
    user = UserFactory(phone="+6281234500005", is_active=False)
    services.otp_request(phone=user.phone)
    assert not OutboxMessage.objects.filter(to=user.phone).exists()
    assert OneTimeCode.objects.filter(phone=user.phone).count() == 1


def test_password_login_checks_the_password():
    user = UserFactory(phone="+6281234500006", password="kopi-sigi-2026")
    assert services.password_login_check(phone="081234500006", password="kopi-sigi-2026") == user
    with pytest.raises(ValidationFailed) as exc:
        services.password_login_check(phone="081234500006", password="wrong")
    assert exc.value.code == "login_failed"
    # An unknown number gets the very same error.
    with pytest.raises(ValidationFailed) as unknown:
        services.password_login_check(phone="081234500007", password="kopi-sigi-2026")
    assert (unknown.value.code, str(unknown.value.message)) == (exc.value.code, str(exc.value.message))


def test_purge_removes_day_old_codes_and_failures(time_machine):
    time_machine.move_to(START, tick=False)
    services.otp_request(phone="081234500008")
    FailedAttempt.objects.create(phone="+6281234500008", kind="code")
    time_machine.shift(timedelta(days=1, minutes=1))
    services.otp_request(phone="081234500008")
    assert services.codes_purge() == 2
    assert OneTimeCode.objects.filter(phone="+6281234500008").count() == 1
