"""The marketplace catalogue: shops, categories, products, variants, photos and the stock journal.

Rules these tables keep (the services in ``services.py`` are the one way to write them):
- A product is visible to buyers only while ``is_published``; only the quality gate flips it, through
  ``product_publish()`` / ``product_unpublish()``. Sellers cannot.
- Stock never goes below zero: conditional ``UPDATE ... WHERE stock >= n`` in the services, and a
  CHECK constraint here as the backstop. Every change leaves a ``StockMovement`` (append-only).
- Prices are Decimal amount + ISO currency (the shop's), never float.
- Names and descriptions come in Indonesian, English and Chinese; any may be blank. Display falls
  back to the shop's language, then to any non-empty one.
- ``search_document`` / ``search_stemmed`` are denormalised text the services keep fresh; the search
  indexes on PostgreSQL are built on them (see migration 0002 and docs/adr/0004-indonesian-search.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_public_id
from lumbung.core.money import DECIMAL_PLACES, MAX_DIGITS, Money

# Content languages: the field suffix for each Django language code.
CONTENT_LANGUAGES = ("id", "en", "zh")
LANGUAGE_SUFFIX = {"id": "id", "en": "en", "zh-hans": "zh", "zh": "zh"}


class ContentLanguage(models.TextChoices):
    INDONESIAN = "id", _("Bahasa Indonesia")
    ENGLISH = "en", _("English")
    CHINESE = "zh-hans", _("Simplified Chinese")


class ShopCurrency(models.TextChoices):
    IDR = "IDR", _("Indonesian rupiah (IDR)")
    CNY = "CNY", _("Chinese yuan (CNY)")


def pick_language(obj, field: str, *, language: str | None = None, fallback: str | None = None) -> str:
    """The ``field`` text in ``language`` (default: the active one), else ``fallback``, else any non-empty."""
    wanted = [LANGUAGE_SUFFIX.get((language or get_language() or "id").lower(), "id")]
    if fallback:
        wanted.append(LANGUAGE_SUFFIX.get(fallback, "id"))
    wanted.extend(CONTENT_LANGUAGES)
    for suffix in wanted:
        value = getattr(obj, f"{field}_{suffix}", "")
        if value:
            return value
    return ""


class Shop(models.Model):
    """A household's, business's or BUMDes's storefront. One per organisation."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="shop", verbose_name=_("organisation")
    )
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    name = models.CharField(_("shop name"), max_length=120)
    story_id = models.TextField(_("story (Indonesian)"), blank=True)
    story_en = models.TextField(_("story (English)"), blank=True)
    story_zh = models.TextField(_("story (Chinese)"), blank=True)
    language = models.CharField(
        _("main language"), max_length=8, choices=ContentLanguage.choices, default=ContentLanguage.INDONESIAN
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=ShopCurrency.choices, default=ShopCurrency.IDR
    )
    # Indonesia: the village Area. China: the county Area, with the village in ``village_text``.
    village = models.ForeignKey(
        "regions.Area", on_delete=models.PROTECT, related_name="shops", verbose_name=_("village")
    )
    village_text = models.CharField(_("village (as written)"), max_length=120, blank=True)
    # Filled by higher apps (reviews, orders) through catalog services.
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0"))
    rating_count = models.PositiveIntegerField(default=0)
    order_count = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("shop")
        verbose_name_plural = _("shops")

    def __str__(self) -> str:
        return self.name

    def story(self, language: str | None = None) -> str:
        return pick_language(self, "story", language=language, fallback=self.language)

    @property
    def place(self) -> str:
        """Where the shop is, for people: the village (text for China) and its parents."""
        if self.village_text:
            return f"{self.village_text}, {self.village.path}"
        return self.village.path or self.village.name


class Category(models.Model):
    """A node in the category tree (nuts › cashews). What a category requires lives in ``quality``."""

    slug = models.SlugField(max_length=64, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_id = models.CharField(_("name (Indonesian)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name_id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        return pick_language(self, "name", language=language, fallback="id")


class Unit(models.TextChoices):
    KG = "kg", _("kg")
    GRAM = "g", _("gram")
    LITRE = "litre", _("litre")
    PACK = "pack", _("pack")
    PIECE = "piece", _("piece")


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    # Waiting for the standards gate (certificates or an inspector's approval).
    PENDING = "pending", _("awaiting quality check")
    PUBLISHED = "published", _("published")
    UNPUBLISHED = "unpublished", _("unpublished")
    ARCHIVED = "archived", _("archived")


class Product(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name_id = models.CharField(_("name (Indonesian)"), max_length=160, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=160, blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.PACK)
    status = models.CharField(max_length=12, choices=ProductStatus.choices, default=ProductStatus.DRAFT)
    # Only product_publish()/product_unpublish() (called by the quality gate) change these two.
    is_published = models.BooleanField(default=False)
    unpublished_reason = models.CharField(max_length=255, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Standards the product carries, written by the quality app via product_set_standards():
    # comma-wrapped lower-case codes (",pirt,halal,") so "holds X" is one LIKE on any database.
    standards = models.CharField(max_length=255, blank=True, default="")
    # The lowest active variant price in the shop's currency, kept by the variant services (for
    # price filters and sorting without a join).
    price_from = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True
    )
    # The shop village's regency, copied at creation (a shop's village never changes), so "products
    # from this regency" is one index range instead of a join over every shop there.
    regency_code = models.CharField(max_length=16, blank=True, default="", editable=False)
    # Search text kept by the services: all names, descriptions, category, shop and village.
    search_document = models.TextField(blank=True, default="")
    search_stemmed = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["is_published", "-id"], name="catalog_product_pub_new"),
            models.Index(fields=["is_published", "price_from", "id"], name="catalog_product_pub_price"),
            models.Index(fields=["shop", "status"], name="catalog_product_shop_status"),
            models.Index(fields=["category", "is_published"], name="catalog_product_cat_pub"),
            models.Index(
                fields=["regency_code", "-id"],
                condition=Q(is_published=True),
                name="catalog_product_regency_new",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_id="") | ~Q(name_en="") | ~Q(name_zh=""), name="catalog_product_has_a_name"
            ),
        ]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name() or self.public_id

    def name(self, language: str | None = None) -> str:
        return pick_language(
            self, "name", language=language, fallback=self.shop.language if self.shop_id else None
        )

    def description(self, language: str | None = None) -> str:
        return pick_language(
            self, "description", language=language, fallback=self.shop.language if self.shop_id else None
        )

    @property
    def standard_codes(self) -> list[str]:
        return [code for code in self.standards.split(",") if code]

    @property
    def currency(self) -> str:
        return self.shop.currency

    @property
    def price_from_money(self) -> Money | None:
        return Money(self.price_from, self.shop.currency) if self.price_from is not None else None


class Variant(models.Model):
    """What a buyer actually orders: "250 g can", "1 kg sachet"; its own price, stock and weight."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="variants")
    # Denormalised from product.shop so the SKU can be unique per shop.
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=40)
    label = models.CharField(_("label"), max_length=80)
    unit_quantity = models.DecimalField(
        _("quantity per unit"), max_digits=10, decimal_places=3, default=Decimal(1)
    )
    price_amount = models.DecimalField(_("price"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    price_currency = models.CharField(max_length=3, default="IDR")
    stock = models.PositiveIntegerField(_("stock"), default=0)
    weight_grams = models.PositiveIntegerField(_("weight in grams"), default=0)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="catalog_variant_stock_not_negative"),
            models.CheckConstraint(condition=Q(price_amount__gt=0), name="catalog_variant_price_positive"),
            models.UniqueConstraint(fields=["shop", "sku"], name="catalog_variant_unique_sku_per_shop"),
        ]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")

    def __str__(self) -> str:
        return f"{self.product} — {self.label}"

    @property
    def price(self) -> Money:
        return Money(self.price_amount, self.price_currency)

    @property
    def in_stock(self) -> bool:
        return self.is_active and self.stock > 0


def photo_path(instance: Photo, filename: str) -> str:
    return f"catalog/{instance.product.public_id}/{filename}"


class Photo(models.Model):
    """A product photo kept only as two small WebP renditions, re-encoded from pixels (no EXIF)."""

    LIST_MAX_BYTES = 12 * 1024
    DETAIL_MAX_BYTES = 40 * 1024

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    list_image = models.FileField(upload_to=photo_path, max_length=200)
    list_width = models.PositiveSmallIntegerField()
    list_height = models.PositiveSmallIntegerField()
    list_bytes = models.PositiveIntegerField()
    detail_image = models.FileField(upload_to=photo_path, max_length=200)
    detail_width = models.PositiveSmallIntegerField()
    detail_height = models.PositiveSmallIntegerField()
    detail_bytes = models.PositiveIntegerField()
    alt_text = models.CharField(_("description of the photo"), max_length=160, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(list_bytes__lte=12 * 1024), name="catalog_photo_list_small"),
            models.CheckConstraint(
                condition=Q(detail_bytes__lte=40 * 1024), name="catalog_photo_detail_small"
            ),
        ]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"{self.product} #{self.position}"


class StockReason(models.TextChoices):
    INITIAL = "initial", _("initial stock")
    RESTOCK = "restock", _("restock")
    SALE_RESERVE = "sale_reserve", _("reserved for an order")
    RESERVATION_RELEASE = "reservation_release", _("reservation released")
    ADJUSTMENT = "adjustment", _("stock count adjustment")
    DAMAGE = "damage", _("damaged or spoiled")
    RETURN = "return", _("returned by a buyer")


class StockMovement(models.Model):
    """One change of a variant's stock. Append-only: a correction is a new movement."""

    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="movements")
    delta = models.IntegerField()
    reason = models.CharField(max_length=24, choices=StockReason.choices)
    # What caused it, e.g. an order's public id or "sms:<message id>".
    reference = models.CharField(max_length=64, blank=True)
    stock_after = models.PositiveIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(delta=0), name="catalog_stockmovement_nonzero")]
        indexes = [models.Index(fields=["variant", "-at"], name="catalog_stockmove_variant_at")]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")

    def __str__(self) -> str:
        return f"{self.variant_id} {self.delta:+d} {self.reason}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("stock movements are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("stock movements are append-only")


class SearchWord(models.Model):
    """Every Latin word that appears in some product's search text, once: the typo vocabulary.

    A typed word nothing contains ("kacng") is first corrected against this small table (pg_trgm
    word similarity over a trigram index), then searched by the corrected words' stems through the
    full-text index. Comparing the typo with the text of every product instead costs a trigram scan
    of the whole catalogue. Kept by ``search_refresh``; words are never removed (a stale word only
    corrects to something that finds nothing).
    """

    word = models.CharField(max_length=64, primary_key=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word


def current_language_suffix() -> str:
    return LANGUAGE_SUFFIX.get((get_language() or "id").lower(), "id")
