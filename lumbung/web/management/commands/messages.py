"""``lumbung messages extract|compile|check``: the message catalogs, with Babel (no GNU gettext)."""

from django.core.management.base import BaseCommand, CommandError

from lumbung.web import i18n_catalogs


class Command(BaseCommand):
    help = "Extract, compile or check the id/en/zh_Hans message catalogs."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["extract", "compile", "check"])

    def handle(self, *args, action: str, **options):
        if action == "extract":
            template = i18n_catalogs.extract()
            i18n_catalogs.update(template)
            self.stdout.write(f"{len(template)} messages extracted")
        elif action == "compile":
            for mo in i18n_catalogs.compile_all():
                self.stdout.write(
                    f"compiled {mo.relative_to(i18n_catalogs.PACKAGE.parent)}", self.style.SUCCESS
                )
        else:
            template = i18n_catalogs.extract()
            bad = {lang: i18n_catalogs.missing(lang, template) for lang in ("id", "zh_Hans")}
            for lang, problems in bad.items():
                for problem in problems:
                    self.stdout.write(f"{lang}: {problem}")
            if any(bad.values()):
                raise CommandError("catalogs are incomplete")
            self.stdout.write("catalogs complete")
