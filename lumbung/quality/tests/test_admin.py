import pytest
from django.test import Client

from lumbung.accounts.tests.factories import UserFactory

from . import factories as f

pytestmark = pytest.mark.django_db


def test_platform_admins_manage_standards_and_requirements_but_not_certificates():
    cat = f.category(slug="teh", name_id="Teh")
    f.requirement(cat, "PIRT", "BPOM_MD")
    f.certificate(f.shop(), "PIRT")
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "BPOM_MD" in client.get("/admin/quality/standard/").content.decode()
    assert "PIRT | BPOM_MD" in client.get("/admin/quality/requirementgroup/").content.decode()
    assert client.get("/admin/quality/requirementgroup/add/").status_code == 200
    assert client.get("/admin/quality/certificate/").status_code == 200
    assert client.get("/admin/quality/certificate/add/").status_code == 403
