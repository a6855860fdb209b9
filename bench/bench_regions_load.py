"""How long `lumbung regions load` takes on a fresh SQLite file, and on a second (no-op) run.

Prints figures only; it never asserts a time. Run: .venv/bin/python bench/bench_regions_load.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lumbung-bench-regions-") as tmp:
        # Point Django at a throwaway database before it reads its settings.
        os.environ["LUMBUNG_VAR_DIR"] = tmp
        os.environ["LUMBUNG_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        os.environ["LUMBUNG_ENV"] = "test"
        os.environ.pop("DATABASE_URL", None)
        os.environ["DJANGO_SETTINGS_MODULE"] = "lumbung.settings"
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from lumbung.regions.services import areas_load

        call_command("migrate", verbosity=0, interactive=False)
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")

        for run in ("first", "second"):
            started = time.perf_counter()
            result = areas_load()
            seconds = time.perf_counter() - started
            print(
                f"{run} load: {seconds:.2f} s  (created {result.created}, updated {result.updated}, "
                f"unchanged {result.unchanged})"
            )
        for (country, level), count in sorted(result.counts.items()):
            print(f"  {country} level {level}: {count}")
        print(f"  total: {sum(result.counts.values())}")
        connection.close()


if __name__ == "__main__":
    main()
