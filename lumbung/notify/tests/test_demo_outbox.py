import pytest
from django.urls import reverse

from lumbung.notify.services import message_queue

pytestmark = pytest.mark.django_db


def test_demo_outbox_shows_a_login_code_for_that_number_only(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message_queue(to="+6281234500401", template="login_code", context={"code": "482913"})
        message_queue(to="+6281234500999", template="login_code", context={"code": "111222"})
    page = client.get(reverse("notify:demo_outbox"), {"to": "0812-3450-0401"})
    assert page.status_code == 200
    assert "482913" in page.content.decode()
    assert "111222" not in page.content.decode()


def test_demo_outbox_does_not_exist_when_switched_off(client, settings):
    settings.LUMBUNG_DEMO_OUTBOX_PAGE = False
    assert client.get(reverse("notify:demo_outbox")).status_code == 404
