"""Catalogue search speed: build N products through the services, then time typical queries.

Prints figures only; it never asserts a time. SQLite by default (a throwaway file); set
DATABASE_URL=postgres://... to measure PostgreSQL (it creates and drops its own database).

    .venv/bin/python bench/bench_catalog_search.py [N=2000]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "kacang",
    "mete",
    "kenari",
    "kopi",
    "robusta",
    "arabika",
    "kelor",
    "bubuk",
    "daun",
    "minyak",
    "nilam",
    "cengkeh",
    "pala",
    "tepung",
    "pisang",
    "alpukat",
    "madu",
    "gula",
    "aren",
    "kepiting",
    "rajungan",
    "teri",
    "terasi",
    "anyaman",
    "pandan",
    "rotan",
    "keripik",
    "sayur",
]
QUERIES = [
    "kopi",
    "kacang mete",
    "dikemas",
    "sayur-sayuran",
    "kacng",
    "核桃",
    "minyak atsiri nilam",
    "sepatu",
]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    tmp = tempfile.mkdtemp(prefix="lumbung-bench-catalog-")
    os.environ["LUMBUNG_VAR_DIR"] = tmp
    os.environ["LUMBUNG_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
    os.environ["LUMBUNG_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "lumbung.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from lumbung.catalog import services
        from lumbung.catalog.query import SearchParams, search
        from lumbung.catalog.tests import factories as f

        print(f"database: {connection.vendor} {test_db}")
        rng = random.Random(7)
        categories = [f.category(slug=f"cat-{n}", name_id=f"Kategori {w}") for n, w in enumerate(WORDS[:8])]
        shops = [f.shop() for _ in range(max(1, count // 40))]
        started = time.perf_counter()
        for n in range(count):
            words = rng.sample(WORDS, 3)
            name = " ".join(words).title()
            product = f.product(
                shop_=rng.choice(shops),
                category_=rng.choice(categories),
                name_id=name,
                name_zh="山核桃仁" if n % 50 == 0 else "",
                description_id=f"Dikemas rapat. {' '.join(rng.sample(WORDS, 5))}",
                price=str(rng.randrange(5, 500) * 1000),
                published=False,
            )
            services.product_publish(product=product)
        print(f"built {count} products in {time.perf_counter() - started:.1f} s")
        for query in QUERIES:
            timings = []
            found = 0
            for _ in range(7):
                t0 = time.perf_counter()
                page = search(SearchParams(q=query, limit=24))
                timings.append((time.perf_counter() - t0) * 1000)
                found = len(page.items)
            print(f"  {query!r:28} {found:3d} on page 1   median {statistics.median(timings):7.1f} ms")
        t0 = time.perf_counter()
        cursor, pages = "", 0
        while True:
            page = search(SearchParams(sort="price_asc", limit=24, cursor=cursor))
            pages += 1
            cursor = page.next_cursor
            if not cursor:
                break
        print(f"  walked {pages} cursor pages (price order) in {(time.perf_counter() - t0) * 1000:.0f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
