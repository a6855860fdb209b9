"""Seed the standards Lumbung knows from the start (admins may edit them afterwards)."""

from django.db import migrations


def seed(apps, schema_editor):
    from lumbung.quality.seed import STANDARDS

    Standard = apps.get_model("quality", "Standard")
    for row in STANDARDS:
        fields = {k: v for k, v in row.items() if k != "code"}
        Standard.objects.get_or_create(code=row["code"], defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
