"""``lumbung demo [--if-empty]``: load the demo villages and their people (run by ``make run``)."""

from django.core.management.base import BaseCommand, CommandError

from lumbung.regions.models import Area
from lumbung.web import demo_data


class Command(BaseCommand):
    help = "Create the demo cast: Bainiu, the crab and moringa BUMDes, a Java village and a service centre."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the demo is already loaded"
        )

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and demo_data.is_loaded():
            self.stdout.write("demo already loaded")
            return
        if not Area.objects.filter(code="72.03.12.2006").exists():
            raise CommandError("Load the regions first: lumbung regions load")
        cast = demo_data.build()
        self.stdout.write(
            self.style.SUCCESS(f"demo loaded: {len(cast.people)} people, {len(cast.orgs)} organisations")
        )
        self.stdout.write(f"platform admin: {demo_data.ADMIN_PHONE} / {demo_data.ADMIN_PASSWORD}")
