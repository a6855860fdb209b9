"""Permission rules owned by accounts. Other apps register theirs the same way (see docs/accounts.md).

Superusers pass every rule in ``lumbung.core.permissions.can``; platform admins (the unscoped
``platform_admin`` role) pass the ones here that say so.
"""

from lumbung.core.permissions import rule

from .models import ActingFor, ApiToken, Organisation, OrganisationKind, Role
from .selectors import has_role, is_centre_agent, is_member, is_platform_admin

# Anyone logged in may open these; the others are vetted by platform admins (they carry powers:
# a service centre's agents act for villagers, a carrier's couriers move parcels...).
SELF_SERVICE_KINDS = frozenset(
    {OrganisationKind.HOUSEHOLD, OrganisationKind.BUSINESS, OrganisationKind.PRODUCER_GROUP}
)


@rule("accounts.create_organisation")
def can_create_organisation(user, kind) -> bool:
    """``obj`` is the organisation kind asked for."""
    return kind in SELF_SERVICE_KINDS or is_platform_admin(user)


@rule("accounts.view_organisation")
def can_view_organisation(user, organisation) -> bool:
    return isinstance(organisation, Organisation) and (
        is_member(user, organisation) or is_platform_admin(user)
    )


@rule("accounts.manage_organisation")
def can_manage_organisation(user, organisation) -> bool:
    """Add and remove members, change the organisation's details: owners and platform admins."""
    if not isinstance(organisation, Organisation):
        return False
    return has_role(user, Role.OWNER, organisation=organisation) or is_platform_admin(user)


@rule("accounts.manage_scoped_roles")
def can_manage_scoped_roles(user, _obj) -> bool:
    """Grant officials their area and platform admins their role."""
    return is_platform_admin(user)


@rule("accounts.act_for")
def can_act_for(user, centre) -> bool:
    """Start acting for villagers from this centre (or from any centre when ``obj`` is None).

    Deliberately not widened for platform admins beyond ``can``'s superuser rule: acting for a
    villager is a centre agent's job, done from a centre.
    """
    if centre is not None and not isinstance(centre, Organisation):
        return False
    return is_centre_agent(user, centre)


@rule("accounts.view_acting_for")
def can_view_acting_for(user, grant) -> bool:
    if not isinstance(grant, ActingFor):
        return False
    if user.pk in (grant.agent_id, grant.villager_id):
        return True
    return (
        grant.centre is not None and has_role(user, Role.OWNER, organisation=grant.centre)
    ) or is_platform_admin(user)


@rule("accounts.revoke_acting_for")
def can_revoke_acting_for(user, grant) -> bool:
    """The agent, the villager, the centre's owner and platform admins may end a grant."""
    return can_view_acting_for(user, grant)


@rule("accounts.manage_api_token")
def can_manage_api_token(user, token) -> bool:
    return isinstance(token, ApiToken) and token.user_id == user.pk
