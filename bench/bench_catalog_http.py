"""Catalogue pages over HTTP: peak req/s and latency percentiles at half the peak, caches off and on.

    .venv/bin/python bench/bench_catalog_data.py                   # once: the 1M catalogue (kept)
    .venv/bin/python bench/bench_catalog_data.py --scale 10000     # once: the 10k catalogue (kept)
    .venv/bin/python bench/bench_catalog_http.py                   # 1M, caches off then on
    .venv/bin/python bench/bench_catalog_http.py --db postgres://postgres@127.0.0.1:5432/lumbung_bench_catalog_10k

For each cache mode it starts gunicorn on 127.0.0.1 (LUMBUNG_ENV=demo, DEBUG off, settings from
``bench_catalog_settings``: DummyCache for "off", Redis for "on"), warms it, then per scenario:
1. peak: a closed-loop run with wrk (``apt-get install wrk``; a Python client if it is missing),
   a fixed number of connections each sending the next request as soon as the last one answered;
2. half the peak: an open-loop run (Python asyncio) that sends requests on a fixed schedule at 50 %
   of that peak; each latency is measured from when the request was *due*, so a stalled server
   shows up in the percentiles instead of slowing the client down (no coordinated omission).
Scenarios: the product page, a category listing, a search with a typo, products from a regency.
Ids are drawn uniformly over the whole dataset. Every loop is bounded in time and count, targets
only 127.0.0.1, and the server is stopped at the end. Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/lumbung_bench_catalog"
HOST = "127.0.0.1"
SCENARIOS = ("product", "category", "search_typo", "regency")
ACCEPT = "text/html"


# --- what to request ------------------------------------------------------------------------------------
def _typo(word: str, rng: random.Random) -> str:
    """One letter dropped or two swapped, inside the word (what thumbs on a phone do)."""
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def build_paths(db: str, n: int, seed: int) -> dict[str, list[str]]:
    """URL paths per scenario, ids spread uniformly over the dataset."""
    import psycopg

    rng = random.Random(seed)
    with psycopg.connect(db) as conn:
        lo, hi = conn.execute("SELECT min(id), max(id) FROM catalog_product").fetchone()
        ids = [rng.randint(lo, hi) for _ in range(n * 2)]
        products = [
            row[0]
            for row in conn.execute(
                "SELECT public_id FROM catalog_product WHERE id = ANY(%s) AND is_published", [ids]
            )
        ]
        rng.shuffle(products)
        categories = [row[0] for row in conn.execute("SELECT slug FROM catalog_category WHERE is_active")]
        regencies = [
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT a.regency_code FROM catalog_shop s JOIN regions_area a ON a.id = s.village_id"
                " WHERE a.country = 'ID' AND a.regency_code <> ''"
            )
        ]
        words = set()
        for (name,) in conn.execute("SELECT name_id FROM catalog_product WHERE id = ANY(%s)", [ids[:3000]]):
            words.update(w.lower() for w in name.split() if w.isalpha() and len(w) >= 6)
    words = sorted(words)
    searches = []
    for _ in range(n):
        typo = _typo(rng.choice(words), rng)
        query = typo if rng.random() < 0.5 else f"{rng.choice(words)} {typo}"
        searches.append(f"/search/?q={quote(query)}")
    return {
        "product": [f"/p/{pid}/" for pid in products[:n]],
        "category": [f"/c/{rng.choice(categories)}/" for _ in range(n)],
        "search_typo": searches,
        "regency": [f"/regencies/{rng.choice(regencies)}/" for _ in range(n)],
    }


# --- the server -------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(db: str, cache: str, workers: int, threads: int, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": db,
        "LUMBUNG_ENV": "demo",
        "DEBUG": "0",
        "BENCH_CACHE": cache,
        "DJANGO_SETTINGS_MODULE": "bench_catalog_settings",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
    }
    cmd = [sys.executable, "-m", "gunicorn", "lumbung.wsgi:application", "--bind", f"{HOST}:{port}"]
    cmd += ["--workers", str(workers), "--chdir", str(ROOT), "--log-level", "warning"]
    cmd += ["--backlog", "2048", "--max-requests", "0"]
    if threads > 1:
        cmd += ["--worker-class", "gthread", "--threads", str(threads)]
    server = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- CPU accounting: what each request costs, whatever else the machine is doing --------------------
_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime


def _processes() -> list[tuple[int, int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            found.append((int(entry.name), int(stat.rsplit(")", 1)[1].split()[1]), cmdline))
    return found


def cpu_snapshot(server: subprocess.Popen, dbname: str) -> tuple[float, float]:
    """CPU seconds used so far by the gunicorn workers and by PostgreSQL backends of the bench DB."""
    app = db = 0.0
    for pid, ppid, cmdline in _processes():
        if ppid == server.pid or pid == server.pid:
            app += _cpu_seconds(pid)
        elif cmdline.startswith("postgres: ") and f" {dbname} " in cmdline:
            db += _cpu_seconds(pid)
    return app, db


# --- a small HTTP/1.1 client --------------------------------------------------------------------------------
class Conn:
    """One keep-alive connection; reconnects when the server closes (gunicorn's sync workers do)."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def get(self, path: str) -> int:
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            try:
                return await self._get(path)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _get(self, path: str) -> int:
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept: {ACCEPT}\r\nAccept-Encoding: gzip\r\n"
            "Accept-Language: id\r\n\r\n"
        )
        self.writer.write(request.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


async def closed_loop(port: int, paths: list[str], connections: int, seconds: float) -> dict:
    """Python fallback for wrk: each connection sends its next request when the last one answered."""
    latencies: list[float] = []
    errors = 0
    end = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def user():
        nonlocal errors
        conn = Conn(port)
        while time.perf_counter() < end:
            path = paths[next(counter) % len(paths)]
            t0 = time.perf_counter()
            try:
                status = await conn.get(path)
            except OSError:
                status = 0
            latencies.append((time.perf_counter() - t0) * 1000)
            errors += status != 200
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    return {"rps": len(latencies) / elapsed, "errors": errors, **percentiles(latencies)}


async def open_loop(port: int, paths: list[str], rate: float, seconds: float, max_conns: int = 64) -> dict:
    """Requests due at a fixed rate; latency counted from when each was due (queueing included)."""
    total = max(1, int(rate * seconds))
    queue: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    errors = 0
    late_starts = 0

    async def sender():
        nonlocal errors, late_starts
        conn = Conn(port)
        while True:
            item = await queue.get()
            if item is None:
                break
            due, path = item
            if time.perf_counter() - due > 0.005:
                late_starts += 1
            try:
                status = await conn.get(path)
            except OSError:
                status = 0
            latencies.append((time.perf_counter() - due) * 1000)
            errors += status != 200
        conn.close()

    senders = [asyncio.create_task(sender()) for _ in range(max_conns)]
    start = time.perf_counter() + 0.05
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((due, paths[i % len(paths)]))
    for _ in senders:
        queue.put_nowait(None)
    await asyncio.wait_for(asyncio.gather(*senders), timeout=seconds + 60)
    elapsed = time.perf_counter() - start
    return {
        "rate": rate,
        "achieved": len(latencies) / elapsed,
        "errors": errors,
        "late_starts": late_starts,
        **percentiles(latencies),
    }


# --- wrk ------------------------------------------------------------------------------------------------------
WRK_SCRIPT = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = math.random(#paths)
wrk.headers["Accept"] = "text/html"
wrk.headers["Accept-Encoding"] = "gzip"
wrk.headers["Accept-Language"] = "id"
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %%d, \\"seconds\\": %%f, \\"errors\\": %%d, "
    .. "\\"non2xx\\": %%d, \\"p50\\": %%f, \\"p95\\": %%f, \\"p99\\": %%f}\\n",
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def wrk_peak(port: int, paths: list[str], connections: int, seconds: int, workdir: Path) -> dict:
    listing = workdir / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = workdir / "paths.lua"
    script.write_text(WRK_SCRIPT % listing)
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://{HOST}:{port}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("JSON "))
    data = json.loads(line[5:])
    return {
        "rps": data["requests"] / data["seconds"],
        "errors": data["errors"] + data["non2xx"],
        "p50": data["p50"],
        "p95": data["p95"],
        "p99": data["p99"],
    }


# --- the run ----------------------------------------------------------------------------------------------------
def run_mode(args, cache: str, paths: dict[str, list[str]]) -> dict:
    port = free_port()
    server = start_server(args.db, cache, args.workers, args.threads, port)
    results: dict[str, dict] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="lumbung-bench-http-") as tmp:
            for scenario in args.scenarios:
                urls = paths[scenario]
                # Warm up: imports, template loading, connections; and for "on", a first pass of caches.
                asyncio.run(closed_loop(port, urls, args.connections, args.warmup))
                dbname = args.db.rsplit("/", 1)[-1]
                before = cpu_snapshot(server, dbname)
                if shutil.which("wrk") and not args.python_client:
                    peak = wrk_peak(port, urls, args.connections, args.seconds, Path(tmp))
                else:
                    peak = asyncio.run(closed_loop(port, urls, args.connections, args.seconds))
                after = cpu_snapshot(server, dbname)
                served = peak["rps"] * args.seconds
                peak["app_cpu_ms"] = (after[0] - before[0]) * 1000 / served if served else float("nan")
                peak["db_cpu_ms"] = (after[1] - before[1]) * 1000 / served if served else float("nan")
                half = asyncio.run(open_loop(port, urls, peak["rps"] / 2, args.seconds))
                results[scenario] = {"peak": peak, "half": half}
                print(
                    f"  {cache:3} {scenario:12} peak {peak['rps']:7.1f} req/s (closed, p95 {peak['p95']:6.1f} ms)"
                    f" | at {half['rate']:6.1f} req/s: p50 {half['p50']:6.1f}  p95 {half['p95']:6.1f}"
                    f"  p99 {half['p99']:6.1f} ms | cpu/req app {peak['app_cpu_ms']:5.1f} db {peak['db_cpu_ms']:5.1f} ms"
                    f" | errors {peak['errors'] + half['errors']}",
                    flush=True,
                )
    finally:
        stop_server(server)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--caches", choices=("off", "on", "both"), default="both")
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help=">1 switches to the gthread worker")
    parser.add_argument("--connections", type=int, default=8, help="closed-loop concurrency")
    parser.add_argument("--seconds", type=int, default=15, help="length of each measured run")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--urls", type=int, default=20000, help="distinct URLs per scenario")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--python-client", action="store_true", help="do not use wrk for the peak")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    import psycopg

    with psycopg.connect(args.db) as conn:
        products = conn.execute("SELECT count(*) FROM catalog_product").fetchone()[0]
    print(
        f"database {args.db.rsplit('/', 1)[-1]}: {products:,} products; gunicorn {args.workers} workers"
        f"{f' x {args.threads} threads' if args.threads > 1 else ''}; {args.connections} connections;"
        f" {args.seconds} s per run; client {'python' if args.python_client or not shutil.which('wrk') else 'wrk'}"
    )
    print(
        "load average before: "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + f" on {os.cpu_count()} cores"
    )
    paths = build_paths(args.db, args.urls, args.seed)
    modes = ("off", "on") if args.caches == "both" else (args.caches,)
    figures = {"products": products, "workers": args.workers, "threads": args.threads}
    for cache in modes:
        figures[cache] = run_mode(args, cache, paths)
    print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
