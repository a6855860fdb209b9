"""Permission rules owned by payments (registered at start-up by ``apps.PaymentsConfig.ready``)."""

from lumbung.accounts.models import OrganisationKind, Role
from lumbung.accounts.selectors import has_role
from lumbung.core.permissions import anonymous_ok, rule

from .selectors import is_platform_staff
from .services.payouts import may_request_payout


@rule("payments.view_intent")
def can_view_intent(user, intent) -> bool:
    """The payer, and platform staff."""
    return intent is not None and (intent.payer_id == user.pk or is_platform_staff(user))


@rule("payments.cancel_intent")
def can_cancel_intent(user, intent) -> bool:
    return intent is not None and (intent.payer_id == user.pk or is_platform_staff(user))


@rule("payments.receive_cash")
def can_receive_cash(user, centre) -> bool:
    """An agent of that service centre (never platform staff from a desk: cash is counted in person)."""
    return (
        centre is not None
        and centre.kind == OrganisationKind.SERVICE_CENTRE
        and has_role(user, Role.CENTRE_AGENT, organisation=centre)
    )


@rule("payments.issue_refund")
def can_issue_refund(user, intent) -> bool:
    return is_platform_staff(user)


@rule("payments.request_payout")
def can_request_payout(user, organisation) -> bool:
    """The organisation's owner or BUMDes manager."""
    return organisation is not None and may_request_payout(user, organisation)


@rule("payments.manage_payouts")
def can_manage_payouts(user, obj=None) -> bool:
    return is_platform_staff(user)


@rule("payments.confirm_qris")
def can_confirm_qris(user, obj=None) -> bool:
    return is_platform_staff(user)


@rule("payments.enter_fx_rate")
def can_enter_fx_rate(user, obj=None) -> bool:
    return is_platform_staff(user)


@rule("payments.view_fx_rate")
@anonymous_ok
def can_view_fx_rate(user, obj=None) -> bool:
    return True
