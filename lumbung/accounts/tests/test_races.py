"""Real threads against PostgreSQL: a code is used once and gets at most 5 tries, however many
requests arrive at the same moment."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from lumbung.accounts import services
from lumbung.accounts.models import OneTimeCode, User
from lumbung.core.errors import DomainError

from .helpers import code_from_sms, wrong_code

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(count, func):
    barrier = threading.Barrier(count)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(func())
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_same_right_code_entered_twice_at_once_logs_in_once():
    services.otp_request(phone="+6281299990001")
    code = code_from_sms("+6281299990001")
    results = _race(6, lambda: services.otp_verify(phone="+6281299990001", code=code))
    wins = [r for r in results if not isinstance(r, str)]
    assert len(wins) == 1
    assert results.count("code_invalid") == 5
    assert User.objects.filter(phone="+6281299990001").count() == 1


def test_parallel_guesses_get_no_more_than_five_tries():
    services.otp_request(phone="+6281299990002")
    code = code_from_sms("+6281299990002")
    _race(12, lambda: services.otp_verify(phone="+6281299990002", code=wrong_code(code)))
    assert OneTimeCode.objects.get(phone="+6281299990002").attempts == settings.OTP_MAX_ATTEMPTS
    with pytest.raises(DomainError):
        services.otp_verify(phone="+6281299990002", code=code)
