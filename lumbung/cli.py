"""The ``lumbung`` console command: manage.py under a friendlier name.

``lumbung migrate``, ``lumbung regions load``, ``lumbung demo``, ``lumbung tick``, ``lumbung sandbox sms``...
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumbung.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lumbung", *sys.argv[1:]])


if __name__ == "__main__":
    main()
