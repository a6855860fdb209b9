"""Keep each product's search text fresh: names, descriptions, category, shop and village, all languages."""

from __future__ import annotations

from django.db import connection, transaction

from ..models import Category, Product, SearchWord, Shop
from ..query import categories_changed
from ..stemmer import fold, stemmed_text, vocabulary


def _category_names(category: Category) -> list[str]:
    names: list[str] = []
    seen = 0
    node: Category | None = category
    while node is not None and seen < 6:
        names += [node.name_id, node.name_en, node.name_zh]
        node = node.parent
        seen += 1
    return names


def search_text(product: Product) -> str:
    shop = product.shop
    parts = [
        product.name_id,
        product.name_en,
        product.name_zh,
        product.description_id,
        product.description_en,
        product.description_zh,
        *_category_names(product.category),
        shop.name,
        shop.village_text,
        shop.village.path or shop.village.name,
    ]
    return " \n".join(part for part in parts if part)


def search_fields(product: Product) -> dict[str, str]:
    text = search_text(product)
    return {"search_document": fold(text), "search_stemmed": stemmed_text(text)}


def search_refresh(*, product: Product) -> None:
    fields = search_fields(product)
    Product.objects.filter(pk=product.pk).update(**fields)
    for name, value in fields.items():
        setattr(product, name, value)
    search_words_add(text=fields["search_document"])


def search_words_add(*, text: str) -> None:
    """Add the text's words to the typo vocabulary (one INSERT ... ON CONFLICT DO NOTHING)."""
    words = sorted(vocabulary(text))
    if words:
        SearchWord.objects.bulk_create([SearchWord(word=w) for w in words], ignore_conflicts=True)


# The same split as stemmer.vocabulary(), in SQL, over the already folded search_document.
_REBUILD_SQL = """
INSERT INTO catalog_searchword (word)
SELECT DISTINCT w FROM catalog_product, regexp_split_to_table(search_document, '[^a-z0-9]+') AS w
WHERE length(w) BETWEEN 3 AND 64 AND w ~ '[a-z]'
ON CONFLICT DO NOTHING
"""


def search_words_rebuild() -> None:
    """Fill the typo vocabulary from every product (after a bulk load or restore)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_REBUILD_SQL)
        return
    for text in Product.objects.values_list("search_document", flat=True).iterator(chunk_size=2000):
        search_words_add(text=text)


def search_refresh_shop(*, shop: Shop) -> None:
    for product in Product.objects.filter(shop=shop).select_related("category__parent", "shop__village"):
        search_refresh(product=product)


def search_refresh_category(*, category: Category) -> None:
    # The cached tree (query.all_categories) is stale now; clear it again once this commits, so a
    # read in between cannot put the old tree back.
    categories_changed()
    transaction.on_commit(categories_changed)
    ids = [category.pk]
    frontier = [category.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    for product in Product.objects.filter(category_id__in=ids).select_related(
        "category__parent", "shop__village"
    ):
        search_refresh(product=product)
