"""Permission rules owned by the ledger."""

from lumbung.core.permissions import rule

from .selectors import is_platform_staff, owners_for_user


@rule("ledger.view_account")
def can_view_account(user, account) -> bool:
    """Platform staff see every account; others only accounts owned by them or their organisations."""
    if account is None:
        return False
    return is_platform_staff(user) or (bool(account.owner) and account.owner in owners_for_user(user))
