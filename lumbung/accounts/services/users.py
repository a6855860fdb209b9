"""People: profile, optional password, and villagers registered without a phone."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lumbung.core import audit
from lumbung.core.errors import Forbidden, ValidationFailed
from lumbung.core.ids import new_code
from lumbung.regions.models import Area
from lumbung.regions.selectors import is_final

from ..models import NO_PHONE_PREFIX, User
from ..selectors import is_centre_agent
from .otp import SUPPORTED_LANGUAGES


def village_check(village) -> Area:
    """A profile or organisation sits in a village (Indonesia, level 4) or a Chinese county (level 3)."""
    if not isinstance(village, Area):
        raise ValidationFailed(_("Choose a village."), details={"field": "village"})
    if not is_final(village):
        raise ValidationFailed(_("Choose a village, not a larger area."), details={"field": "village"})
    return village


def user_profile_update(*, user: User, name: str, language: str, village: Area | None) -> User:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter your name."), details={"field": "name"})
    if language not in SUPPORTED_LANGUAGES:
        raise ValidationFailed(_("Choose a language from the list."), details={"field": "language"})
    if village is not None:
        village_check(village)
    user.name = name[:120]
    user.language = language
    user.village = village
    user.save(update_fields=["name", "language", "village"])
    return user


def user_password_set(*, user: User, password: str, current_password: str | None = None) -> User:
    """Set or change the optional password. Changing one needs the current one (ASVS V2.1.6)."""
    if not user.has_own_phone:
        raise Forbidden(_("This account cannot log in."))
    if user.has_usable_password() and not user.check_password(current_password or ""):
        raise ValidationFailed(_("The current password is wrong."), details={"field": "current_password"})
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(str(m) for m in exc.messages), details={"field": "password"}) from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record("accounts.user.password_set", actor=user, obj=user)
    return user


def villager_register_without_phone(*, agent: User, centre, name: str, village: Area) -> User:
    """Register a villager who has no phone, under a non-dialable id the agent writes on their slip.

    Such a user can never log in or receive an SMS: only in-person consent lets an agent act for them.
    """
    if not is_centre_agent(agent, centre):
        raise Forbidden(_("Only an agent of this service centre can register villagers."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter the villager's name."), details={"field": "name"})
    village_check(village)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                villager = User(
                    phone=f"{NO_PHONE_PREFIX}{new_code(8)}",
                    name=name[:120],
                    village=village,
                    has_own_phone=False,
                    language=agent.language,
                )
                villager.set_unusable_password()
                villager.save()
                audit.record(
                    "accounts.villager.registered",
                    actor=agent,
                    obj=villager,
                    data={"centre": centre.public_id},
                )
                return villager
        except IntegrityError:  # 40 random bits: a clash is rare; draw again
            continue
    raise RuntimeError("could not draw a free villager id")
