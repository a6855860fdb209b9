"""Where one checkout's time goes: in-process, on PostgreSQL, through the whole API request.

Seeds its own database the way ``bench_checkout.py`` does (default ``lumbung_bench_checkout_profile``,
dropped and re-created), then each round is the bench's client: "put 1 unit in the cart" and
"check out" through Django's test client with a bearer token (middleware, token authentication,
idempotency, cart, checkout, payments, ledger, outbox and audit all run). For the checkout request it
prints the queries (count and kinds), the CPU time of this process (``time.process_time``) and of the
PostgreSQL backend serving it (from /proc), and a cProfile summary on a CPU clock.

Run: .venv/bin/python bench/profile_checkout.py [--rounds 200] [--top 40] [--dump var/checkout.prof]
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    """utime + stime of a process in seconds (PostgreSQL's backend for our connection)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def kind(sql: str) -> str:
    sql = sql.lstrip()
    word = sql.split(None, 1)[0].upper()
    if word in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
        return word
    match = re.search(r'(?:FROM|INTO|UPDATE)\s+"([a-z_]+)"', sql)
    return f"{word} {match.group(1) if match else '?'}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="lumbung_bench_checkout_profile")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--dump", default="")
    parser.add_argument("--reuse", action="store_true", help="keep the database if it exists (no re-seed)")
    args = parser.parse_args()

    os.environ.update(
        {
            "DATABASE_URL": f"{PG}/{args.database}",
            "LUMBUNG_ENV": "demo",
            "LUMBUNG_VAR_DIR": tempfile.mkdtemp(prefix="lumbung-profile-checkout-"),
            "DJANGO_SETTINGS_MODULE": "lumbung.settings",
            "LOG_LEVEL": "ERROR",
        }
    )
    import bench_checkout

    bench_checkout.recreate_database(args.database)
    data = bench_checkout.seed(shops=20, skus_per_shop=10, buyers=4, hot_stock=1_000_000)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {data['tokens'][0]}")
    skus = data["skus"]
    body = {
        "village": data["village"],
        "street": "Jl. Bench 1",
        "postcode": "94367",
        "payment_method": "qris",
    }

    def add(n: int) -> None:
        response = client.post(
            "/api/orders/cart/lines",
            {"variant": skus[(n * 13) % len(skus)], "quantity": 1},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content

    def checkout() -> None:
        response = client.post(
            "/api/orders/checkout",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )
        assert response.status_code == 201, response.content

    for n in range(args.warmup):
        add(n)
        checkout()

    connection.ensure_connection()
    pid = connection.cursor().connection.info.backend_pid
    with CaptureQueriesContext(connection) as ctx:
        add(0)
    add_queries = len(ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        checkout()
    queries = ctx.captured_queries
    print(f"cart add: {add_queries} queries; checkout: {len(queries)} queries")
    for name, count in collections.Counter(kind(q["sql"]) for q in queries).most_common():
        print(f"  {count:3d}  {name}")

    # CPU per checkout, without the profiler: this process and the PostgreSQL backend.
    app = db = add_app = add_db = 0.0
    wall = 0.0
    for n in range(args.rounds):
        a0, d0 = time.process_time(), backend_cpu(pid)
        add(n)
        a1, d1, w1 = time.process_time(), backend_cpu(pid), time.perf_counter()
        checkout()
        a2, d2, w2 = time.process_time(), backend_cpu(pid), time.perf_counter()
        add_app += a1 - a0
        add_db += d1 - d0
        app += a2 - a1
        db += d2 - d1
        wall += w2 - w1
    r = args.rounds
    print(
        f"checkout: app CPU {app / r * 1000:.1f} ms, PostgreSQL backend CPU {db / r * 1000:.1f} ms, "
        f"wall {wall / r * 1000:.1f} ms (one client, no contention)"
    )
    print(f"cart add: app CPU {add_app / r * 1000:.1f} ms, PostgreSQL backend CPU {add_db / r * 1000:.1f} ms")

    profiler = cProfile.Profile(time.process_time)
    for n in range(args.rounds):
        add(n)
        profiler.enable()
        checkout()
        profiler.disable()
    if args.dump:
        profiler.dump_stats(args.dump)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
