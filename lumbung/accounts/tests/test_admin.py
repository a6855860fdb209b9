import pytest
from django.test import Client

from lumbung.accounts import services

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_search_users_by_phone_and_see_memberships():
    admin = UserFactory(is_staff=True, is_superuser=True)
    membership = MembershipFactory(user__phone="+6281288880001", user__name="Ibu Sari")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/accounts/user/", {"q": "6281288880001"}).content.decode()
    assert "Ibu Sari" in page
    page = client.get(f"/admin/accounts/user/{membership.user.pk}/change/").content.decode()
    assert membership.organisation.name in page


def test_token_admin_never_shows_the_hash():
    admin = UserFactory(is_staff=True, is_superuser=True)
    token, raw = services.api_token_create(user=UserFactory(), name="tablet")
    client = Client()
    client.force_login(admin)
    for url in ("/admin/accounts/apitoken/", f"/admin/accounts/apitoken/{token.pk}/change/"):
        page = client.get(url)
        assert page.status_code == 200
        assert token.token_hash not in page.content.decode() and raw not in page.content.decode()


def test_admin_is_hidden_from_non_staff():
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/admin/accounts/user/").status_code == 404
