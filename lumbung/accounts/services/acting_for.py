"""Acting for: a centre agent doing something on a villager's behalf, with the villager's consent.

Consent is either a one-time code sent to the villager's phone, which the villager reads out and the
agent types in, or — only for villagers without a phone — consent given in person and recorded with
a note of what was checked and signed. A grant covers one purpose, from one centre, for 24 hours.

Later apps call ``acting_for_require(agent=, villager=, purpose=)`` before every assisted act and
``assisted_act_record(grant=, action=, obj=)`` to write it to the audit log for both people.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core import audit, permissions
from lumbung.core.errors import Conflict, Forbidden, ValidationFailed

from ..models import (
    ActingFor,
    AssistPurpose,
    CodePurpose,
    ConsentMethod,
    Organisation,
    OrganisationKind,
    User,
)
from ..phones import normalize_phone
from ..selectors import is_centre_agent
from .otp import (
    WRONG_CODE,
    clean_code,
    code_consume,
    code_issue,
    failure_record,
    language_or_default,
    lockout_check,
)

GRANT_TTL = timedelta(hours=24)
MIN_CONSENT_NOTE = 10


def _centre_check(agent: User, centre: Organisation) -> None:
    if not isinstance(centre, Organisation) or centre.kind != OrganisationKind.SERVICE_CENTRE:
        raise ValidationFailed(_("Choose one of your service centres."), details={"field": "centre"})
    if not is_centre_agent(agent, centre):
        raise Forbidden(
            _("Only an agent of this service centre can act for villagers."), code="not_centre_agent"
        )


def _purpose_check(purpose: str) -> None:
    if purpose not in AssistPurpose.values:
        raise ValidationFailed(_("Choose what you will do for the villager."), details={"field": "purpose"})


def acting_for_start(*, agent: User, villager_phone: str, purpose: str, centre: Organisation) -> ActingFor:
    """Open a grant waiting for consent and send the villager a code naming the agent and the purpose."""
    _centre_check(agent, centre)
    _purpose_check(purpose)
    phone = normalize_phone(villager_phone)
    if phone == agent.phone:
        raise ValidationFailed(_("You cannot act for yourself."), details={"field": "villager_phone"})
    now = timezone.now()
    with transaction.atomic():
        villager, created = User.objects.get_or_create(phone=phone, defaults={"language": agent.language})
        if created:
            # Phone-first: the villager can log in later with a code to this number.
            villager.set_unusable_password()
            villager.save(update_fields=["password"])
        grant = ActingFor.objects.create(
            agent=agent,
            villager=villager,
            centre=centre,
            purpose=purpose,
            consent_method=ConsentMethod.CODE,
            created_at=now,
            expires_at=now + GRANT_TTL,
        )
        code_issue(
            phone=phone,
            purpose=CodePurpose.CONSENT,
            template="consent_code",
            language=language_or_default(villager.language),
            context={
                "agent": agent.get_full_name(),
                "centre": centre.name,
                "purpose": AssistPurpose(purpose).label,
            },
            acting_for=grant,
        )
        audit.record(
            "accounts.acting_for.requested",
            actor=agent,
            on_behalf_of=villager,
            obj=grant,
            data={"purpose": purpose},
        )
    return grant


def acting_for_confirm_code(*, agent: User, grant: ActingFor, code: str) -> ActingFor:
    """The agent types the code the villager read out. Wrong codes count towards the villager's lockout."""
    if grant.agent_id != agent.pk:
        raise Forbidden()
    if grant.revoked_at is not None or grant.consent_method != ConsentMethod.CODE:
        raise Conflict(_("This request is closed. Start a new one."), code="grant_closed")
    if grant.consented_at is not None:
        raise Conflict(_("The villager has already agreed."), code="grant_confirmed")
    code = clean_code(code)
    phone = grant.villager.phone
    lockout_check(phone)
    if not code_consume(phone=phone, purpose=CodePurpose.CONSENT, code=code, acting_for=grant):
        failure_record(phone=phone, kind="code")
        raise ValidationFailed(WRONG_CODE, code="code_invalid", details={"field": "code"})
    now = timezone.now()
    with transaction.atomic():
        ActingFor.objects.filter(pk=grant.pk, consented_at__isnull=True).update(
            consented_at=now, expires_at=now + GRANT_TTL
        )
        grant.refresh_from_db()
        audit.record(
            "accounts.acting_for.granted",
            actor=agent,
            on_behalf_of=grant.villager,
            obj=grant,
            data={"acting_for": grant.public_id, "method": ConsentMethod.CODE, "purpose": grant.purpose},
        )
    return grant


def acting_for_record_in_person(
    *, agent: User, villager: User, purpose: str, centre: Organisation, consent_note: str
) -> ActingFor:
    """Record consent given at the counter by a villager who has no phone of their own."""
    _centre_check(agent, centre)
    _purpose_check(purpose)
    if villager.has_own_phone:
        raise ValidationFailed(
            _("This villager has a phone: send them a consent code instead."),
            code="has_phone",
            details={"field": "villager"},
        )
    note = (consent_note or "").strip()
    if len(note) < MIN_CONSENT_NOTE:
        raise ValidationFailed(
            _(
                "Write what you checked and what the villager signed, e.g. \u201cKTP checked, thumbprint on slip #123\u201d."
            ),
            details={"field": "consent_note"},
        )
    now = timezone.now()
    with transaction.atomic():
        grant = ActingFor.objects.create(
            agent=agent,
            villager=villager,
            centre=centre,
            purpose=purpose,
            consent_method=ConsentMethod.IN_PERSON,
            consent_note=note[:255],
            created_at=now,
            consented_at=now,
            expires_at=now + GRANT_TTL,
        )
        audit.record(
            "accounts.acting_for.granted",
            actor=agent,
            on_behalf_of=villager,
            obj=grant,
            data={
                "acting_for": grant.public_id,
                "method": ConsentMethod.IN_PERSON,
                "purpose": purpose,
                "note": note,
            },
        )
    return grant


def acting_for_revoke(*, actor: User, grant: ActingFor) -> ActingFor:
    permissions.require(actor, "accounts.revoke_acting_for", grant)
    with transaction.atomic():
        changed = ActingFor.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        grant.refresh_from_db()
        if changed:
            audit.record(
                "accounts.acting_for.revoked",
                actor=actor,
                on_behalf_of=grant.villager,
                obj=grant,
                data={"acting_for": grant.public_id},
            )
    return grant


def acting_for_require(*, agent: User, villager: User, purpose: str) -> ActingFor:
    """The grant that lets ``agent`` do ``purpose`` for ``villager`` now, or ``Forbidden``.

    The agent must still be an agent of the grant's centre: leaving the centre ends every grant.
    """
    now = timezone.now()
    grants = (
        ActingFor.objects.filter(
            agent=agent,
            villager=villager,
            purpose=purpose,
            consented_at__isnull=False,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .select_related("centre")
        .order_by("-consented_at")
    )
    for grant in grants:
        if is_centre_agent(agent, grant.centre):
            return grant
    raise Forbidden(
        _("You need the villager's consent for this. Ask them for a consent code first."), code="no_consent"
    )


def assisted_act_record(
    *, grant: ActingFor, action: str, obj: Any = None, data: dict[str, Any] | None = None
) -> None:
    """Write an assisted act to the audit log, done by the agent for the villager under this grant."""
    audit.record(
        action,
        actor=grant.agent,
        on_behalf_of=grant.villager,
        obj=obj,
        data={**(data or {}), "acting_for": grant.public_id},
    )
