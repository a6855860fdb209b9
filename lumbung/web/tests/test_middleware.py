"""The admin is for platform staff only; times show in the zone of the user's village."""

import pytest

from lumbung.accounts.tests.factories import UserFactory
from lumbung.regions.tests.factories import village

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/notify/outboxmessage/"])
def test_anonymous_visitor_gets_the_ordinary_404_at_the_admin(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"Django administration" not in response.content
    assert b'name="password"' not in response.content


def test_logged_in_non_staff_user_gets_404_at_the_admin(client):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 404
    assert b"Django administration" not in response.content


def test_deactivated_staff_gets_404_at_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_active=False))
    assert client.get("/admin/").status_code == 404


def test_staff_gets_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"Django administration" in response.content or b"site-name" in response.content


@pytest.mark.urls("lumbung.web.tests.tz_urls")
@pytest.mark.parametrize(
    "province,expected",
    [("72", "08:00 Asia/Makassar"), ("94", "09:00 Asia/Jayapura"), ("33", "07:00 Asia/Jakarta")],
)
def test_times_show_in_the_zone_of_the_users_village(client, province, expected):
    user = UserFactory(village=village(province=province))
    client.force_login(user)
    assert client.get("/when/").content.decode() == expected


@pytest.mark.urls("lumbung.web.tests.tz_urls")
def test_times_default_to_jakarta(client):
    assert client.get("/when/").content.decode() == "07:00 Asia/Jakarta"
    client.force_login(UserFactory(village=None))
    assert client.get("/when/").content.decode() == "07:00 Asia/Jakarta"


@pytest.mark.urls("lumbung.web.tests.tz_urls")
def test_a_zone_chosen_in_the_session_applies_when_there_is_no_village(client):
    session = client.session
    session["tz"] = "Asia/Shanghai"
    session.save()
    assert client.get("/when/").content.decode() == "08:00 Asia/Shanghai"


@pytest.mark.urls("lumbung.web.tests.tz_urls")
def test_a_broken_zone_name_falls_back_instead_of_failing(client):
    area = village(province="72")
    area.timezone = "Mars/Olympus_Mons"
    area.save(update_fields=["timezone"])
    client.force_login(UserFactory(village=area))
    assert client.get("/when/").content.decode() == "07:00 Asia/Jakarta"
