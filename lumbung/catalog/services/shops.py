"""Opening and running a shop; the figures higher apps keep on it (ratings, order count)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from lumbung.accounts.models import Organisation, OrganisationKind
from lumbung.core.errors import Conflict
from lumbung.regions.models import Country

from ..errors import invalid
from ..models import ContentLanguage, Shop, ShopCurrency
from ._common import audit_record, authorise, clean_line, clean_text
from .search import search_refresh_shop

SELLING_KINDS = (
    OrganisationKind.HOUSEHOLD,
    OrganisationKind.BUSINESS,
    OrganisationKind.BUMDES,
    OrganisationKind.PRODUCER_GROUP,
)
SHOP_TEXT_FIELDS = (
    "name",
    "story_id",
    "story_en",
    "story_zh",
    "village_text",
    "language",
    "is_active",
    "slug",
)


def _unique_slug(base: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(base)[:70] or "toko"
    slug, n = base, 1
    while Shop.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_language(value: str) -> str:
    if value not in ContentLanguage.values:
        raise invalid("language", _("Choose Bahasa Indonesia, English or Chinese."))
    return value


@transaction.atomic
def shop_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    slug: str = "",
    story_id: str = "",
    story_en: str = "",
    story_zh: str = "",
    language: str | None = None,
    currency: str | None = None,
    village=None,
    village_text: str = "",
    on_behalf_of=None,
) -> Shop:
    """Open the organisation's shop. Its owner decides; an agent may do it for the owner with consent.

    Defaults follow the village: a Chinese county gives a CNY shop written in Chinese.
    """
    authorise(actor=actor, action="catalog.open_shop", obj=organisation, on_behalf_of=on_behalf_of)
    if organisation.kind not in SELLING_KINDS:
        raise invalid(
            "organisation", _("Only a household, business, producer group or BUMDes can open a shop.")
        )
    if Shop.objects.filter(organisation=organisation).exists():
        raise Conflict(_("This organisation already has a shop."), code="shop_exists")
    village = village or organisation.village
    chinese = village.country == Country.CHINA
    currency = currency or (ShopCurrency.CNY if chinese else ShopCurrency.IDR)
    if currency not in ShopCurrency.values:
        raise invalid("currency", _("A shop sells in rupiah (IDR) or yuan (CNY)."))
    name = clean_line(name, field="name", max_length=120, required=True)
    shop = Shop.objects.create(
        organisation=organisation,
        name=name,
        slug=_unique_slug(slugify(slug) if slug else name),
        story_id=clean_text(story_id, field="story_id"),
        story_en=clean_text(story_en, field="story_en"),
        story_zh=clean_text(story_zh, field="story_zh"),
        language=_clean_language(
            language or (ContentLanguage.CHINESE if chinese else ContentLanguage.INDONESIAN)
        ),
        currency=currency,
        village=village,
        village_text=clean_line(village_text, field="village_text", max_length=120),
    )
    audit_record(
        "catalog.shop_create", actor=actor, on_behalf_of=on_behalf_of, obj=shop, data={"name": shop.name}
    )
    return shop


@transaction.atomic
def shop_update(*, actor, shop: Shop, on_behalf_of=None, **changes) -> Shop:
    """Change a shop's name, story, language, village text, web address or open/closed state."""
    authorise(actor=actor, action="catalog.manage_shop", obj=shop, on_behalf_of=on_behalf_of)
    unknown = set(changes) - set(SHOP_TEXT_FIELDS)
    if unknown:
        raise invalid(sorted(unknown)[0], _("This field cannot be changed here."))
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    if "name" in changes:
        shop.name = clean_line(changes["name"], field="name", max_length=120, required=True)
    for field in ("story_id", "story_en", "story_zh"):
        if field in changes:
            setattr(shop, field, clean_text(changes[field], field=field))
    if "village_text" in changes:
        shop.village_text = clean_line(changes["village_text"], field="village_text", max_length=120)
    if "language" in changes:
        shop.language = _clean_language(changes["language"])
    if "is_active" in changes:
        shop.is_active = bool(changes["is_active"])
    if changes.get("slug"):
        wanted = slugify(changes["slug"])
        if not wanted:
            raise invalid("slug", _("Use letters, numbers and hyphens."))
        if Shop.objects.filter(slug=wanted).exclude(pk=shop.pk).exists():
            raise invalid("slug", _("That web address is taken."))
        shop.slug = wanted
    shop.save()
    if {"name", "village_text"} & set(changes):
        search_refresh_shop(shop=shop)
    audit_record(
        "catalog.shop_update",
        actor=actor,
        on_behalf_of=on_behalf_of,
        obj=shop,
        data={"fields": sorted(changes)},
    )
    return shop


@transaction.atomic
def shop_set_rating(*, shop: Shop, rating_avg: Decimal, rating_count: int) -> None:
    """Called by the reviews side (a higher app) with the figures it computed."""
    Shop.objects.filter(pk=shop.pk).update(
        rating_avg=Decimal(rating_avg).quantize(Decimal("0.01")), rating_count=max(0, int(rating_count))
    )


@transaction.atomic
def shop_set_order_count(*, shop: Shop, order_count: int) -> None:
    """Called by the orders side (a higher app)."""
    Shop.objects.filter(pk=shop.pk).update(order_count=max(0, int(order_count)))
