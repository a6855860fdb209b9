"""Periodic upkeep for accounts."""

from datetime import timedelta

from lumbung.core.periodic import periodic

from .services import codes_purge


@periodic("accounts.purge_codes", every=timedelta(hours=1))
def purge_codes() -> int:
    return codes_purge()
