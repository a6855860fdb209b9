"""Organisations and roles: owners manage members, strangers change nothing, roles fit the kind."""

import pytest

from lumbung.accounts import services
from lumbung.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from lumbung.accounts.selectors import has_role, is_member, is_platform_admin, official_covers, roles_in
from lumbung.core.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed
from lumbung.core.permissions import can, require
from lumbung.notify.models import OutboxMessage
from lumbung.regions.tests.factories import village

from .factories import MembershipFactory, OrganisationFactory, UserFactory
from .helpers import snapshot

pytestmark = pytest.mark.django_db


def test_creator_becomes_owner_of_a_household_in_their_village():
    user = UserFactory()
    home = village(name="Bainiu")
    organisation = services.organisation_create(
        actor=user, kind=OrganisationKind.HOUSEHOLD, name="  Keluarga Lamba ", village=home
    )
    assert organisation.name == "Keluarga Lamba"
    assert organisation.village == home
    assert roles_in(user, organisation) == {Role.OWNER}
    assert can(user, "accounts.manage_organisation", organisation)


def test_vetted_kinds_need_a_platform_admin():
    user = UserFactory()
    with pytest.raises(Forbidden):
        services.organisation_create(
            actor=user, kind=OrganisationKind.SERVICE_CENTRE, name="Pusat", village=village()
        )
    assert not Organisation.objects.exists()
    admin = UserFactory()
    Membership.objects.create(user=admin, role=Role.PLATFORM_ADMIN)
    assert is_platform_admin(admin)
    centre = services.organisation_create(
        actor=admin, kind=OrganisationKind.SERVICE_CENTRE, name="Pusat", village=village()
    )
    assert centre.kind == OrganisationKind.SERVICE_CENTRE


def test_organisation_must_sit_in_a_village_not_a_regency():
    regency = village().parent.parent
    with pytest.raises(ValidationFailed) as exc:
        services.organisation_create(
            actor=UserFactory(), kind=OrganisationKind.BUSINESS, name="Toko", village=regency
        )
    assert exc.value.details["field"] == "village"
    assert not Organisation.objects.exists()


def test_owner_adds_a_member_by_phone_creating_their_account_and_telling_them():
    owner = MembershipFactory(role=Role.OWNER)
    organisation = owner.organisation
    membership = services.membership_add(
        actor=owner.user, organisation=organisation, phone="0813-1111-2222", role=Role.STAFF
    )
    assert membership.user.phone == "+6281311112222"
    assert not membership.user.has_usable_password()
    assert is_member(membership.user, organisation)
    sms = OutboxMessage.objects.get(to="+6281311112222")
    assert sms.template == "member_added"
    assert organisation.name in sms.body


def test_stranger_cannot_add_or_remove_members_and_nothing_changes():
    owner = MembershipFactory(role=Role.OWNER)
    staff = MembershipFactory(organisation=owner.organisation, role=Role.STAFF)
    stranger = UserFactory()
    before = snapshot()
    with pytest.raises(Forbidden):
        services.membership_add(
            actor=stranger, organisation=owner.organisation, phone="081311113333", role=Role.STAFF
        )
    with pytest.raises(Forbidden):
        services.membership_remove(
            actor=stranger, organisation=owner.organisation, user=staff.user, role=Role.STAFF
        )
    # Staff of the organisation are not owners either.
    with pytest.raises(Forbidden):
        services.membership_add(
            actor=staff.user, organisation=owner.organisation, phone="081311113333", role=Role.STAFF
        )
    assert snapshot() == before


def test_anonymous_is_asked_to_log_in():
    from django.contrib.auth.models import AnonymousUser

    organisation = OrganisationFactory()
    with pytest.raises(Unauthenticated):
        require(AnonymousUser(), "accounts.manage_organisation", organisation)


def test_role_must_fit_the_kind_of_organisation():
    owner = MembershipFactory(role=Role.OWNER, organisation__kind=OrganisationKind.HOUSEHOLD)
    with pytest.raises(ValidationFailed) as exc:
        services.membership_add(
            actor=owner.user, organisation=owner.organisation, phone="081311114444", role=Role.CENTRE_AGENT
        )
    assert exc.value.details["field"] == "role"
    assert not User.objects.filter(phone="+6281311114444").exists()


def test_removing_a_role_ends_it_and_adding_it_again_restores_it():
    owner = MembershipFactory(role=Role.OWNER)
    organisation = owner.organisation
    member = services.membership_add(
        actor=owner.user, organisation=organisation, phone="081311115555", role=Role.MEMBER
    )
    services.membership_remove(
        actor=owner.user, organisation=organisation, user=member.user, role=Role.MEMBER
    )
    assert not has_role(member.user, Role.MEMBER, organisation=organisation)
    with pytest.raises(NotFound):
        services.membership_remove(
            actor=owner.user, organisation=organisation, user=member.user, role=Role.MEMBER
        )
    services.membership_add(
        actor=owner.user, organisation=organisation, phone="081311115555", role=Role.MEMBER
    )
    assert has_role(member.user, Role.MEMBER, organisation=organisation)
    with pytest.raises(Conflict):
        services.membership_add(
            actor=owner.user, organisation=organisation, phone="081311115555", role=Role.MEMBER
        )


def test_last_owner_cannot_be_removed():
    owner = MembershipFactory(role=Role.OWNER)
    with pytest.raises(Conflict) as exc:
        services.membership_remove(
            actor=owner.user, organisation=owner.organisation, user=owner.user, role=Role.OWNER
        )
    assert exc.value.code == "last_owner"
    assert has_role(owner.user, Role.OWNER, organisation=owner.organisation)


def test_official_scoped_to_a_regency_covers_its_villages_and_nothing_else():
    admin = UserFactory(is_superuser=True)
    desa = village(province="72", regency="72.10")
    other = village(province="33", regency="33.11", province_name="Jawa Tengah")
    regency = desa.parent.parent
    membership = services.scoped_role_grant(
        actor=admin, phone="081399990000", role=Role.OFFICIAL, area=regency
    )
    official = membership.user
    assert official_covers(official, desa)
    assert official_covers(official, regency)
    assert not official_covers(official, other)
    assert not official_covers(official, regency.parent)  # a regency official does not cover the province
    services.scoped_role_revoke(actor=admin, membership=membership)
    assert not official_covers(official, desa)


def test_only_platform_admins_grant_area_roles():
    desa = village()
    before = snapshot()
    with pytest.raises(Forbidden):
        services.scoped_role_grant(actor=UserFactory(), phone="081399990001", role=Role.OFFICIAL, area=desa)
    assert snapshot()["memberships"] == before["memberships"]
    assert not User.objects.filter(phone="+6281399990001").exists()


def test_inactive_organisation_gives_no_roles():
    owner = MembershipFactory(role=Role.OWNER)
    Organisation.objects.filter(pk=owner.organisation_id).update(is_active=False)
    assert not has_role(owner.user, Role.OWNER, organisation=owner.organisation)
    assert not is_member(owner.user, owner.organisation)
