"""The demo cast: real villages, believable people, created through the same services users call.

Every login is a phone number; the one-time code lands in the outbox (console route), readable at
/notify/outbox/ in the demo and in the admin. The platform admin also has a password.
Later capabilities add their part of the story to ``build()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from lumbung.accounts.models import Organisation, OrganisationKind, Role, User
from lumbung.accounts.services import (
    membership_add,
    membership_remove,
    organisation_create,
    scoped_role_grant,
)
from lumbung.regions.models import Area

ADMIN_PHONE = "+6281110000001"
ADMIN_PASSWORD = "lumbung-demo-2026"  # noqa: S105 - a demo bound to localhost; printed in the README


@dataclass(frozen=True)
class Person:
    key: str
    phone: str
    name: str
    language: str
    village: str  # area code


# The README lists these logins; keep the two in step.
PEOPLE = [
    Person("bainiu_wang", "+8613805712001", "王秀英 (Wang Xiuying)", "zh-hans", "CN-330112"),
    Person("bainiu_li", "+8613957102002", "李建国 (Li Jianguo)", "zh-hans", "CN-330112"),
    Person("crab_rahman", "+6281234500101", "Rahman Lamusu", "id", "72.03.12.2006"),
    Person("crab_fisher", "+6281234500102", "Yusuf Tandiabang", "id", "72.03.12.2006"),
    Person("moringa_maria", "+6281234500201", "Maria Nenobais", "id", "53.01.08.2010"),
    Person("moringa_yakob", "+6281234500202", "Yakobus Tefa", "id", "53.01.08.2010"),
    Person("moringa_ester", "+6281234500203", "Ester Lakapu", "id", "53.01.08.2010"),
    Person("avocado_siti", "+6281234500301", "Siti Aminah", "id", "35.07.07.2005"),
    Person("banana_budi", "+6281234500302", "Budi Santoso", "id", "35.07.07.2005"),
    Person("oil_sri", "+6281234500303", "Sri Wahyuni", "id", "35.07.07.2005"),
    Person("agent_dewi", "+6281234500401", "Dewi Lestari", "id", "35.07.07.2005"),
    Person("inspector_agus", "+6281234500501", "Agus Wijaya", "id", "35.07.13.1010"),
    Person("facilitator_rina", "+6281234500601", "Rina Hartono", "en", "31.71.01.1001"),
    Person("official_hendra", "+6281234500701", "Hendra Kusuma", "id", "35.07.13.1010"),
    Person("courier_joko", "+6281234500801", "Joko Prasetyo", "id", "35.07.07.2001"),
    Person("buyer_ayu", "+6281234500901", "Ayu Kartika", "id", "31.71.01.1001"),
    Person("buyer_wahyu", "+6281234500902", "Wahyu Nugroho", "id", "35.78.01.1001"),
    Person("importer_chan", "+85291234567", "Chan Tai Man", "en", "CN-330112"),
]


@dataclass(frozen=True)
class Org:
    key: str
    kind: str
    name: str
    village: str
    address: str
    members: tuple[tuple[str, str], ...]  # (person key, role); the first is the owner


ORGS = [
    Org(
        "bainiu_nuts",
        OrganisationKind.HOUSEHOLD,
        "王家山核桃 · Wang Family Hickory Nuts",
        "CN-330112",
        "浙江省杭州市临安区昌化镇白牛村 (Bainiu village, Changhua town)",
        (("bainiu_wang", Role.OWNER),),
    ),
    Org(
        "bainiu_li",
        OrganisationKind.HOUSEHOLD,
        "李记坚果 · Li's Nuts",
        "CN-330112",
        "浙江省杭州市临安区昌化镇白牛村 (Bainiu village, Changhua town)",
        (("bainiu_li", Role.OWNER),),
    ),
    Org(
        "bumdes_crab",
        OrganisationKind.BUMDES,
        "BUMDes Labean Sejahtera",
        "72.03.12.2006",
        "Jl. Pantai Labean, Balaesang, Donggala",
        (("crab_rahman", Role.OWNER), ("crab_rahman", Role.BUMDES_MANAGER), ("crab_fisher", Role.MEMBER)),
    ),
    Org(
        "bumdes_moringa",
        OrganisationKind.BUMDES,
        "BUMDes Kelor Oebelo",
        "53.01.08.2010",
        "Oebelo, Kupang Tengah, Kabupaten Kupang",
        (
            ("moringa_maria", Role.OWNER),
            ("moringa_maria", Role.BUMDES_MANAGER),
            ("moringa_yakob", Role.MEMBER),
            ("moringa_ester", Role.MEMBER),
        ),
    ),
    Org(
        "avocado_siti",
        OrganisationKind.HOUSEHOLD,
        "Alpukat Bu Siti",
        "35.07.07.2005",
        "Dusun Krajan RT 02/RW 01, Wonorejo, Poncokusumo",
        (("avocado_siti", Role.OWNER),),
    ),
    Org(
        "banana_flour",
        OrganisationKind.BUSINESS,
        "Tepung Pisang Wonorejo",
        "35.07.07.2005",
        "Jl. Raya Wonorejo 12, Poncokusumo",
        (("banana_budi", Role.OWNER),),
    ),
    Org(
        "essential_oils",
        OrganisationKind.HOUSEHOLD,
        "Atsiri Bu Sri",
        "35.07.07.2005",
        "Dusun Sumberejo, Wonorejo, Poncokusumo",
        (("oil_sri", Role.OWNER),),
    ),
    Org(
        "centre_wonorejo",
        OrganisationKind.SERVICE_CENTRE,
        "Pusat Layanan Desa Wonorejo",
        "35.07.07.2005",
        "Balai Desa Wonorejo, Jl. Raya Poncokusumo 1",
        (("agent_dewi", Role.OWNER), ("agent_dewi", Role.CENTRE_AGENT)),
    ),
    Org(
        "trade_desk",
        OrganisationKind.TRADE_DESK,
        "Meja Ekspor Lumbung",
        "31.71.01.1001",
        "Jakarta Pusat",
        (
            ("facilitator_rina", Role.OWNER),
            ("facilitator_rina", Role.EXPORT_FACILITATOR),
            ("inspector_agus", Role.QUALITY_INSPECTOR),
        ),
    ),
    Org(
        "carrier",
        OrganisationKind.CARRIER,
        "Kurir Desa Express",
        "35.07.07.2001",
        "Dawuhan, Poncokusumo",
        (("courier_joko", Role.OWNER), ("courier_joko", Role.COURIER)),
    ),
]


@dataclass
class Cast:
    admin: User
    people: dict[str, User]
    orgs: dict[str, Organisation]


def is_loaded() -> bool:
    return User.objects.filter(phone=ADMIN_PHONE).exists()


def _area(code: str) -> Area:
    return Area.objects.get(code=code)


def _admin() -> User:
    admin = User.objects.filter(phone=ADMIN_PHONE).first()
    if admin is None:
        admin = User.objects.create_superuser(
            ADMIN_PHONE, ADMIN_PASSWORD, name="Admin Lumbung", language="id"
        )
    return admin


def _people() -> dict[str, User]:
    people = {}
    for person in PEOPLE:
        user, _ = User.objects.get_or_create(
            phone=person.phone,
            defaults={"name": person.name, "language": person.language, "village": _area(person.village)},
        )
        if not user.name:
            user.name, user.village = person.name, _area(person.village)
            user.language = person.language
            user.save(update_fields=["name", "village", "language"])
        people[person.key] = user
    return people


def _orgs(admin: User, people: dict[str, User]) -> dict[str, Organisation]:
    orgs = {}
    for spec in ORGS:
        existing = Organisation.objects.filter(name=spec.name).first()
        if existing is not None:
            orgs[spec.key] = existing
            continue
        org = organisation_create(
            actor=admin, kind=spec.kind, name=spec.name, village=_area(spec.village), address=spec.address
        )
        for person_key, role in spec.members:
            user = people[person_key]
            membership_add(actor=admin, organisation=org, phone=user.phone, role=role, language=user.language)
        membership_remove(actor=admin, organisation=org, user=admin, role=Role.OWNER)
        orgs[spec.key] = org
    return orgs


# Villages of Kecamatan Poncokusumo that the Wonorejo centre serves.
CENTRE_VILLAGES = ("35.07.07.2005", "35.07.07.2001", "35.07.07.2002", "35.07.07.2003", "35.07.07.2004")


def build() -> Cast:
    from lumbung.catalog.models import Variant
    from lumbung.centers.demo import demo_centre, demo_counter
    from lumbung.export.demo import demo_moringa
    from lumbung.orders.demo import demo_orders

    from . import demo_catalog

    with transaction.atomic():
        admin = _admin()
        people = _people()
        orgs = _orgs(admin, people)
        # The regency official sees Kabupaten Malang.
        scoped_role_grant(
            actor=admin, phone=people["official_hendra"].phone, role=Role.OFFICIAL, area=_area("35.07")
        )
        centre = demo_centre(
            organisation=orgs["centre_wonorejo"], villages=list(Area.objects.filter(code__in=CENTRE_VILLAGES))
        )
        cast = Cast(admin=admin, people=people, orgs=orgs)
        demo_catalog.build(cast)
    # A busy counter at Wonorejo: drop-offs, a parcel in every state (Joko's carrier took today's batch),
    # a pickup waiting, an assisted order. After the commit above, so the standards gate has published
    # the Wonorejo products it sells.
    demo_counter(centre=centre, agent=people["agent_dewi"], courier=people["courier_joko"])
    # Orders in every state with every offline payment method, a partial refund and a payout batch.
    demo_orders(
        buyers=[people["buyer_ayu"], people["buyer_wahyu"]],
        variants=list(
            Variant.objects.filter(product__is_published=True, shop__currency="IDR", stock__gt=0)
            .select_related("product", "shop")
            .order_by("shop_id", "pk")
        ),
        staff=admin,
        centre=centre,
        agent=people["agent_dewi"],
        courier=people["courier_joko"],
    )
    # The export desk's moringa story: the same BUMDes, facilitator, inspector and Hong Kong importer,
    # 40 producers, and one contract at each milestone.
    demo_moringa(village=orgs["bumdes_moringa"].village)
    return cast
