"""Product search and browse: one query builder for both databases, with cursor pagination.

Matching, per query term (stemmed, see ``stemmer``):
- PostgreSQL: the stemmed full-text vector, OR a trigram word-similarity hit on the unstemmed text
  (typos: "kacng" → kacang), OR a substring hit for Chinese ("核桃" in "山核桃仁");
- SQLite: the stemmed text contains the word, or the text contains the Chinese run.
A product must match enough of the terms ("minimum should match": 1 of 1-2, 2 of 3, 3 of 4...),
and is ranked by how many it matched, then newest. Pages are keyset cursors, never OFFSET.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import BooleanField, Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from .models import Category, Photo, Product, Variant
from .stemmer import Term, query_terms

SORTS = ("relevance", "newest", "price_asc", "price_desc")
CURSOR_SALT = "lumbung.catalog.cursor"
MAX_PAGE = 48


@dataclass
class SearchParams:
    q: str = ""
    category: str = ""
    area: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    currency: str = "IDR"
    standards: list[str] = field(default_factory=list)
    shop_id: int | None = None
    sort: str = ""
    cursor: str = ""
    limit: int = 24

    def effective_sort(self) -> str:
        if self.sort in SORTS and not (self.sort == "relevance" and not self.q.strip()):
            return self.sort
        return "relevance" if self.q.strip() else "newest"


@dataclass
class Page:
    items: list[Product]
    next_cursor: str = ""
    terms: list[Term] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return bool(self.next_cursor)


def parse_price(value: Any, currency: str = "IDR") -> Decimal | None:
    """A price typed by a person: "25.000" or "Rp 25.000" is 25000 rupiah; "12.50" yuan keeps its cents."""
    raw = str(value or "")
    if "-" in raw:
        return None  # never turn "-5000" into 5000; the service explains what is wrong
    text = re.sub(r"[^\d.,]", "", raw)
    text = text.replace(".", "").replace(",", "") if currency == "IDR" else text.replace(",", "")
    try:
        amount = Decimal(text) if text else None
    except InvalidOperation:
        return None
    return amount if amount is not None and amount.is_finite() else None


def category_and_descendants(slug: str) -> list[int]:
    root = Category.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if root is None:
        return []
    ids, frontier = [root], [root]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def _postgres() -> bool:
    return settings.DB_VENDOR == "postgresql"


_FTS = (
    "to_tsvector('simple'::regconfig, catalog_product.search_stemmed) @@ to_tsquery('simple'::regconfig, %s)"
)


def _fts(forms: list[str]) -> RawSQL:
    """The indexed full-text test (GIN on the stemmed column) for any of ``forms``."""
    # Constant SQL; the only value is a bound parameter (forms are [a-z0-9] tokens).
    return RawSQL(_FTS, [" | ".join(forms)], output_field=BooleanField())  # noqa: S611


def _fuzzy(term: Term) -> RawSQL:
    """pg_trgm word similarity of the typed word to the unstemmed text (threshold set in _fetch)."""
    return RawSQL("%s <%% catalog_product.search_document", [term.raw], output_field=BooleanField())


def _term_condition(term: Term, *, fuzzy: bool = False):
    """Does the product match this one term? Cheap per-row tests, used for the score."""
    if term.cjk:
        return Q(search_document__contains=term.raw)
    condition = Q()
    for form in term.forms:
        condition |= Q(search_stemmed__contains=f" {form} ")
    if fuzzy:
        condition |= Q(_fuzzy(term))
    return condition


def _any_term(terms: list[Term], fuzzy: list[bool]) -> Q:
    """Does the product match at least one term? On PostgreSQL, written so the GIN indexes serve it."""
    if not _postgres():
        match = Q()
        for term in terms:
            match |= _term_condition(term)
        return match
    latin = [form for term in terms if not term.cjk for form in term.forms]
    match = Q(_fts(latin)) if latin else Q(pk__in=[])
    for term, is_fuzzy in zip(terms, fuzzy, strict=True):
        if term.cjk:
            match |= Q(search_document__contains=term.raw)
        elif is_fuzzy:
            match |= Q(_fuzzy(term))
    return match


def typo_tolerant(term: Term) -> bool:
    """A typo in a word under five letters is usually another word (nuts / nutmeg): exact only."""
    return not term.cjk and len(term.raw) >= 5 and term.raw.isalpha()


def _needs_fuzzy(term: Term, published: QuerySet[Product]) -> bool:
    """Fuzzy only for a word nothing in the catalogue contains exactly: "kacng" yes, "udang" never
    (else it would also find "sedang"). One indexed EXISTS per such word."""
    if not (_postgres() and typo_tolerant(term)):
        return False
    return not published.filter(_fts(list(term.forms))).exists()


def required_matches(n_terms: int) -> int:
    """1 of 1, 1 of 2, 2 of 3, 3 of 4, 3 of 5...: most words must match, not all."""
    return max(1, math.floor(n_terms * 0.75))


def base_queryset() -> QuerySet[Product]:
    return Product.objects.select_related("shop__village", "category").prefetch_related(
        Prefetch("variants", queryset=Variant.objects.filter(is_active=True).order_by("position", "id")),
        Prefetch("photos", queryset=Photo.objects.order_by("position", "id")),
    )


def apply_filters(qs: QuerySet[Product], params: SearchParams) -> QuerySet[Product]:
    if params.category:
        qs = qs.filter(category_id__in=category_and_descendants(params.category) or [-1])
    if params.area:
        code = params.area.strip()
        qs = qs.filter(
            Q(shop__village__code=code)
            | Q(shop__village__province_code=code)
            | Q(shop__village__regency_code=code)
            | Q(shop__village__district_code=code)
        )
    if params.min_price is not None or params.max_price is not None:
        qs = qs.filter(shop__currency=params.currency)
        if params.min_price is not None:
            qs = qs.filter(price_from__gte=params.min_price)
        if params.max_price is not None:
            qs = qs.filter(price_from__lte=params.max_price)
    for code in params.standards:
        code = code.strip().lower()
        if code:
            qs = qs.filter(standards__contains=f",{code},")
    if params.shop_id is not None:
        qs = qs.filter(shop_id=params.shop_id)
    return qs


def _encode(sort: str, key: list[Any]) -> str:
    return signing.dumps({"s": sort, "k": key}, salt=CURSOR_SALT, compress=True)


def _decode(cursor: str, sort: str) -> list[Any] | None:
    if not cursor:
        return None
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != sort or not isinstance(data.get("k"), list):
        return None
    return data["k"]


# How alike a typed word and a word in the text must be (pg_trgm word_similarity, 0..1). The default
# 0.6 misses "kacng" → kacang (0.5); measured in tests/relevance_cases.py.
WORD_SIMILARITY = 0.5


def _fetch(qs: QuerySet[Product], *, typos: bool) -> list[Product]:
    if not typos:
        return list(qs)
    with transaction.atomic(), connection.cursor() as cursor:
        # SET LOCAL: only for this transaction, so pooled connections keep the default.
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [WORD_SIMILARITY])
        return list(qs)


def search(params: SearchParams, *, base: QuerySet[Product] | None = None) -> Page:
    """Published products matching ``params``, one page of them, with a cursor for the next."""
    qs = base if base is not None else base_queryset().filter(is_published=True, shop__is_active=True)
    qs = apply_filters(qs.filter(price_from__isnull=False), params)
    sort = params.effective_sort()
    limit = max(1, min(int(params.limit or 24), MAX_PAGE))
    terms = query_terms(params.q)
    if params.q.strip() and not terms:
        return Page(items=[], terms=[])
    if terms:
        published = Product.objects.filter(is_published=True)
        fuzzy = [_needs_fuzzy(term, published) for term in terms]
        conditions = [_term_condition(term, fuzzy=f) for term, f in zip(terms, fuzzy, strict=True)]
        any_match = _any_term(terms, fuzzy)
        score = sum(
            (
                Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
                for condition in conditions
            ),
            Value(0),
        )
        qs = qs.filter(any_match).annotate(score=score).filter(score__gte=required_matches(len(terms)))
    else:
        fuzzy = []
        qs = qs.annotate(score=Value(0, output_field=IntegerField()))
    key = _decode(params.cursor, sort)
    try:
        if sort == "relevance":
            if key:
                qs = qs.filter(Q(score__lt=key[0]) | Q(score=key[0], id__lt=key[1]))
            qs = qs.order_by("-score", "-id")
        elif sort == "price_asc":
            if key:
                price = Decimal(key[0])
                qs = qs.filter(Q(price_from__gt=price) | Q(price_from=price, id__gt=key[1]))
            qs = qs.order_by("price_from", "id")
        elif sort == "price_desc":
            if key:
                price = Decimal(key[0])
                qs = qs.filter(Q(price_from__lt=price) | Q(price_from=price, id__lt=key[1]))
            qs = qs.order_by("-price_from", "-id")
        else:
            if key:
                qs = qs.filter(id__lt=key[0])
            qs = qs.order_by("-id")
    except (InvalidOperation, TypeError, IndexError, ValueError):
        return Page(items=[], terms=terms)
    rows = _fetch(qs[: limit + 1], typos=any(fuzzy))
    next_cursor = ""
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        if sort == "relevance":
            next_cursor = _encode(sort, [last.score, last.id])
        elif sort in ("price_asc", "price_desc"):
            next_cursor = _encode(sort, [str(last.price_from), last.id])
        else:
            next_cursor = _encode(sort, [last.id])
    return Page(items=rows, next_cursor=next_cursor, terms=terms)
