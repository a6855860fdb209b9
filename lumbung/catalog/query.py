"""Product search and browse: one query builder for both databases, with cursor pagination.

Matching, per query term (stemmed, see ``stemmer``):
- PostgreSQL: the stemmed full-text vector, OR a substring hit for Chinese ("核桃" in "山核桃仁");
  a word nothing contains (typos: "kacng") is first corrected against the vocabulary of catalogue
  words (``SearchWord``, pg_trgm word similarity), and the corrected words' forms are searched;
- SQLite: the stemmed text contains the word, or the text contains the Chinese run.
A product must match enough of the terms ("minimum should match": 1 of 1-2, 2 of 3, 3 of 4...),
and is ranked by how many it matched, then newest. Pages are keyset cursors, never OFFSET.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from lumbung.regions.models import Area, Level

from .models import Category, Product, SearchWord, Shop
from .rows import product_cards
from .stemmer import Term, query_terms, word_forms

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


# Read-through caching of small, rarely changed lookups (the category tree, typo corrections).
# Off unless settings.CATALOG_CACHE_SECONDS > 0; the category services clear the tree on change.
CATEGORIES_CACHE_KEY = "catalog:categories:v1"


def cache_seconds() -> int:
    return int(getattr(settings, "CATALOG_CACHE_SECONDS", 0) or 0)


def all_categories() -> list[Category]:
    """Every category, active or not, in tree order: one small query (or the cache)."""
    seconds = cache_seconds()
    nodes = cache.get(CATEGORIES_CACHE_KEY) if seconds else None
    if nodes is None:
        nodes = list(Category.objects.order_by("position", "name_id"))
        if seconds:
            cache.set(CATEGORIES_CACHE_KEY, nodes, seconds)
    return nodes


def categories_changed() -> None:
    cache.delete(CATEGORIES_CACHE_KEY)


def category_and_descendants(slug: str, nodes: list[Category] | None = None) -> list[int]:
    nodes = all_categories() if nodes is None else nodes
    root = next((node.pk for node in nodes if node.slug == slug), None)
    if root is None:
        return []
    children: dict[int | None, list[int]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node.pk)
    ids, frontier = [root], [root]
    while frontier:
        frontier = [kid for pk in frontier for kid in children.get(pk, [])]
        ids += frontier
    return ids


def _postgres() -> bool:
    return settings.DB_VENDOR == "postgresql"


_FTS = (
    # search_vector: to_tsvector('simple', search_stemmed), a stored column (migration 0004)
    "catalog_product.search_vector @@ to_tsquery('simple'::regconfig, %s)"
)


def _fts(forms: list[str]) -> RawSQL:
    """The indexed full-text test (GIN on the stemmed column) for any of ``forms``."""
    return _fts_query(" | ".join(forms))


def _fts_query(tsquery: str) -> RawSQL:
    # Constant SQL; the only value is a bound parameter (built from [a-z0-9] forms, | & and brackets).
    return RawSQL(_FTS, [tsquery], output_field=BooleanField())  # noqa: S611


def _term_condition(term: Term):
    """Does the product match this one term? Cheap per-row tests, used for the score."""
    if term.cjk:
        return Q(search_document__contains=term.raw)
    condition = Q()
    for form in term.forms:
        condition |= Q(search_stemmed__contains=f" {form} ")
    return condition


def _any_term(terms: list[Term]) -> Q:
    """Does the product match at least one term? On PostgreSQL, written so the GIN indexes serve it."""
    if not _postgres():
        match = Q()
        for term in terms:
            match |= _term_condition(term)
        return match
    latin = [form for term in terms if not term.cjk for form in term.forms]
    match = Q(_fts(latin)) if latin else Q(pk__in=[])
    for term in terms:
        if term.cjk:
            match |= Q(search_document__contains=term.raw)
    return match


def _latin_at_least(terms: list[Term], k: int) -> str:
    """A tsquery for "at least ``k`` of these Latin terms": "((kopi) & (robusta))" for 2 of 2;
    empty when there is nothing to require."""
    if not terms or k <= 0:
        return ""
    return " | ".join(
        "(" + " & ".join("(" + " | ".join(t.forms) + ")" for t in combo) + ")"
        for combo in itertools.combinations(terms, k)
    )


def _at_least(terms: list[Term], k: int) -> Q:
    """Matches at least ``k`` of the terms: an OR of ANDs that the GIN indexes serve (one tsquery for
    the Latin words, e.g. "(kopi) & (robusta)" for 2 of 2; a substring test for each Chinese one)."""
    latin_groups: list[str] = []
    match = Q(pk__in=[])
    for combo in itertools.combinations(terms, k):
        cjk = [t.raw for t in combo if t.cjk]
        latin = _latin_at_least([t for t in combo if not t.cjk], len(combo) - len(cjk))
        if not cjk:
            latin_groups.append(f"({latin})")
            continue
        condition = Q(_fts_query(latin)) if latin else Q()
        for raw in cjk:
            condition &= Q(search_document__contains=raw)
        match |= condition
    if latin_groups:
        match |= Q(_fts_query(" | ".join(latin_groups)))
    return match


def _tier(terms: list[Term], k: int) -> Q:
    """Matches exactly ``k`` of the terms (the top tier: all of them). For Latin words this is one
    tsquery, "at least k & !(at least k+1)", so the planner estimates it from the word statistics
    (it guessed 0.5 % for "score = k" and then sorted every match: 89 ms vs 3 ms at 1M products)."""
    if k >= len(terms):
        return _at_least(terms, k)
    if not any(t.cjk for t in terms):
        return Q(_fts_query(f"({_latin_at_least(terms, k)}) & !({_latin_at_least(terms, k + 1)})"))
    return _at_least(terms, k) & ~_at_least(terms, k + 1)


def _relevance_rows(qs: QuerySet[Product], terms: list[Term], key: list[Any] | None, need: int):
    """One page of (id, score) in (score desc, id desc) order, a score tier at a time, best tier first.

    Scoring every match and sorting them all costs a read of each matching row (tens of thousands
    for "kopi" in a big catalogue). Within one tier the order is just "newest first", which the
    planner serves by walking the id index and stopping after ``need`` rows, or from the GIN index
    when the tier is small. Same rows, same order, same cursor as the single query."""
    top, below = len(terms), None
    if key:
        top, below = min(int(key[0]), len(terms)), int(key[1])
    rows: list[tuple[int, int]] = []
    for k in range(top, required_matches(len(terms)) - 1, -1):
        tier = qs.filter(_tier(terms, k))
        if below is not None and k == top:
            tier = tier.filter(id__lt=below)
        ids = list(tier.order_by("-id").values_list("id", flat=True)[: need - len(rows)])
        rows += [(pk, k) for pk in ids]
        if len(rows) >= need:
            break
    return rows


def typo_tolerant(term: Term) -> bool:
    """A typo in a word under five letters is usually another word (nuts / nutmeg): exact only."""
    return not term.cjk and len(term.raw) >= 5 and term.raw.isalpha()


def _needs_fuzzy(term: Term) -> bool:
    """Fuzzy only for a word the catalogue's vocabulary lacks: "kacng" yes, "udang" never (else it
    would also find "sedang"). One primary-key look-up in ``SearchWord``; asking the products
    instead made the planner scan the whole table for a typo (nothing matches, LIMIT 1 never stops
    early) or build the full index bitmap for a common word."""
    if not (_postgres() and typo_tolerant(term)):
        return False
    return not SearchWord.objects.filter(word__in={term.raw, *term.forms}).exists()


def _matched(term: Term) -> Term:
    """The term as searched: corrected when it is a typo. Cached per word when caching is on."""
    seconds = cache_seconds()
    key = f"catalog:term:v1:{term.raw}"
    if seconds and len(key) < 200:
        forms = cache.get(key)
        if forms is not None:
            return Term(raw=term.raw, forms=tuple(forms))
    matched = corrected(term) if _needs_fuzzy(term) else term
    if seconds and len(key) < 200:
        cache.set(key, list(matched.forms), seconds)
    return matched


def required_matches(n_terms: int) -> int:
    """1 of 1, 1 of 2, 2 of 3, 3 of 4, 3 of 5...: most words must match, not all."""
    return max(1, math.floor(n_terms * 0.75))


def _in_area(qs: QuerySet[Product], code: str) -> QuerySet[Product]:
    """Products of shops in the area ``code``, each level read the way its size needs (at 1M):
    - a regency: the products' own regency code, one index range (13-38 ms before, by joins);
    - a district or village: its few shops by id, then their products (the planner otherwise walks
      the newest products of the whole country looking for 25 of them);
    - a province: a join; its products are everywhere, so the newest-first walk stops early."""
    level = Area.objects.filter(code=code).values_list("level", flat=True).first()
    if level is None:
        return qs.none()
    if level == Level.REGENCY:
        return qs.filter(regency_code=code)
    if level == Level.PROVINCE:
        return qs.filter(shop__village__province_code=code)
    places = Area.objects.filter(Q(code=code) | Q(district_code=code)).values("pk")
    return qs.filter(
        shop_id__in=list(Shop.objects.filter(village_id__in=places).values_list("pk", flat=True))
    )


def apply_filters(
    qs: QuerySet[Product], params: SearchParams, *, categories: list[Category] | None = None
) -> QuerySet[Product]:
    if params.category:
        qs = qs.filter(category_id__in=category_and_descendants(params.category, categories) or [-1])
    if params.area:
        qs = _in_area(qs, params.area.strip())
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


# How alike a typed word and a catalogue word must be (pg_trgm word_similarity, 0..1). The default
# 0.6 misses "kacng" → kacang (0.5); measured in tests/relevance_cases.py.
WORD_SIMILARITY = 0.5
MAX_CORRECTIONS = 5


def corrected(term: Term) -> Term:
    """The term with the forms of every catalogue word within typo distance added ("kacng" → kacang).

    One query on the small vocabulary table through its trigram index; the forms are then matched
    by the full-text index like any other word."""
    with transaction.atomic(), connection.cursor() as cursor:
        # SET LOCAL: only for this transaction, so pooled connections keep the default.
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [WORD_SIMILARITY])
        # The closest few only: a short typo is within reach of dozens of village names ("padan":
        # padang, badan, pada, ...), and every extra word widens the search and blurs the planner's
        # row estimate (measured at 1M products in docs/performance.md).
        cursor.execute(
            "SELECT word FROM catalog_searchword WHERE %s <%% word"
            " ORDER BY word_similarity(%s, word) DESC, word LIMIT %s",
            [term.raw, term.raw, MAX_CORRECTIONS],
        )
        words = sorted(row[0] for row in cursor.fetchall())
    forms = dict.fromkeys(term.forms)
    for word in words:
        forms.update(dict.fromkeys(word_forms(word)))
    return Term(raw=term.raw, forms=tuple(forms))


def _ordered(qs: QuerySet[Product], sort: str, key: list[Any] | None) -> QuerySet[Product]:
    """``qs`` in the sort's order, after the cursor's key (keyset pagination, never OFFSET)."""
    if sort == "relevance":
        if key:
            qs = qs.filter(Q(score__lt=key[0]) | Q(score=key[0], id__lt=key[1]))
        return qs.order_by("-score", "-id")
    if sort == "price_asc":
        if key:
            price = Decimal(key[0])
            qs = qs.filter(Q(price_from__gt=price) | Q(price_from=price, id__gt=key[1]))
        return qs.order_by("price_from", "id")
    if sort == "price_desc":
        if key:
            price = Decimal(key[0])
            qs = qs.filter(Q(price_from__lt=price) | Q(price_from=price, id__lt=key[1]))
        return qs.order_by("-price_from", "-id")
    if key:
        qs = qs.filter(id__lt=key[0])
    return qs.order_by("-id")


def search(
    params: SearchParams, *, base: QuerySet[Product] | None = None, categories: list[Category] | None = None
) -> Page:
    """Published products matching ``params``, one page of them, with a cursor for the next.
    ``categories``: the tree from ``all_categories()`` when the caller has already read it."""
    qs = base if base is not None else Product.objects.filter(is_published=True, shop__is_active=True)
    qs = apply_filters(qs.filter(price_from__isnull=False), params, categories=categories)
    sort = params.effective_sort()
    limit = max(1, min(int(params.limit or 24), MAX_PAGE))
    terms = query_terms(params.q)
    if params.q.strip() and not terms:
        return Page(items=[], terms=[])
    filtered = qs
    if terms:
        matched = [_matched(term) for term in terms]
        conditions = [_term_condition(term) for term in matched]
        any_match = _any_term(matched)
        score = sum(
            (
                Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
                for condition in conditions
            ),
            Value(0),
        )
        qs = qs.filter(any_match).annotate(score=score).filter(score__gte=required_matches(len(terms)))
    else:
        qs = qs.annotate(score=Value(0, output_field=IntegerField()))
    key = _decode(params.cursor, sort)
    try:
        if sort == "relevance" and terms and _postgres():
            keys = _relevance_rows(filtered, matched, key, limit + 1)
        else:
            keys = list(_ordered(qs, sort, key).values_list("id", "score")[: limit + 1])
    except (InvalidOperation, TypeError, IndexError, ValueError):
        return Page(items=[], terms=terms)
    # The page's ids are chosen; the rows people see are read without recompiling the joins.
    more, keys = len(keys) > limit, keys[:limit]
    scores = dict(keys)
    rows = product_cards([pk for pk, _ in keys])
    for product in rows:
        product.score = scores[product.pk]
    next_cursor = ""
    if more and rows:
        last = rows[-1]
        if sort == "relevance":
            next_cursor = _encode(sort, [last.score, last.id])
        elif sort in ("price_asc", "price_desc"):
            next_cursor = _encode(sort, [str(last.price_from), last.id])
        else:
            next_cursor = _encode(sort, [last.id])
    return Page(items=rows, next_cursor=next_cursor, terms=terms)
