"""Permission rules owned by accounts. Other apps register theirs the same way."""

from lumbung.core.permissions import rule

from .models import Role
from .selectors import has_role


@rule("accounts.manage_organisation")
def can_manage_organisation(user, organisation) -> bool:
    return organisation is not None and has_role(user, Role.OWNER, organisation=organisation)
