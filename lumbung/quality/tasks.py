"""The standards gate's periodic job: expired certificates take their products off sale once a day."""

from __future__ import annotations

from datetime import timedelta

from lumbung.core.periodic import periodic

from .services import certificates_expire


@periodic("quality.expire_certificates", every=timedelta(days=1))
def expire_certificates() -> int:
    return len(certificates_expire())
