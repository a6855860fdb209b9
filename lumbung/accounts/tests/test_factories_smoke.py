import pytest

from lumbung.accounts.models import Role
from lumbung.accounts.selectors import has_role

from .factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_owner_holds_role_only_in_their_own_organisation():
    membership = MembershipFactory(role=Role.OWNER)
    other = OrganisationFactory()
    assert has_role(membership.user, Role.OWNER, organisation=membership.organisation)
    assert not has_role(membership.user, Role.OWNER, organisation=other)
    assert not has_role(UserFactory(), Role.OWNER, organisation=membership.organisation)
