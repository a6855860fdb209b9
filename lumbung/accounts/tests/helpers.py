"""Test helpers: read codes the way a person would, from the SMS in the outbox."""

from __future__ import annotations

import re

from lumbung.accounts.models import Membership, Organisation, OrganisationKind, Role
from lumbung.notify.models import OutboxMessage

from .factories import MembershipFactory, OrganisationFactory, UserFactory

CODE_RE = re.compile(r"\b(\d{6})\b")


def last_sms(phone: str) -> OutboxMessage:
    message = OutboxMessage.objects.filter(to=phone).order_by("-created_at", "-id").first()
    assert message is not None, f"no SMS was queued for {phone}"
    return message


def code_from_sms(phone: str) -> str:
    match = CODE_RE.search(last_sms(phone).body)
    assert match, "the SMS holds no 6-digit code"
    return match.group(1)


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def centre_with_agent(**user_fields):
    """A service centre with an owner and an agent; returns (centre, agent)."""
    centre = OrganisationFactory(kind=OrganisationKind.SERVICE_CENTRE, name="Pusat Layanan Uji")
    MembershipFactory(organisation=centre, role=Role.OWNER)
    agent = UserFactory(**user_fields)
    Membership.objects.create(user=agent, organisation=centre, role=Role.CENTRE_AGENT)
    return centre, agent


def snapshot() -> dict:
    """What the accounts tables hold, to assert a refused request changed nothing."""
    from lumbung.accounts.models import ActingFor, ApiToken, OneTimeCode, User

    return {
        "users": sorted(User.objects.values_list("phone", "name", "language", "village_id", "is_active")),
        "organisations": sorted(Organisation.objects.values_list("public_id", "name", "kind", "is_active")),
        "memberships": sorted(
            Membership.objects.values_list("user_id", "role", "organisation_id", "area_id", "is_active")
        ),
        "grants": sorted(
            ActingFor.objects.values_list("public_id", "consented_at", "revoked_at", "expires_at")
        ),
        "tokens": sorted(ApiToken.objects.values_list("prefix", "revoked_at")),
        "codes": sorted(OneTimeCode.objects.values_list("phone", "purpose", "attempts", "used_at")),
        "sms": OutboxMessage.objects.count(),
    }
