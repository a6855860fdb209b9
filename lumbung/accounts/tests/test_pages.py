"""The pages, driven like a person with a browser without JavaScript."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from lumbung.accounts.models import ActingFor, ApiToken, Membership, Organisation, Role, User
from lumbung.regions.tests.factories import village

from .factories import MembershipFactory, UserFactory
from .helpers import centre_with_agent, code_from_sms, snapshot, wrong_code

pytestmark = pytest.mark.django_db


def _picker(area):
    """What the village cascade submits once a village is chosen."""
    return {
        "province": area.province_code,
        "regency": area.regency_code,
        "district": area.district_code,
        "village": area.code,
    }


def test_new_number_logs_in_with_the_sms_code_and_is_asked_for_name_and_village():
    client = Client()
    response = client.post(reverse("accounts:login"), {"phone": "0812-7777-0001"})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login_code"))
    page = client.get(response.url)
    assert "+6281277770001" in page.content.decode()

    response = client.post(reverse("accounts:login_code"), {"code": code_from_sms("+6281277770001")})

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:profile") + "?welcome=1")
    assert int(client.session["_auth_user_id"]) == User.objects.get(phone="+6281277770001").pk
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "id"

    desa = village(name="Bainiu")
    response = client.post(
        reverse("accounts:profile"), {"name": "Ibu Sari", "language": "en", **_picker(desa)}
    )
    assert response.status_code == 302
    user = User.objects.get(phone="+6281277770001")
    assert (user.name, user.language, user.village) == ("Ibu Sari", "en", desa)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_returning_user_goes_to_next_in_their_language_but_never_off_site():
    desa = village()
    UserFactory(phone="+6281277770002", name="Pak Made", village=desa, language="en")
    client = Client()
    client.post(reverse("accounts:login"), {"phone": "081277770002", "next": "/accounts/organisations/"})
    response = client.post(
        reverse("accounts:login_code") + "?next=/accounts/organisations/",
        {"code": code_from_sms("+6281277770002"), "next": "/accounts/organisations/"},
    )
    assert response.url == "/accounts/organisations/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    client = Client()
    client.post(reverse("accounts:login"), {"phone": "081277770002"})
    response = client.post(
        reverse("accounts:login_code"),
        {"code": code_from_sms("+6281277770002"), "next": "https://evil.example/"},
    )
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)


def test_wrong_code_shows_an_error_and_does_not_log_in():
    client = Client()
    client.post(reverse("accounts:login"), {"phone": "081277770003"})
    response = client.post(
        reverse("accounts:login_code"), {"code": wrong_code(code_from_sms("+6281277770003"))}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_code_page_without_a_phone_goes_back_to_the_start():
    response = Client().get(reverse("accounts:login_code"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")


def test_too_many_codes_shows_when_to_try_again():
    client = Client()
    for _ in range(settings.OTP_MAX_PER_HOUR):
        client.post(reverse("accounts:login"), {"phone": "081277770004"})
    response = client.post(reverse("accounts:login"), {"phone": "081277770004"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "You can ask for a new code in" in response.content.decode()


def test_password_login_and_setting_a_password():
    user = UserFactory(phone="+6281277770005", name="Wayan", village=village())
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password"), {"password": "kebun-kopi-sigi", "password_again": "kebun-kopi-sigi"}
    )
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session

    response = client.post(
        reverse("accounts:login_password"), {"phone": "0812-7777-0005", "password": "nope-nope"}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(
        reverse("accounts:login_password"), {"phone": "0812-7777-0005", "password": "kebun-kopi-sigi"}
    )
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == user.pk

    # Changing it needs the current one.
    response = client.post(
        reverse("accounts:password"),
        {"current_password": "wrong", "password": "another-long-one", "password_again": "another-long-one"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("kebun-kopi-sigi")


def test_logout_needs_post():
    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_pages_need_login():
    for name in ("profile", "password", "organisations", "tokens", "assist"):
        response = Client().get(reverse(f"accounts:{name}"))
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_owner_creates_an_organisation_and_adds_a_member_by_phone():
    owner = UserFactory(name="Ibu Lamba", village=village())
    client = Client()
    client.force_login(owner)
    desa = village(name="Desa Kopi")
    response = client.post(
        reverse("accounts:organisations"), {"kind": "business", "name": "Kopi Lamba", **_picker(desa)}
    )
    organisation = Organisation.objects.get(name="Kopi Lamba")
    assert response.url == reverse("accounts:organisation", args=[organisation.public_id])
    assert organisation.village == desa

    response = client.post(
        reverse("accounts:organisation", args=[organisation.public_id]),
        {"phone": "0813-2222-3333", "role": "staff"},
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:organisation", args=[organisation.public_id])).content.decode()
    assert "+6281322223333" in page
    assert "Kopi Lamba" in client.get(reverse("accounts:organisations")).content.decode()


def test_stranger_and_member_cannot_manage_members_on_the_page():
    owner = MembershipFactory(role=Role.OWNER)
    organisation = owner.organisation
    member = UserFactory()
    Membership.objects.create(user=member, organisation=organisation, role=Role.STAFF)
    url = reverse("accounts:organisation", args=[organisation.public_id])
    stranger = Client()
    stranger.force_login(UserFactory())
    before = snapshot()

    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"phone": "081322224444", "role": "staff"}).status_code == 404
    remove = reverse("accounts:member_remove", args=[organisation.public_id])
    assert stranger.post(remove, {"user": owner.user.public_id, "role": "owner"}).status_code == 404

    staff = Client()
    staff.force_login(member)
    page = staff.get(url)
    assert page.status_code == 200 and "081322224444" not in page.content.decode()
    assert staff.post(url, {"phone": "081322224444", "role": "staff"}).status_code == 403
    assert snapshot() == before


def test_agent_gets_consent_by_code_on_the_pages():
    centre, agent = centre_with_agent(name="Wayan")
    villager = UserFactory(phone="+6281344440001", name="Ibu Sari")
    client = Client()
    client.force_login(agent)
    response = client.post(
        reverse("accounts:assist"),
        {"centre": centre.public_id, "villager_phone": "081344440001", "purpose": "buy"},
    )
    grant = ActingFor.objects.get(villager=villager)
    assert response.url == reverse("accounts:assist_code", args=[grant.public_id])
    response = client.post(response.url, {"code": code_from_sms(villager.phone)})
    assert response.status_code == 302
    page = client.get(reverse("accounts:assist")).content.decode()
    assert "Ibu Sari" in page

    # The villager sees it on their profile and can withdraw it.
    villager_client = Client()
    villager_client.force_login(villager)
    assert "Wayan" in villager_client.get(reverse("accounts:profile")).content.decode()
    villager_client.post(reverse("accounts:assist_revoke", args=[grant.public_id]))
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_in_person_consent_page_registers_a_villager_without_phone():
    centre, agent = centre_with_agent()
    client = Client()
    client.force_login(agent)
    desa = village()
    data = {
        "centre": centre.public_id,
        "name": "Pak Tua",
        "purpose": "sell",
        "consent_note": "KTP checked, thumbprint on slip #12",
        **_picker(desa),
    }
    response = client.post(reverse("accounts:assist_in_person"), data)
    assert response.status_code == 302
    villager = User.objects.get(name="Pak Tua")
    assert villager.phone.startswith("NP-") and villager.village == desa
    assert ActingFor.objects.get(villager=villager).consent_method == "in_person"

    # A bad note leaves nothing behind.
    users = User.objects.count()
    response = client.post(
        reverse("accounts:assist_in_person"), {**data, "name": "Pak Muda", "consent_note": "ok"}
    )
    assert response.status_code == 200
    assert User.objects.count() == users


def test_non_agents_do_not_get_the_agent_desk():
    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:assist")).status_code == 404
    assert client.get(reverse("accounts:assist_in_person")).status_code == 404


def test_token_page_shows_the_token_once():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    response = client.post(reverse("accounts:tokens"), {"name": "Tablet kasir"})
    token = ApiToken.objects.get(user=user)
    body = response.content.decode()
    assert 'id="new-token"' in body and token.prefix in body
    assert response["Cache-Control"] == "no-store"
    assert 'id="new-token"' not in client.get(reverse("accounts:tokens")).content.decode()
    client.post(reverse("accounts:token_revoke", args=[token.prefix]))
    token.refresh_from_db()
    assert token.revoked_at is not None
