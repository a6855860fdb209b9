"""Two expiry runs at once (two beat workers, or beat and `lumbung tick`) act on a certificate once."""

import threading
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from lumbung.notify.models import OutboxMessage
from lumbung.quality.services import certificates_expire

from . import factories as f


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_expiry_runs_notify_once():
    cat = f.category(slug="kopi-race", name_id="Kopi")
    f.requirement(cat, "PIRT")
    shop = f.shop()
    item = f.product(shop_=shop, category_=cat, name_id="Kopi Sigi")
    cert = f.certificate(shop, "PIRT", expires_on=timezone.localdate() + timedelta(days=1))
    later = timezone.make_aware(datetime.combine(cert.expires_on + timedelta(days=1), time(9)))
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            with time_machine.travel(later, tick=False):
                barrier.wait(timeout=10)
                certificates_expire()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    item.refresh_from_db()
    assert not item.is_published
    assert OutboxMessage.objects.filter(template="certificate_expired").count() == 1
