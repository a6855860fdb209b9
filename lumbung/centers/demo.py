"""Demo hook: turn a service-centre organisation into a working centre (called by the lead's demo).

    demo_centre(organisation=wonorejo_centre, villages=[wonorejo, *neighbours])

Safe to call again: it updates the same centre. It skips the platform-admin check that
``services.centre_create`` makes, because the demo loader acts as the platform itself.
"""

from __future__ import annotations

from django.db import transaction

from lumbung.accounts.models import Organisation, OrganisationKind
from lumbung.regions.models import Area, Level

from .models import ServiceCentre

# Village hours: mornings on weekdays, a short Saturday, closed on Sunday (local time).
DEMO_HOURS = {
    "hours_mon": "07.30–15.00",
    "hours_tue": "07.30–15.00",
    "hours_wed": "07.30–15.00",
    "hours_thu": "07.30–15.00",
    "hours_fri": "07.30–11.00, 13.30–15.00",
    "hours_sat": "08.00–12.00",
    "hours_sun": "",
}


def demo_centre(*, organisation: Organisation, villages: list[Area]) -> ServiceCentre:
    if organisation.kind != OrganisationKind.SERVICE_CENTRE:
        raise ValueError(f"{organisation} is not a service centre organisation")
    served = [v for v in villages if v.level == Level.VILLAGE]
    with transaction.atomic():
        centre, _created = ServiceCentre.objects.update_or_create(
            organisation=organisation,
            defaults={"address": organisation.address, "is_active": True, **DEMO_HOURS},
        )
        centre.villages.set(served)
    return centre
