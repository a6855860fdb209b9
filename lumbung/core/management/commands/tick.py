"""``lumbung tick``: run the periodic jobs that are due (once, or every minute with --loop)."""

import time

from django.core.management.base import BaseCommand

from lumbung.core.services import jobs_run_due


class Command(BaseCommand):
    help = "Run due periodic jobs; with --loop, keep doing so every --interval seconds."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=int, default=60)
        parser.add_argument("--max-loops", type=int, default=0, help="stop after N loops (0: never)")

    def handle(self, *args, loop: bool, interval: int, max_loops: int, **options):
        count = 0
        while True:
            ran = jobs_run_due()
            if ran and options["verbosity"] > 0:
                self.stdout.write("ran: " + ", ".join(ran))
            count += 1
            if not loop or (max_loops and count >= max_loops):
                return
            time.sleep(interval)
