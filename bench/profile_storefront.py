"""Where a storefront request spends its CPU: drives the WSGI app in-process (no sockets, no test client), with the
bench settings (DEBUG off, caches off unless BENCH_CACHE=on), against a bench catalogue database.

    .venv/bin/python bench/profile_storefront.py --db postgres://postgres@127.0.0.1:5432/lumbung_bench_catalog_10k \
        --page product --n 300 [--profile 25]

Prints CPU milliseconds per request (process time, so the database's own CPU is not in it),
queries per request, and with --profile the top functions by cumulative CPU time.
Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/lumbung_bench_catalog_10k")
    parser.add_argument(
        "--page", default="product", choices=["product", "category", "search_typo", "regency"]
    )
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, help="print this many top functions")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.db, LUMBUNG_ENV="demo", DEBUG="0", DJANGO_SETTINGS_MODULE="bench_catalog_settings"
    )
    os.environ.setdefault("BENCH_CACHE", "off")
    import django

    django.setup()
    from bench_catalog_http import build_paths
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    app = WSGIHandler()

    def get(path: str) -> int:
        """One request the way gunicorn hands it over: a WSGI environ, the body drained."""
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path.split("?")[0],
            "QUERY_STRING": path.split("?", 1)[1] if "?" in path else "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT": "text/html",
            "HTTP_ACCEPT_LANGUAGE": "id",
            "HTTP_ACCEPT_ENCODING": "gzip",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        status = []
        body = app(environ, lambda s, headers, exc=None: status.append(s))
        b"".join(body)
        body.close()
        return int(status[0].split()[0])

    paths = build_paths(args.db, max(args.n, 50), seed=3)[args.page][: args.n]
    for path in paths[:20]:  # warm: templates, URL resolver, connection
        get(path)
    with CaptureQueriesContext(connection) as ctx:
        for path in paths[:20]:
            get(path)
    queries = len(ctx.captured_queries) / 20
    reset_queries()
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    statuses: dict[int, int] = {}
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for path in paths:
        status = get(path)
        statuses[status] = statuses.get(status, 0) + 1
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    print(
        f"{args.page}: {len(paths)} requests, app CPU {cpu / len(paths) * 1000:.2f} ms/req, "
        f"wall {wall / len(paths) * 1000:.2f} ms/req, {queries:.1f} queries/req, statuses {statuses}"
    )
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile)
        print(out.getvalue())


if __name__ == "__main__":
    main()
