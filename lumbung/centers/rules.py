"""Permission rules owned by centres (registered in ``CentersConfig.ready``).

- ``centers.operate`` (obj: a ServiceCentre): work its counter (take cash, record deposits). Only an
  active agent of that active centre; platform admins do not take cash for someone else's drawer.
- ``centers.view_cash`` (obj: a ServiceCentre): see the drawer and its cash-up: its agents and
  platform admins. An agent sees only their own centre's cash.
- ``centers.manage`` (obj: ignored): open centres and set the villages they serve: platform admins.
Superusers pass every rule (``lumbung.core.permissions.can``).
"""

from lumbung.accounts.selectors import is_centre_agent, is_platform_admin
from lumbung.core.permissions import rule

from .models import ServiceCentre


@rule("centers.operate")
def can_operate(user, centre) -> bool:
    return (
        isinstance(centre, ServiceCentre) and centre.is_active and is_centre_agent(user, centre.organisation)
    )


@rule("centers.view_cash")
def can_view_cash(user, centre) -> bool:
    return isinstance(centre, ServiceCentre) and (can_operate(user, centre) or is_platform_admin(user))


@rule("centers.manage")
def can_manage(user, _obj) -> bool:
    return is_platform_admin(user)
