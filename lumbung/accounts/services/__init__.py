"""Writes for accounts. Each public function is keyword-only and owns its transaction when called alone.

Split by subject: ``otp`` (codes, limits, login), ``users`` (profile, password, villagers without a
phone), ``organisations`` (organisations and roles), ``acting_for`` (assisted acts with consent) and
``tokens`` (API tokens). Import from here.
"""

from .acting_for import (
    GRANT_TTL,
    acting_for_confirm_code,
    acting_for_record_in_person,
    acting_for_require,
    acting_for_revoke,
    acting_for_start,
    assisted_act_record,
)
from .organisations import (
    AREA_ROLES,
    ROLES_BY_KIND,
    membership_add,
    membership_remove,
    organisation_create,
    scoped_role_grant,
    scoped_role_revoke,
)
from .otp import (
    CodeSent,
    LoginResult,
    codes_purge,
    language_or_default,
    otp_request,
    otp_verify,
    password_login_check,
)
from .tokens import api_token_authenticate, api_token_create, api_token_revoke
from .users import user_password_set, user_profile_update, village_check, villager_register_without_phone

__all__ = [
    "AREA_ROLES",
    "GRANT_TTL",
    "ROLES_BY_KIND",
    "CodeSent",
    "LoginResult",
    "acting_for_confirm_code",
    "acting_for_record_in_person",
    "acting_for_require",
    "acting_for_revoke",
    "acting_for_start",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "assisted_act_record",
    "codes_purge",
    "language_or_default",
    "membership_add",
    "membership_remove",
    "organisation_create",
    "otp_request",
    "otp_verify",
    "password_login_check",
    "scoped_role_grant",
    "scoped_role_revoke",
    "user_password_set",
    "user_profile_update",
    "village_check",
    "villager_register_without_phone",
]
