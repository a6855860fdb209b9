"""Permission matrix over EVERY catalogue endpoint: anonymous, the owner, another shop's owner, the
shop's staff, a platform admin. Each refusal also proves nothing changed."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lumbung.accounts.models import Membership, Role
from lumbung.accounts.tests.factories import OrganisationFactory, UserFactory
from lumbung.api.api import api
from lumbung.catalog import services
from lumbung.catalog.models import Photo, Product, Shop, StockMovement, Variant
from lumbung.catalog.tests import factories as f
from lumbung.core.models import AuditEntry

ACTORS = ("anonymous", "owner", "other_owner", "shop_staff", "admin")


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner, organisation = f.seller()
    shop = services.shop_create(actor=owner, organisation=organisation, name="Toko Pemilik")
    staff = UserFactory()
    Membership.objects.create(user=staff, organisation=organisation, role=Role.STAFF)
    spare = OrganisationFactory()  # the owner's second organisation, with no shop yet
    Membership.objects.create(user=owner, organisation=spare, role=Role.OWNER)
    other_owner = f.owner_of(f.shop())
    admin = UserFactory(is_staff=True, is_superuser=True)
    category = f.category(slug="kopi", name_id="Kopi")
    product = f.product(shop_=shop, category_=category, name_id="Kopi Robusta")
    draft = f.product(shop_=shop, category_=category, name_id="Kopi Draf", published=False, submit=False)
    variant = product.variants.get()
    photo = services.photo_add(
        actor=owner, product=product, upload=SimpleUploadedFile("a.jpg", f.image_bytes(width=300, height=200))
    )
    return {
        "users": {"owner": owner, "other_owner": other_owner, "shop_staff": staff, "admin": admin},
        "shop": shop,
        "spare": spare,
        "product": product,
        "draft": draft,
        "variant": variant,
        "photo": photo,
        "category": category,
    }


def snapshot():
    """Everything a refused request could have touched."""
    return {
        "shops": sorted(Shop.objects.values_list("public_id", "name", "slug", "is_active")),
        "products": sorted(
            Product.objects.values_list(
                "public_id", "name_id", "status", "is_published", "category_id", "unit"
            )
        ),
        "variants": sorted(
            Variant.objects.values_list("public_id", "sku", "price_amount", "stock", "is_active")
        ),
        "photos": sorted(Photo.objects.values_list("public_id", flat=True)),
        "movements": StockMovement.objects.count(),
    }


def _png():
    return SimpleUploadedFile(
        "p.png", f.image_bytes(width=200, height=150, fmt="PNG"), content_type="image/png"
    )


# name → (method, path(world), body(world) or None, multipart?, {actor: status})
ALLOW_ALL_READ = dict.fromkeys(ACTORS, 200)
MANAGERS = {"anonymous": 401, "owner": 200, "other_owner": 403, "shop_staff": 200, "admin": 200}
EDITORS = {"anonymous": 401, "owner": 200, "other_owner": 404, "shop_staff": 200, "admin": 200}
EDITORS_CREATE = {**EDITORS, "owner": 201, "shop_staff": 201, "admin": 201}
MATRIX = {
    "categories": ("get", lambda w: "/api/catalog/categories", None, False, ALLOW_ALL_READ),
    "shop_list": ("get", lambda w: "/api/catalog/shops", None, False, ALLOW_ALL_READ),
    "shop_detail": (
        "get",
        lambda w: f"/api/catalog/shops/{w['shop'].public_id}",
        None,
        False,
        ALLOW_ALL_READ,
    ),
    "shop_create": (
        "post",
        lambda w: "/api/catalog/shops",
        lambda w: {"organisation": w["spare"].public_id, "name": "Toko Kedua"},
        False,
        {"anonymous": 401, "owner": 201, "other_owner": 403, "shop_staff": 403, "admin": 201},
    ),
    "shop_update": (
        "patch",
        lambda w: f"/api/catalog/shops/{w['shop'].public_id}",
        lambda w: {"name": "Nama Baru"},
        False,
        MANAGERS,
    ),
    "seller_shops": (
        "get",
        lambda w: "/api/catalog/seller/shops",
        None,
        False,
        {**ALLOW_ALL_READ, "anonymous": 401},
    ),
    "seller_products": (
        "get",
        lambda w: f"/api/catalog/seller/shops/{w['shop'].public_id}/products",
        None,
        False,
        MANAGERS,
    ),
    "product_list": ("get", lambda w: "/api/catalog/products?q=kopi", None, False, ALLOW_ALL_READ),
    "product_detail": (
        "get",
        lambda w: f"/api/catalog/products/{w['product'].public_id}",
        None,
        False,
        ALLOW_ALL_READ,
    ),
    "product_detail_unpublished": (
        "get",
        lambda w: f"/api/catalog/products/{w['draft'].public_id}",
        None,
        False,
        {"anonymous": 404, "owner": 200, "other_owner": 404, "shop_staff": 200, "admin": 200},
    ),
    "product_create": (
        "post",
        lambda w: "/api/catalog/products",
        lambda w: {
            "shop": w["shop"].public_id,
            "category": "kopi",
            "name_id": "Kopi Baru",
            "variants": [{"sku": "NEW-1", "label": "1 kg", "price": "90000", "stock": 3}],
        },
        False,
        {**EDITORS_CREATE, "other_owner": 403},
    ),
    "product_update": (
        "patch",
        lambda w: f"/api/catalog/products/{w['product'].public_id}",
        lambda w: {"name_id": "Diubah"},
        False,
        EDITORS,
    ),
    "product_submit": (
        "post",
        lambda w: f"/api/catalog/products/{w['draft'].public_id}/submit",
        None,
        False,
        EDITORS,
    ),
    "variant_create": (
        "post",
        lambda w: f"/api/catalog/products/{w['product'].public_id}/variants",
        lambda w: {"sku": "V-2", "label": "500 g", "price": "50000", "stock": 4},
        False,
        EDITORS_CREATE,
    ),
    "variant_update": (
        "patch",
        lambda w: f"/api/catalog/variants/{w['variant'].public_id}",
        lambda w: {"price": "30000"},
        False,
        EDITORS,
    ),
    "stock_adjust": (
        "post",
        lambda w: f"/api/catalog/variants/{w['variant'].public_id}/stock",
        lambda w: {"delta": -2, "reason": "damage"},
        False,
        EDITORS,
    ),
    "photo_upload": (
        "post",
        lambda w: f"/api/catalog/products/{w['product'].public_id}/photos",
        lambda w: {"photo": _png(), "alt_text": "kopi"},
        True,
        EDITORS_CREATE,
    ),
    "photo_delete": (
        "delete",
        lambda w: f"/api/catalog/photos/{w['photo'].public_id}",
        None,
        False,
        {**EDITORS, "owner": 204, "shop_staff": 204, "admin": 204},
    ),
}


def test_the_matrix_covers_every_catalog_endpoint():
    schema = api.get_openapi_schema()
    operations = {
        (method, path)
        for path, ops in schema["paths"].items()
        if path.startswith("/api/catalog/")
        for method in ops
    }
    templated = {(m, re.sub(r"\{[^}]+\}", "{}", p)) for m, p in operations}
    world_paths = {
        "categories",
        "shops",
        "shops/{}",
        "seller/shops",
        "seller/shops/{}/products",
        "products",
        "products/{}",
        "products/{}/submit",
        "products/{}/variants",
        "variants/{}",
        "variants/{}/stock",
        "products/{}/photos",
        "photos/{}",
    }
    assert {p.removeprefix("/api/catalog/") for _, p in templated} == world_paths
    matrix_ops = {
        ("get", "categories"),
        ("get", "shops"),
        ("get", "shops/{}"),
        ("post", "shops"),
        ("patch", "shops/{}"),
        ("get", "seller/shops"),
        ("get", "seller/shops/{}/products"),
        ("get", "products"),
        ("get", "products/{}"),
        ("post", "products"),
        ("patch", "products/{}"),
        ("post", "products/{}/submit"),
        ("post", "products/{}/variants"),
        ("patch", "variants/{}"),
        ("post", "variants/{}/stock"),
        ("post", "products/{}/photos"),
        ("delete", "photos/{}"),
    }
    assert {(m, p.removeprefix("/api/catalog/")) for m, p in templated} == matrix_ops
    assert len(MATRIX) >= len(matrix_ops)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_permission_matrix(world, endpoint, actor):
    method, path_of, body_of, multipart, expected = MATRIX[endpoint]
    client = Client()
    if actor != "anonymous":
        client.force_login(world["users"][actor])
    before = snapshot()
    audits_before = AuditEntry.objects.count()
    kwargs = {}
    if body_of is not None:
        body = body_of(world)
        kwargs = {"data": body} if multipart else {"data": body, "content_type": "application/json"}
    response = getattr(client, method)(path_of(world), **kwargs)
    assert response.status_code == expected[actor], (endpoint, actor, response.content[:300])
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "details"}
        assert snapshot() == before, f"{endpoint} refused {actor} but changed something"
        assert AuditEntry.objects.count() == audits_before
    elif method != "get":
        assert snapshot() != before or endpoint == "product_submit", (
            f"{endpoint} said yes but changed nothing"
        )
