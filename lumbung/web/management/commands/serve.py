"""``lumbung serve``: gunicorn plus the ``lumbung tick`` loop beside it (what ``make run`` starts).

Both stop together on Ctrl-C. In production run gunicorn, celery worker and celery beat instead
(docs/deploy.md).
"""

import os
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Lumbung with gunicorn and run periodic jobs every minute beside it."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, bind: str, workers: int, **options):
        bin_dir = os.path.dirname(sys.executable)
        tick = subprocess.Popen([os.path.join(bin_dir, "lumbung"), "tick", "--loop", "--verbosity", "0"])
        self.stdout.write(f"Lumbung is at http://{bind}/  (Ctrl-C stops it)")
        server = subprocess.Popen(
            [
                os.path.join(bin_dir, "gunicorn"),
                "lumbung.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
            ]
        )
        try:
            server.wait()
        except KeyboardInterrupt:
            server.send_signal(signal.SIGTERM)
            server.wait()
        finally:
            tick.terminate()
            tick.wait(timeout=10)
