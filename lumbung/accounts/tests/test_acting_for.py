"""Acting for a villager: consent by the code the villager reads out, or in person without a phone."""

from datetime import UTC, datetime, timedelta

import pytest

from lumbung.accounts import services
from lumbung.accounts.models import (
    NO_PHONE_PREFIX,
    ActingFor,
    AssistPurpose,
    ConsentMethod,
    Membership,
    OrganisationKind,
    Role,
    User,
)
from lumbung.accounts.tests.factories import OrganisationFactory, UserFactory
from lumbung.core.errors import Forbidden, ValidationFailed
from lumbung.core.models import AuditEntry
from lumbung.regions.tests.factories import village

from .helpers import centre_with_agent, code_from_sms, last_sms, snapshot, wrong_code

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_consent_code_read_out_by_the_villager_opens_a_grant_that_later_apps_can_require():
    centre, agent = centre_with_agent(name="Wayan")
    villager = UserFactory(phone="+6281377770001", language="id")

    grant = services.acting_for_start(
        agent=agent, villager_phone="0813-7777-0001", purpose=AssistPurpose.BUY, centre=centre
    )
    sms = last_sms(villager.phone)
    assert sms.template == "consent_code"
    assert "Wayan" in sms.body and centre.name in sms.body
    with pytest.raises(Forbidden):  # not before the villager agrees
        services.acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.BUY)

    services.acting_for_confirm_code(agent=agent, grant=grant, code=code_from_sms(villager.phone))

    assert services.acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.BUY) == grant
    with pytest.raises(Forbidden):  # one purpose per grant
        services.acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.SELL)
    granted = AuditEntry.objects.get(action="accounts.acting_for.granted")
    assert (granted.actor, granted.on_behalf_of) == (agent, villager)


def test_assisted_acts_are_audited_for_both_people():
    centre, agent = centre_with_agent()
    villager = UserFactory()
    grant = services.acting_for_start(
        agent=agent, villager_phone=villager.phone, purpose=AssistPurpose.BUY, centre=centre
    )
    services.acting_for_confirm_code(agent=agent, grant=grant, code=code_from_sms(villager.phone))
    grant = services.acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.BUY)
    services.assisted_act_record(
        grant=grant, action="orders.order.placed", obj=centre, data={"total": "25000"}
    )
    entry = AuditEntry.objects.get(action="orders.order.placed")
    assert entry.actor == agent and entry.on_behalf_of == villager
    assert entry.data == {"total": "25000", "acting_for": grant.public_id}


def test_wrong_consent_code_refused_and_grant_stays_closed():
    centre, agent = centre_with_agent()
    villager = UserFactory()
    grant = services.acting_for_start(
        agent=agent, villager_phone=villager.phone, purpose=AssistPurpose.BUY, centre=centre
    )
    with pytest.raises(ValidationFailed) as exc:
        services.acting_for_confirm_code(
            agent=agent, grant=grant, code=wrong_code(code_from_sms(villager.phone))
        )
    assert exc.value.code == "code_invalid"
    grant.refresh_from_db()
    assert grant.consented_at is None
    with pytest.raises(Forbidden):
        services.acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.BUY)


def test_a_login_code_cannot_be_used_as_consent():
    centre, agent = centre_with_agent()
    villager = UserFactory()
    grant = services.acting_for_start(
        agent=agent, villager_phone=villager.phone, purpose=AssistPurpose.BUY, centre=centre
    )
    consent = code_from_sms(villager.phone)
    services.otp_request(phone=villager.phone)
    login = code_from_sms(villager.phone)
    if login != consent:
        with pytest.raises(ValidationFailed):
            services.acting_for_confirm_code(agent=agent, grant=grant, code=login)
    # And the consent code is still the one that works (a login request does not replace it).
    services.acting_for_confirm_code(agent=agent, grant=grant, code=consent)


def test_another_agent_cannot_confirm_someone_elses_request():
    centre, agent = centre_with_agent()
    _centre2, other_agent = centre_with_agent()
    villager = UserFactory()
    grant = services.acting_for_start(
        agent=agent, villager_phone=villager.phone, purpose=AssistPurpose.BUY, centre=centre
    )
    with pytest.raises(Forbidden):
        services.acting_for_confirm_code(agent=other_agent, grant=grant, code=code_from_sms(villager.phone))
    grant.refresh_from_db()
    assert grant.consented_at is None


def test_only_agents_of_the_centre_can_start():
    centre, _agent = centre_with_agent()
    shop_owner = UserFactory()
    shop = OrganisationFactory(kind=OrganisationKind.BUSINESS)
    Membership.objects.create(user=shop_owner, organisation=shop, role=Role.OWNER)
    before = snapshot()
    with pytest.raises(Forbidden):
        services.acting_for_start(
            agent=shop_owner, villager_phone="081377770002", purpose=AssistPurpose.BUY, centre=centre
        )
    with pytest.raises(ValidationFailed):  # a shop is not a service centre
        services.acting_for_start(
            agent=shop_owner, villager_phone="081377770002", purpose=AssistPurpose.BUY, centre=shop
        )
    assert snapshot() == before


def test_grant_expires_after_24_hours(time_machine):
    time_machine.move_to(START, tick=False)
    centre, agent = centre_with_agent()
    villager = UserFactory()
    grant = services.acting_for_start(
        agent=agent, villager_phone=villager.phone, purpose=AssistPurpose.SELL, centre=centre
    )
    services.acting_for_confirm_code(agent=agent, grant=grant, code=code_from_sms(villager.phone))
    time_machine.shift(timedelta(hours=23, minutes=59))
    services.acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.SELL)
    time_machine.shift(timedelta(minutes=2))
    with pytest.raises(Forbidden) as exc:
        services.acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.SELL)
    assert exc.value.code == "no_consent"


def test_villager_revokes_and_the_grant_stops_at_once():
    centre, agent = centre_with_agent()
    villager = UserFactory()
    grant = services.acting_for_start(
        agent=agent, villager_phone=villager.phone, purpose=AssistPurpose.BUY, centre=centre
    )
    services.acting_for_confirm_code(agent=agent, grant=grant, code=code_from_sms(villager.phone))
    stranger = UserFactory()
    with pytest.raises(Forbidden):
        services.acting_for_revoke(actor=stranger, grant=grant)
    services.acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.BUY)
    services.acting_for_revoke(actor=villager, grant=grant)
    with pytest.raises(Forbidden):
        services.acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.BUY)


def test_agent_who_leaves_the_centre_loses_every_grant():
    centre, agent = centre_with_agent()
    villager = UserFactory()
    grant = services.acting_for_start(
        agent=agent, villager_phone=villager.phone, purpose=AssistPurpose.BUY, centre=centre
    )
    services.acting_for_confirm_code(agent=agent, grant=grant, code=code_from_sms(villager.phone))
    Membership.objects.filter(user=agent, role=Role.CENTRE_AGENT).update(is_active=False)
    with pytest.raises(Forbidden):
        services.acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.BUY)


def test_villager_without_phone_registered_and_consent_recorded_in_person():
    centre, agent = centre_with_agent()
    villager = services.villager_register_without_phone(
        agent=agent, centre=centre, name="Ibu Sari", village=village()
    )
    assert villager.phone.startswith(NO_PHONE_PREFIX)
    assert not villager.has_own_phone and not villager.has_usable_password()

    grant = services.acting_for_record_in_person(
        agent=agent,
        villager=villager,
        purpose=AssistPurpose.SELL,
        centre=centre,
        consent_note="KTP checked, thumbprint on slip #123",
    )

    assert grant.consent_method == ConsentMethod.IN_PERSON
    assert services.acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.SELL) == grant
    # Such a villager can never log in: their id is not a phone number.
    with pytest.raises(ValidationFailed):
        services.otp_request(phone=villager.phone)


def test_in_person_consent_needs_a_note_and_a_villager_without_phone():
    centre, agent = centre_with_agent()
    no_phone = services.villager_register_without_phone(
        agent=agent, centre=centre, name="Pak Made", village=village()
    )
    with_phone = UserFactory()
    for villager, note in [(no_phone, "ok"), (with_phone, "KTP checked, thumbprint on slip #9")]:
        with pytest.raises(ValidationFailed):
            services.acting_for_record_in_person(
                agent=agent, villager=villager, purpose=AssistPurpose.BUY, centre=centre, consent_note=note
            )
    assert not ActingFor.objects.exists()


def test_refused_without_any_consent():
    _centre, agent = centre_with_agent()
    villager = UserFactory()
    with pytest.raises(Forbidden) as exc:
        services.acting_for_require(agent=agent, villager=villager, purpose=AssistPurpose.BUY)
    assert exc.value.code == "no_consent"


def test_consent_codes_count_against_the_villagers_limit():
    centre, agent = centre_with_agent()
    villager = UserFactory()
    for _ in range(5):
        services.acting_for_start(
            agent=agent, villager_phone=villager.phone, purpose=AssistPurpose.BUY, centre=centre
        )
    from lumbung.core.errors import RateLimited

    with pytest.raises(RateLimited):
        services.acting_for_start(
            agent=agent, villager_phone=villager.phone, purpose=AssistPurpose.BUY, centre=centre
        )
    assert ActingFor.objects.count() == 5
    assert User.objects.filter(phone=villager.phone).count() == 1
