"""One-time codes and the login limits (ASVS V2.2.1, V2.7).

Rules kept here:
- a code is 6 digits from ``secrets``, lives 10 minutes, is used once and dies after 5 wrong entries;
- only an HMAC-SHA256 of it is stored (keyed by SECRET_KEY, salted per code), compared in constant time;
- asking for a new code replaces the older ones: only the newest code for a number and purpose counts;
- at most 5 codes per number per hour, at most 100 failed entries (codes or passwords) per number per
  hour; both refusals are ``RateLimited`` with a message saying when to try again;
- unknown numbers get exactly the same answers: a login code to a new number creates the account
  once the code is entered ("phone-first" sign-up).

Failures are recorded in their own short transactions *before* the error is raised, so do not call
``otp_verify`` inside an outer ``atomic()`` that the error would roll back.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lumbung.core import audit
from lumbung.core.errors import Forbidden, RateLimited, ValidationFailed
from lumbung.notify.services import message_queue

from ..models import CodePurpose, FailedAttempt, OneTimeCode, User
from ..phones import normalize_phone

HOUR = timedelta(hours=1)
SUPPORTED_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)

WRONG_CODE = _("That code is wrong or has expired. Check the SMS, or ask for a new code.")
WRONG_PASSWORD = _("The phone number or the password is wrong.")


def language_or_default(language: str | None) -> str:
    language = (language or "").lower()
    return language if language in SUPPORTED_LANGUAGES else settings.LANGUAGE_CODE


# --- hashing ----------------------------------------------------------------------------------------


def _digest(code: str, salt: str) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), f"{salt}${code}".encode(), hashlib.sha256)
    return f"hmac-sha256${salt}${mac.hexdigest()}"


def code_hash(code: str) -> str:
    return _digest(code, secrets.token_hex(8))


def code_matches(code: str, stored: str) -> bool:
    try:
        _algo, salt, _mac = stored.split("$")
    except ValueError:
        return False
    return hmac.compare_digest(_digest(code, salt).encode(), stored.encode())


def new_code() -> str:
    return f"{secrets.randbelow(10**settings.OTP_LENGTH):0{settings.OTP_LENGTH}d}"


def clean_code(raw: str) -> str:
    """Accept "123 456" or "123-456"; refuse anything that cannot be a code, without counting it."""
    code = "".join(ch for ch in (raw or "") if not ch.isspace() and ch != "-")
    if len(code) != settings.OTP_LENGTH or not code.isascii() or not code.isdigit():
        raise ValidationFailed(
            _("The code has %(length)d digits.") % {"length": settings.OTP_LENGTH},
            code="code_malformed",
            details={"field": "code"},
        )
    return code


# --- limits -----------------------------------------------------------------------------------------


def _minutes_until(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _too_many_codes_text(minutes: int) -> str:
    return ngettext(
        "Too many codes were sent to this number. You can ask for a new code in %(minutes)d minute.",
        "Too many codes were sent to this number. You can ask for a new code in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _locked_out_text(minutes: int) -> str:
    return ngettext(
        "Too many wrong attempts for this number. You can try again in %(minutes)d minute.",
        "Too many wrong attempts for this number. You can try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


# Evaluated when shown, so the message comes out in the language active for whoever reads it.
too_many_codes_message = lazy(_too_many_codes_text, str)
locked_out_message = lazy(_locked_out_text, str)


def _rate_limited(code: str, message_factory, until: datetime, now: datetime) -> RateLimited:
    minutes = _minutes_until(until, now)
    return RateLimited(
        message_factory(minutes),
        code=code,
        details={
            "retry_at": until.isoformat(),
            "retry_after_seconds": math.ceil((until - now).total_seconds()),
        },
    )


def _window_full_until(times: list[datetime], limit: int) -> datetime | None:
    """Given the newest ``limit`` event times (newest first), when does the window have room again?"""
    if len(times) < limit:
        return None
    return times[limit - 1] + HOUR


def lockout_check(phone: str, now: datetime | None = None) -> None:
    """Raise ``RateLimited`` while the number has 100+ failed attempts in the last hour."""
    now = now or timezone.now()
    limit = settings.OTP_MAX_FAILED_PER_ACCOUNT_HOUR
    times = list(
        FailedAttempt.objects.filter(phone=phone, at__gt=now - HOUR)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    until = _window_full_until(times, limit)
    if until is not None:
        raise _rate_limited("locked_out", locked_out_message, until, now)


def failure_record(*, phone: str, kind: str, now: datetime | None = None) -> None:
    FailedAttempt.objects.create(phone=phone, kind=kind, at=now or timezone.now())


def _codes_per_hour_check(phone: str, now: datetime) -> None:
    limit = settings.OTP_MAX_PER_HOUR
    times = list(
        OneTimeCode.objects.filter(phone=phone, created_at__gt=now - HOUR)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    until = _window_full_until(times, limit)
    if until is not None:
        raise _rate_limited("too_many_codes", too_many_codes_message, until, now)


# --- issuing and consuming codes --------------------------------------------------------------------


def code_issue(
    *,
    phone: str,
    purpose: str,
    template: str,
    language: str,
    context: dict | None = None,
    acting_for=None,
    send: bool = True,
) -> OneTimeCode:
    """Check the limits, store the hash of a fresh code and queue the SMS. Runs in the caller's transaction."""
    now = timezone.now()
    lockout_check(phone, now)
    _codes_per_hour_check(phone, now)
    code = new_code()
    row = OneTimeCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=code_hash(code),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
        acting_for=acting_for,
    )
    if send:
        message_queue(
            to=phone, template=template, context={**(context or {}), "code": code}, language=language
        )
    return row


def code_consume(*, phone: str, purpose: str, code: str, acting_for=None) -> bool:
    """Use the newest code for this number and purpose if ``code`` matches it. Race-safe, no locks.

    Each comparison first claims one of the 5 attempts with a conditional UPDATE, so parallel guesses
    cannot get more than 5 tries, and two correct entries cannot both win.
    """
    now = timezone.now()
    with transaction.atomic():
        latest = (
            OneTimeCode.objects.filter(phone=phone, purpose=purpose, acting_for=acting_for)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is None:
            return False
        claimed = OneTimeCode.objects.filter(
            pk=latest.pk, used_at__isnull=True, attempts__lt=settings.OTP_MAX_ATTEMPTS, expires_at__gt=now
        ).update(attempts=F("attempts") + 1)
        if not claimed or not code_matches(code, latest.code_hash):
            return False
        return OneTimeCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now) == 1


# --- login ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeSent:
    phone: str
    expires_in: int


@dataclass(frozen=True)
class LoginResult:
    user: User
    created: bool


def otp_request(*, phone: str, purpose: str = CodePurpose.LOGIN, language: str | None = None) -> CodeSent:
    """Send a login code. Same answer whether or not the number has an account."""
    if purpose != CodePurpose.LOGIN:
        # Consent codes are sent by acting_for_start, tied to the grant they confirm.
        raise ValidationFailed(_("Unknown code purpose."), details={"field": "purpose"})
    phone = normalize_phone(phone)
    user = User.objects.filter(phone=phone).first()
    language = language_or_default(language or (user.language if user else None))
    with transaction.atomic():
        # A closed account gets the same answer, and counts against the same limits, but no SMS.
        code_issue(
            phone=phone,
            purpose=purpose,
            template="login_code",
            language=language,
            send=user is None or user.is_active,
        )
    return CodeSent(phone=phone, expires_in=settings.OTP_TTL_SECONDS)


def otp_verify(
    *, phone: str, code: str, purpose: str = CodePurpose.LOGIN, language: str | None = None
) -> LoginResult:
    """Check a login code and return the user, creating the account for a new number.

    ``language`` is only used for a new account. Raises ``ValidationFailed`` (code ``code_invalid``)
    for a wrong, used, expired or void code and ``RateLimited`` (``locked_out``) during a lockout.
    """
    if purpose != CodePurpose.LOGIN:
        raise ValidationFailed(_("Unknown code purpose."), details={"field": "purpose"})
    phone = normalize_phone(phone)
    code = clean_code(code)
    lockout_check(phone)
    if not code_consume(phone=phone, purpose=purpose, code=code):
        failure_record(phone=phone, kind="code")
        raise ValidationFailed(WRONG_CODE, code="code_invalid", details={"field": "code"})
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            phone=phone, defaults={"language": language_or_default(language)}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            audit.record("accounts.user.signed_up", actor=user, obj=user)
    if not user.is_active:
        raise Forbidden(_("This account is closed."), code="account_closed")
    return LoginResult(user=user, created=created)


def password_login_check(*, phone: str, password: str, request=None) -> User:
    """Phone + password. Wrong guesses count towards the same lockout as wrong codes."""
    try:
        phone = normalize_phone(phone)
    except ValidationFailed:
        raise ValidationFailed(WRONG_PASSWORD, code="login_failed") from None
    lockout_check(phone)
    user = authenticate(request, phone=phone, password=password or "")
    if user is None:
        failure_record(phone=phone, kind="password")
        raise ValidationFailed(WRONG_PASSWORD, code="login_failed")
    return user


def codes_purge() -> int:
    """Delete codes and failure records older than a day; they only matter for an hour."""
    cutoff = timezone.now() - timedelta(days=1)
    deleted_codes, _ = OneTimeCode.objects.filter(created_at__lt=cutoff).delete()
    deleted_failures, _ = FailedAttempt.objects.filter(at__lt=cutoff).delete()
    return deleted_codes + deleted_failures
