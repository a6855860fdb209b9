"""factory_boy factories for people and organisations."""

import factory

from lumbung.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from lumbung.regions.tests.factories import village


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+62812{n:08d}")
    name = factory.Faker("first_name")
    language = "id"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        if extracted:
            self.set_password(extracted)
        else:
            self.set_unusable_password()
        if create:
            self.save(update_fields=["password"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.HOUSEHOLD
    name = factory.Sequence(lambda n: f"Usaha Desa {n}")
    village = factory.LazyFunction(village)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.OWNER
