"""The outbox in the admin: platform staff read what was sent; nobody else sees it."""

import pytest
from django.urls import reverse

from lumbung.accounts.tests.factories import UserFactory
from lumbung.notify.models import OutboxMessage, Status
from lumbung.notify.services import message_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages():
    sent = message_queue(to="+6281111111111", template="login_code", context={"code": "111222"})
    OutboxMessage.objects.filter(pk=sent.pk).update(status=Status.SENT, route="console")
    dead = message_queue(to="+6282222222222", template="login_code", context={"code": "333444"})
    OutboxMessage.objects.filter(pk=dead.pk).update(status=Status.DEAD, attempts=8, last_error="HTTP 400")
    return sent, dead


def test_staff_read_the_outbox_filter_and_search_by_number(client, messages):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:notify_outboxmessage_changelist")
    page = client.get(url).content.decode()
    assert "+6281111111111" in page and "111222" in page and "+6282222222222" in page

    page = client.get(url, {"status__exact": "dead"}).content.decode()
    assert "+6282222222222" in page and "+6281111111111" not in page

    page = client.get(url, {"q": "6281111111111"}).content.decode()
    assert "+6281111111111" in page and "+6282222222222" not in page


def test_staff_can_try_a_dead_message_again(client, messages):
    _, dead = messages
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:notify_outboxmessage_changelist")
    response = client.post(url, {"action": "requeue", "_selected_action": [dead.pk]}, follow=True)
    assert response.status_code == 200
    row = OutboxMessage.objects.get(pk=dead.pk)
    assert row.status in (Status.PENDING, Status.SENT) and row.last_error == ""


@pytest.mark.parametrize("who", ["anonymous", "villager"])
def test_others_do_not_see_the_outbox(client, messages, who):
    if who == "villager":
        client.force_login(UserFactory())
    response = client.get(reverse("admin:notify_outboxmessage_changelist"))
    assert response.status_code in (302, 404)
    assert b"111222" not in response.content
