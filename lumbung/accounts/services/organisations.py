"""Organisations and the roles people hold in them, or in an area (officials).

Which roles fit which kind of organisation is fixed here, so a shop cannot hand out "centre agent"
and a household cannot have couriers. Only owners and platform admins change members; the last
owner cannot be removed (an organisation nobody can manage is stuck).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lumbung.core import audit, permissions
from lumbung.core.errors import Conflict, NotFound, ValidationFailed
from lumbung.notify.services import message_queue
from lumbung.regions.models import Area, Level

from ..models import Membership, Organisation, OrganisationKind, Role, User
from ..phones import normalize_phone
from .users import village_check

K, R = OrganisationKind, Role
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    K.HOUSEHOLD: frozenset({R.OWNER, R.STAFF, R.MEMBER}),
    K.BUSINESS: frozenset({R.OWNER, R.STAFF}),
    K.BUMDES: frozenset({R.OWNER, R.STAFF, R.MEMBER, R.BUMDES_MANAGER}),
    K.PRODUCER_GROUP: frozenset({R.OWNER, R.STAFF, R.MEMBER}),
    K.SERVICE_CENTRE: frozenset({R.OWNER, R.STAFF, R.CENTRE_AGENT}),
    K.CARRIER: frozenset({R.OWNER, R.STAFF, R.COURIER}),
    K.TRADE_DESK: frozenset({R.OWNER, R.STAFF, R.EXPORT_FACILITATOR, R.QUALITY_INSPECTOR}),
    K.PLATFORM: frozenset({R.OWNER, R.STAFF, R.QUALITY_INSPECTOR, R.EXPORT_FACILITATOR}),
}
# Roles held over an area rather than in an organisation, and the area levels they fit.
AREA_ROLES: dict[str, frozenset[int]] = {
    R.OFFICIAL: frozenset({Level.PROVINCE, Level.REGENCY, Level.DISTRICT, Level.VILLAGE}),
    R.QUALITY_INSPECTOR: frozenset({Level.PROVINCE, Level.REGENCY}),
}


def organisation_create(
    *, actor: User, kind: str, name: str, village: Area, address: str = "", phone: str = ""
) -> Organisation:
    """Open an organisation in a village; the creator becomes its owner."""
    if kind not in OrganisationKind.values:
        raise ValidationFailed(_("Choose a kind of organisation from the list."), details={"field": "kind"})
    permissions.require(actor, "accounts.create_organisation", kind)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter a name."), details={"field": "name"})
    village_check(village)
    phone = normalize_phone(phone) if (phone or "").strip() else ""
    with transaction.atomic():
        organisation = Organisation.objects.create(
            kind=kind, name=name[:160], village=village, address=(address or "").strip()[:255], phone=phone
        )
        Membership.objects.create(user=actor, organisation=organisation, role=Role.OWNER)
        audit.record("accounts.organisation.created", actor=actor, obj=organisation, data={"kind": kind})
    return organisation


def _role_check(organisation: Organisation, role: str) -> None:
    if role not in ROLES_BY_KIND.get(organisation.kind, frozenset()):
        raise ValidationFailed(
            _("That role does not exist in this kind of organisation."),
            details={"field": "role", "role": role},
        )


def membership_add(
    *, actor: User, organisation: Organisation, phone: str, role: str, language: str | None = None
) -> Membership:
    """Give the person with this phone number a role here, creating their account if they have none.

    They can then log in with a code to that number. They are told by SMS.
    """
    permissions.require(actor, "accounts.manage_organisation", organisation)
    _role_check(organisation, role)
    phone = normalize_phone(phone)
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            phone=phone, defaults={"language": language or actor.language}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        membership, new = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role, defaults={"is_active": True}
        )
        if not new and membership.is_active:
            raise Conflict(_("This person already has that role here."), code="already_member")
        if not new:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        audit.record(
            "accounts.membership.added",
            actor=actor,
            obj=organisation,
            data={"user": user.public_id, "role": role},
        )
        if user.has_own_phone and user.is_active:
            message_queue(
                to=user.phone,
                template="member_added",
                context={"organisation": organisation.name, "role": Role(role).label},
                language=user.language,
            )
    return membership


def membership_remove(*, actor: User, organisation: Organisation, user: User, role: str) -> None:
    permissions.require(actor, "accounts.manage_organisation", organisation)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation=organisation, role=role, is_active=True)
            .first()
        )
        if membership is None:
            raise NotFound(_("This person does not have that role here."))
        if role == Role.OWNER:
            # Lock the owners in pk order so two owners removing each other cannot leave none.
            owners = list(
                Membership.objects.select_for_update()
                .filter(organisation=organisation, role=Role.OWNER, is_active=True)
                .order_by("pk")
            )
            if len(owners) <= 1:
                raise Conflict(_("An organisation needs at least one owner."), code="last_owner")
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit.record(
            "accounts.membership.removed",
            actor=actor,
            obj=organisation,
            data={"user": user.public_id, "role": role},
        )


def scoped_role_grant(*, actor: User, phone: str, role: str, area: Area | None) -> Membership:
    """Platform admins give officials (and regional inspectors) their area, or a platform admin the platform."""
    permissions.require(actor, "accounts.manage_scoped_roles")
    if role == Role.PLATFORM_ADMIN:
        if area is not None:
            raise ValidationFailed(
                _("A platform admin covers the whole platform."), details={"field": "area"}
            )
    elif role in AREA_ROLES:
        if not isinstance(area, Area) or area.level not in AREA_ROLES[role]:
            raise ValidationFailed(
                _("Choose an area of the right level for this role."), details={"field": "area"}
            )
    else:
        raise ValidationFailed(
            _("That role is held in an organisation, not an area."), details={"field": "role"}
        )
    phone = normalize_phone(phone)
    with transaction.atomic():
        user, created = User.objects.get_or_create(phone=phone)
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        membership = Membership.objects.filter(user=user, role=role, organisation=None, area=area).first()
        if membership is None:
            membership = Membership.objects.create(user=user, role=role, area=area)
        elif not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        audit.record(
            "accounts.membership.scoped_granted",
            actor=actor,
            obj=user,
            data={"role": role, "area": area.code if area else ""},
        )
    return membership


def scoped_role_revoke(*, actor: User, membership: Membership) -> None:
    permissions.require(actor, "accounts.manage_scoped_roles")
    if membership.organisation_id is not None:
        raise ValidationFailed(_("That role is held in an organisation; its owner manages it."))
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
        audit.record(
            "accounts.membership.scoped_revoked",
            actor=actor,
            obj=membership.user,
            data={"role": membership.role, "area": membership.area.code if membership.area_id else ""},
        )
