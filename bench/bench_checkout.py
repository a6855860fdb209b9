"""Checkout throughput through the HTTP API, against gunicorn on PostgreSQL (fsync on).

Prints figures only; it never asserts a time. It creates its own database (default lumbung_bench,
dropped and re-created), seeds shops, SKUs and buyers with API tokens, starts gunicorn on
127.0.0.1, and drives it with client threads, each a buyer doing "put 1 unit in the cart, check out"
(2 requests; the checkout is timed):

1. spread: many clients over many SKUs, as fast as they can → peak orders/s;
2. paced: the same at half the peak rate (open loop, fixed schedule) → p50/p95/p99 latency;
3. hot:   every client on ONE SKU with a limited stock → orders/s, how many were told "sold out",
          and the oversell count (units sold beyond the stock; must be 0), checked in the database.

Run: .venv/bin/python bench/bench_checkout.py [--clients 32] [--workers 4] [--seconds 15]
All loops are bounded (a number of requests and a time limit); nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    """utime + stime of one process in seconds (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def children_of(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class CpuMeter:
    """CPU seconds spent by the gunicorn workers, the PostgreSQL backends serving the bench database
    and this process (the client threads), between ``start()`` and ``stop()``."""

    def __init__(self, server_pid: int, database: str) -> None:
        self.server_pid, self.database = server_pid, database

    def _backends(self) -> list[int]:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.database,),
            ).fetchall()
        return [row[0] for row in rows]

    def _sample(self) -> dict[str, dict[int, float]]:
        workers = [self.server_pid, *children_of(self.server_pid)]
        return {
            "app": {pid: proc_cpu(pid) for pid in workers},
            "db": {pid: proc_cpu(pid) for pid in self._backends()},
        }

    def start(self) -> None:
        self.before = self._sample()
        self.client_before = time.process_time()

    def stop(self) -> dict[str, float]:
        client = time.process_time() - self.client_before
        after = self._sample()
        # A process that appeared during the phase counts from zero (a backend opened mid-phase).
        used = {
            kind: sum(cpu - self.before[kind].get(pid, 0.0) for pid, cpu in after[kind].items())
            for kind in after
        }
        return {**used, "client": client}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database(name: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        fsync = conn.execute("SHOW fsync").fetchone()[0]
        sync = conn.execute("SHOW synchronous_commit").fetchone()[0]
    print(f"database: {name} (fsync={fsync}, synchronous_commit={sync})")


def seed(*, shops: int, skus_per_shop: int, buyers: int, hot_stock: int) -> dict:
    """Shops with deep stock, one hot SKU, buyers with a village and an API token."""
    import django

    django.setup()
    from django.core.management import call_command

    from lumbung.accounts.services import api_token_create
    from lumbung.accounts.tests.factories import UserFactory
    from lumbung.catalog.tests import factories as catalog
    from lumbung.regions.tests.factories import sigi_tree

    call_command("migrate", verbosity=0, interactive=False)
    tree = sigi_tree()
    village = tree["village"]
    skus = []
    for s in range(shops):
        shop = catalog.shop(village=tree["bora"], name=f"Bench shop {s}")
        variants = [
            {
                "sku": f"B{s}-{v}",
                "label": f"{v + 1} kg",
                "price": str(10000 + 137 * v + s),
                "stock": 1_000_000,
                "weight_grams": 500 + 100 * v,
            }
            for v in range(skus_per_shop)
        ]
        product = catalog.product(shop_=shop, variants=variants)
        skus.extend(product.variants.values_list("public_id", flat=True))
    hot_shop = catalog.shop(village=tree["bora"], name="Hot shop")
    hot = catalog.product(
        shop_=hot_shop,
        variants=[
            {"sku": "HOT", "label": "1 kg", "price": "25000", "stock": hot_stock, "weight_grams": 1000}
        ],
    ).variants.get()
    tokens = []
    for b in range(buyers):
        user = UserFactory(phone=f"+6281377{b:06d}", village=village)
        tokens.append(api_token_create(user=user, name="bench")[1])
    return {"village": village.code, "skus": skus, "hot": hot.public_id, "hot_pk": hot.pk, "tokens": tokens}


def checkout_once(session: requests.Session, base: str, village: str, sku: str) -> tuple[int, float, str]:
    put = session.post(f"{base}/api/orders/cart/lines", json={"variant": sku, "quantity": 1}, timeout=60)
    if put.status_code != 200:
        code = (
            put.json().get("code", "")
            if put.headers.get("content-type", "").startswith("application/json")
            else ""
        )
        return put.status_code, 0.0, code
    body = {"village": village, "street": "Jl. Bench 1", "postcode": "94367", "payment_method": "qris"}
    started = time.perf_counter()
    response = session.post(
        f"{base}/api/orders/checkout", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}, timeout=60
    )
    elapsed = time.perf_counter() - started
    code = response.json().get("code", "") if response.status_code >= 400 else ""
    if response.status_code >= 400:
        # Leave the cart empty for the next round.
        session.delete(f"{base}/api/orders/cart/lines/{sku}", timeout=60)
    return response.status_code, elapsed, code


def run_phase(*, base, village, tokens, pick, per_client: int, seconds: float, rate: float | None = None):
    """Each client does up to ``per_client`` checkouts within ``seconds``; with ``rate`` (orders/s in
    total) each client follows a fixed schedule instead of going flat out."""
    results: list[tuple[int, float, str]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    start = time.monotonic()

    def client(i: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {tokens[i]}"
        interval = len(tokens) / rate if rate else 0.0
        for n in range(per_client):
            if time.monotonic() >= deadline:
                break
            if rate:
                due = start + (n + i / len(tokens)) * interval
                pause = due - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            outcome = checkout_once(session, base, village, pick(i, n))
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    return results, wall


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report_cpu(cpu: dict[str, float], orders: int) -> None:
    if not orders:
        return
    per = {kind: seconds / orders * 1000 for kind, seconds in cpu.items()}
    print(
        f"        CPU per order (cart add + checkout): app {per['app']:.1f} ms, PostgreSQL {per['db']:.1f} ms, "
        f"client {per['client']:.1f} ms"
    )


def report(name: str, results, wall: float) -> float:
    ok = [r for r in results if r[0] == 201]
    latencies = [r[1] for r in ok]
    # "sold out" at checkout (409), or already at the cart once the stock shows 0 (422).
    sold_out = sum(1 for r in results if r[2] in ("sold_out", "validation_failed"))
    other = len(results) - len(ok) - sold_out
    rate = len(ok) / wall if wall else 0.0
    print(
        f"{name:<7} orders={len(ok):>5} sold_out={sold_out:>5} other_errors={other:>3} wall={wall:6.1f}s "
        f"orders/s={rate:7.1f} p50={percentile(latencies, 50) * 1000:6.0f}ms "
        f"p95={percentile(latencies, 95) * 1000:6.0f}ms p99={percentile(latencies, 99) * 1000:6.0f}ms"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="lumbung_bench_checkout")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--shops", type=int, default=20)
    parser.add_argument("--skus", type=int, default=10, help="SKUs per shop")
    parser.add_argument("--per-client", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--hot-stock", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (>1: gthread workers)")
    parser.add_argument(
        "--broker",
        default=os.environ.get("BENCH_BROKER", ""),
        help="Celery broker URL (e.g. redis://127.0.0.1:6379/11) so SMS delivery is queued for a worker, "
        "as in production, instead of running inside the request (the demo's eager mode)",
    )
    args = parser.parse_args()

    recreate_database(args.database)
    tmp = tempfile.mkdtemp(prefix="lumbung-bench-checkout-")
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{args.database}",
        "LUMBUNG_ENV": "demo",
        "LUMBUNG_VAR_DIR": tmp,
        "DJANGO_SETTINGS_MODULE": "lumbung.settings",
        "LOG_LEVEL": "ERROR",
    }
    if args.broker:
        env["CELERY_BROKER_URL"] = args.broker
    os.environ.update(env)
    data = seed(shops=args.shops, skus_per_shop=args.skus, buyers=args.clients, hot_stock=args.hot_stock)
    print(
        f"seeded: {len(data['skus'])} SKUs in {args.shops} shops, {args.clients} buyers, hot SKU stock {args.hot_stock}"
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "lumbung.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        kind = f"gthread workers x {args.threads} threads" if args.threads > 1 else "sync workers"
        print(
            f"gunicorn: {args.workers} {kind} on {base}; {args.clients} client threads; "
            f"SMS delivery {'queued to ' + args.broker if args.broker else 'in the request (eager)'}"
        )
        skus, tokens, village = data["skus"], data["tokens"], data["village"]
        meter = CpuMeter(server.pid, args.database)

        meter.start()
        results, wall = run_phase(
            base=base,
            village=village,
            tokens=tokens,
            per_client=args.per_client,
            seconds=args.seconds,
            pick=lambda i, n: skus[(i * 7 + n * 13) % len(skus)],
        )
        peak = report("spread", results, wall)
        report_cpu(meter.stop(), sum(1 for r in results if r[0] == 201))
        meter.start()
        results, wall = run_phase(
            base=base,
            village=village,
            tokens=tokens,
            per_client=args.per_client,
            seconds=args.seconds,
            pick=lambda i, n: skus[(i * 11 + n * 5) % len(skus)],
            rate=max(peak / 2, 1.0),
        )
        report("paced", results, wall)
        report_cpu(meter.stop(), sum(1 for r in results if r[0] == 201))
        print(f"        (paced at {peak / 2:.1f} orders/s, half the spread peak)")
        meter.start()
        results, wall = run_phase(
            base=base,
            village=village,
            tokens=tokens,
            per_client=args.per_client,
            seconds=args.seconds,
            pick=lambda i, n: data["hot"],
        )
        report("hot", results, wall)
        report_cpu(meter.stop(), sum(1 for r in results if r[0] == 201))
        with psycopg.connect(f"{PG}/{args.database}") as conn:
            stock = conn.execute(
                "SELECT stock FROM catalog_variant WHERE id = %s", (data["hot_pk"],)
            ).fetchone()[0]
            sold = conn.execute(
                "SELECT COALESCE(SUM(l.quantity), 0) FROM orders_orderline l WHERE l.variant_id = %s",
                (data["hot_pk"],),
            ).fetchone()[0]
        print(f"hot SKU: stock left {stock}, units sold {sold}, oversell {max(0, sold - args.hot_stock)}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
