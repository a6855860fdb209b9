"""Reads about people, organisations, roles and grants.

The role helpers here are what permission rules (ours and other apps') call: ``has_role``,
``is_member``, ``roles_in``, ``official_covers`` and ``is_platform_admin``. They answer for active
memberships only and never raise.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from lumbung.regions.models import Area
from lumbung.regions.selectors import area_find, is_final

from .models import ActingFor, ApiToken, Membership, Organisation, OrganisationKind, Role, User


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _area_and_ancestor_codes(area) -> list[str]:
    codes = [area.code, area.province_code, area.regency_code, area.district_code]
    return [c for c in codes if c]


def has_role(user, role: str, *, organisation=None, area=None) -> bool:
    """Does the user hold this role in the organisation, or in the area or any area containing it?"""
    if not _authenticated(user):
        return False
    qs = Membership.objects.filter(user=user, role=role, is_active=True)
    if organisation is not None:
        return qs.filter(organisation=organisation, organisation__is_active=True).exists()
    if area is not None:
        return qs.filter(Q(area__code__in=_area_and_ancestor_codes(area))).exists()
    return qs.exists()


def is_platform_admin(user) -> bool:
    """A superuser, or someone holding ``platform_admin`` with no scope (it is a platform-wide role)."""
    if not _authenticated(user):
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, role=Role.PLATFORM_ADMIN, is_active=True, organisation__isnull=True, area__isnull=True
    ).exists()


def is_member(user, organisation) -> bool:
    """Does the user hold any active role in this organisation?"""
    if not _authenticated(user) or organisation is None:
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, is_active=True, organisation__is_active=True
    ).exists()


def roles_in(user, organisation) -> set[str]:
    """The user's active roles in this organisation (empty for strangers and anonymous users)."""
    if not _authenticated(user) or organisation is None:
        return set()
    return set(
        Membership.objects.filter(
            user=user, organisation=organisation, is_active=True, organisation__is_active=True
        ).values_list("role", flat=True)
    )


def official_covers(user, area) -> bool:
    """Is the user an official for this area: scoped to it or to a province/regency/district holding it?"""
    if area is None:
        return False
    return has_role(user, Role.OFFICIAL, area=area)


def is_centre_agent(user, centre=None) -> bool:
    """Does the user hold ``centre_agent`` in this (or any) active service centre?"""
    if not _authenticated(user):
        return False
    qs = Membership.objects.filter(
        user=user,
        role=Role.CENTRE_AGENT,
        is_active=True,
        organisation__kind=OrganisationKind.SERVICE_CENTRE,
        organisation__is_active=True,
    )
    if centre is not None:
        qs = qs.filter(organisation=centre)
    return qs.exists()


def user_by_phone(phone: str) -> User | None:
    return User.objects.filter(phone=phone).first()


def organisations_of(user) -> QuerySet[Organisation]:
    """Organisations where the user holds an active role, with the village loaded."""
    return (
        Organisation.objects.filter(memberships__user=user, memberships__is_active=True, is_active=True)
        .select_related("village")
        .distinct()
        .order_by("name")
    )


def centres_of_agent(user) -> QuerySet[Organisation]:
    return (
        organisations_of(user)
        .filter(kind=OrganisationKind.SERVICE_CENTRE, memberships__role=Role.CENTRE_AGENT)
        .distinct()
    )


def organisation_members(organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("user")
        .order_by("user__name", "user__phone", "role")
    )


def organisation_by_public_id(public_id: str) -> Organisation | None:
    return Organisation.objects.select_related("village").filter(public_id=public_id).first()


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def acting_for_active_of_agent(agent) -> QuerySet[ActingFor]:
    """Grants the agent holds that are confirmed, unrevoked and unexpired, newest first."""
    return (
        ActingFor.objects.filter(
            agent=agent, consented_at__isnull=False, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("villager", "centre")
        .order_by("-consented_at")
    )


def acting_for_pending_of_agent(agent) -> QuerySet[ActingFor]:
    """Grants waiting for the villager's code."""
    return (
        ActingFor.objects.filter(
            agent=agent, consented_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("villager", "centre")
        .order_by("-created_at")
    )


def acting_for_active_for_villager(villager) -> QuerySet[ActingFor]:
    """Who may currently act for this villager (shown on their profile so they can revoke)."""
    return (
        ActingFor.objects.filter(
            villager=villager,
            consented_at__isnull=False,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("agent", "centre")
        .order_by("-consented_at")
    )


def acting_for_by_public_id(public_id: str) -> ActingFor | None:
    return ActingFor.objects.select_related("agent", "villager", "centre").filter(public_id=public_id).first()


def village_by_code(code: str | None) -> Area | None:
    """The village (or Chinese county) with this code, or None."""
    area = area_find(code=code or "")
    return area if area is not None and is_final(area) else None


def acting_for_status(grant: ActingFor) -> str:
    """pending (waiting for the code), active, expired or revoked."""
    if grant.revoked_at is not None:
        return "revoked"
    if grant.expires_at <= timezone.now():
        return "expired"
    return "active" if grant.consented_at is not None else "pending"
