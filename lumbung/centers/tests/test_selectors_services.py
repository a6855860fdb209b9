import pytest

from lumbung.accounts.models import Membership, OrganisationKind, Role
from lumbung.accounts.tests.factories import OrganisationFactory, UserFactory
from lumbung.centers import selectors, services
from lumbung.centers.models import ServiceCentre
from lumbung.core.errors import Conflict, Forbidden, ValidationFailed
from lumbung.regions.tests.factories import village

from .factories import agent_of, centre, platform_admin

pytestmark = pytest.mark.django_db


def test_centres_serving_a_village_are_the_active_ones_that_list_it():
    here, elsewhere = village(), village()
    a = centre(villages=[here], name="Pusat A")
    b = centre(villages=[here], name="Pusat B")
    centre(villages=[elsewhere], name="Pusat C")
    closed = centre(villages=[here], name="Pusat Tutup", is_active=False)
    dormant = centre(villages=[here], name="Pusat Organisasi Nonaktif")
    dormant.organisation.is_active = False
    dormant.organisation.save(update_fields=["is_active"])
    serving = list(selectors.centres_serving(here))
    assert serving == [a, b]
    assert closed not in serving
    assert selectors.centres_serving(village()).count() == 0


def test_centre_for_agent_is_their_active_centre_only():
    row = centre()
    agent = agent_of(row)
    stranger = UserFactory()
    assert selectors.centre_for_agent(agent) == row
    assert selectors.centre_for_agent(stranger) is None
    Membership.objects.filter(user=agent).update(is_active=False)
    assert selectors.centre_for_agent(agent) is None


def test_an_owner_is_not_an_agent():
    row = centre()
    owner = UserFactory()
    Membership.objects.create(user=owner, organisation=row.organisation, role=Role.OWNER)
    assert selectors.centre_for_agent(owner) is None


def test_centre_by_public_id_is_the_organisations_id():
    row = centre()
    assert row.public_id == row.organisation.public_id
    assert selectors.centre_by_public_id(row.organisation.public_id) == row
    assert selectors.centre_by_public_id("nope") is None
    assert row.cash_account_code == f"cash:centre:{row.organisation.public_id}"


def test_platform_admin_opens_a_centre_for_a_service_centre_organisation():
    org = OrganisationFactory(kind=OrganisationKind.SERVICE_CENTRE)
    villages = [village(), village()]
    row = services.centre_create(
        actor=platform_admin(), organisation=org, villages=villages, hours={"hours_mon": " 08.00–12.00 "}
    )
    assert set(row.villages.all()) == set(villages)
    assert row.hours_mon == "08.00–12.00"
    assert row.opening_hours[0][1] == "08.00–12.00"
    assert row.opening_hours[6][1] == ""


@pytest.mark.parametrize("who", ["stranger", "agent"])
def test_only_platform_admins_open_centres(who):
    existing = centre()
    actor = UserFactory() if who == "stranger" else agent_of(existing)
    org = OrganisationFactory(kind=OrganisationKind.SERVICE_CENTRE)
    with pytest.raises(Forbidden):
        services.centre_create(actor=actor, organisation=org, villages=[village()])
    assert not ServiceCentre.objects.filter(organisation=org).exists()


def test_centre_create_refuses_other_kinds_duplicates_and_hubs_of_hubs():
    admin = platform_admin()
    with pytest.raises(ValidationFailed):
        services.centre_create(actor=admin, organisation=OrganisationFactory(kind=OrganisationKind.BUMDES))
    row = centre()
    with pytest.raises(Conflict):
        services.centre_create(actor=admin, organisation=row.organisation)
    hub = centre(name="Hub Kabupaten")
    spoke = centre(hub=hub)
    org = OrganisationFactory(kind=OrganisationKind.SERVICE_CENTRE)
    with pytest.raises(ValidationFailed):
        services.centre_create(actor=admin, organisation=org, hub=spoke)
    assert services.centre_create(actor=admin, organisation=org, hub=hub).hub == hub


def test_set_villages_takes_villages_only_and_needs_a_platform_admin():
    row = centre()
    before = set(row.villages.all())
    district = village().parent
    with pytest.raises(ValidationFailed):
        services.centre_set_villages(actor=platform_admin(), centre=row, villages=[district])
    with pytest.raises(Forbidden):
        services.centre_set_villages(actor=agent_of(row), centre=row, villages=[village()])
    assert set(row.villages.all()) == before
    new = [village()]
    services.centre_set_villages(actor=platform_admin(), centre=row, villages=new)
    assert list(row.villages.all()) == new


def test_demo_centre_is_repeatable_and_serves_only_villages():
    from lumbung.centers.demo import demo_centre

    org = OrganisationFactory(kind=OrganisationKind.SERVICE_CENTRE, name="Pusat Layanan Desa Wonorejo")
    wonorejo = village(province="35", province_name="Jawa Timur", regency="35.07", name="Wonorejo")
    neighbour = village(province="35", province_name="Jawa Timur", regency="35.07", name="Ngadireso")
    first = demo_centre(organisation=org, villages=[wonorejo, neighbour, wonorejo.parent])
    again = demo_centre(organisation=org, villages=[wonorejo, neighbour])
    assert first.pk == again.pk
    assert set(again.villages.all()) == {wonorejo, neighbour}
    assert list(selectors.centres_serving(neighbour)) == [again]
    assert again.hours_sun == "" and again.hours_mon
    with pytest.raises(ValueError):
        demo_centre(organisation=OrganisationFactory(kind=OrganisationKind.BUMDES), villages=[wonorejo])


def test_a_chinese_centre_sees_the_commission_it_earned_in_yuan(client):
    """Orders books a yuan commission under commission:agent:CNY:<org>; the centre's page reads it."""
    from decimal import Decimal

    from lumbung.core.money import Money
    from lumbung.orders import services as orders
    from lumbung.orders.tests import factories as of
    from lumbung.regions.tests.factories import china_county

    of.cny_rate()
    _shop, jar = of.shop_with_variant(price="45", currency="CNY")  # a Bainiu (Lin'an) shop
    xihu_area = china_county(county=("330106", "西湖区"))
    xihu = centre(village=xihu_area, name="西湖区服务站")
    buyer = UserFactory(village=xihu_area)
    order = orders.checkout_place(
        actor=buyer,
        buyer=buyer,
        cart=of.cart_with(buyer, (jar, 2)),
        address=of.address(buyer),
        shipping_method="pickup",
        payment_method="qris",
        idempotency_key="cn-pickup-1",
        pickup_centre=xihu,
    ).orders[0]
    of.pay(order)
    seller = of.seller_of(order)
    orders.order_accept(order=order, actor=seller)
    orders.order_hand_over(order=order, actor=seller)
    orders.order_mark_delivered(order=order, actor=seller)
    orders.order_complete(order=order, actor=buyer)

    earned = Money(Decimal("2.70"), "CNY")  # 3 % of ¥90
    view = selectors.commission(xihu)
    assert view.balance == earned
    assert [line.change for line in view.lines] == [earned]
    client.force_login(agent_of(xihu))
    page = client.get(f"/centres/{xihu.public_id}/commission/").content.decode()
    assert 'id="commission-balance">¥2.70<' in page
