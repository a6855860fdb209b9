"""Factories for the catalogue: a shop with its owner, categories, products with variants.

``product(...)`` goes through the real services, so search text and price_from are what the app
would store; ``published=True`` plays the quality gate's part.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from lumbung.accounts.models import Membership, OrganisationKind, Role
from lumbung.accounts.tests.factories import OrganisationFactory, UserFactory
from lumbung.catalog import services
from lumbung.catalog.models import Category, Product, Shop
from lumbung.regions.tests.factories import village as make_village

_seq = itertools.count(1)


def category(
    slug: str = "", name_id: str = "", name_en: str = "", name_zh: str = "", parent=None
) -> Category:
    n = next(_seq)
    slug = slug or f"kategori-{n}"
    existing = Category.objects.filter(slug=slug).first()
    if existing:
        return existing
    return services.category_create(
        slug=slug, name_id=name_id or f"Kategori {n}", name_en=name_en, name_zh=name_zh, parent=parent
    )


def seller(*, kind: str = OrganisationKind.HOUSEHOLD, village=None, role: str = Role.OWNER, **user_fields):
    """A user who owns (or works at) a fresh organisation: returns (user, organisation)."""
    user = UserFactory(**user_fields)
    organisation = OrganisationFactory(kind=kind, village=village or make_village())
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user, organisation


def shop(*, owner=None, name: str = "", village=None, **fields) -> Shop:
    """A shop opened by its owner through ``shop_create``. The owner is ``shop.organisation``'s owner."""
    if owner is None:
        owner, organisation = seller(village=village)
    else:
        organisation = OrganisationFactory(village=village or make_village())
        Membership.objects.get_or_create(user=owner, organisation=organisation, role=Role.OWNER)
    n = next(_seq)
    return services.shop_create(
        actor=owner, organisation=organisation, name=name or f"Toko Uji {n}", **fields
    )


def owner_of(shop_: Shop):
    return Membership.objects.filter(organisation=shop_.organisation, role=Role.OWNER).first().user


def product(
    *,
    shop_: Shop | None = None,
    category_: Category | None = None,
    name_id: str = "",
    price: str | Decimal = "25000",
    stock: int = 10,
    published: bool = True,
    variants: list[dict] | None = None,
    **fields,
) -> Product:
    shop_ = shop_ or shop()
    n = next(_seq)
    if variants is None:
        variants = [
            {"sku": f"SKU-{n}", "label": "250 g", "price": price, "stock": stock, "weight_grams": 300}
        ]
    item = services.product_create(
        actor=owner_of(shop_),
        shop=shop_,
        category=category_ or category(),
        name_id=name_id or (f"Produk {n}" if not (fields.get("name_en") or fields.get("name_zh")) else ""),
        variants=variants,
        **fields,
    )
    if published:
        services.product_publish(product=item)
    item.refresh_from_db()
    return item


def image_bytes(*, width: int = 1200, height: int = 900, fmt: str = "JPEG", exif_gps: bool = False) -> bytes:
    """A noisy photo-like picture (noise resists compression, so size limits are really tested)."""
    import io
    import random

    from PIL import Image

    rng = random.Random(width * 31 + height)
    image = Image.new("RGB", (width, height))
    image.putdata(
        [
            ((x * 7 + rng.randrange(60)) % 256, (y * 5 + rng.randrange(60)) % 256, rng.randrange(256))
            for y in range(height)
            for x in range(width)
        ]
    )
    buffer = io.BytesIO()
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"  # Make
        exif[0x8825] = {1: "S", 2: (1.0, 2.0, 3.0)}  # GPS IFD
        kwargs["exif"] = exif.tobytes()
    image.save(buffer, fmt, quality=95, **kwargs)
    return buffer.getvalue()
