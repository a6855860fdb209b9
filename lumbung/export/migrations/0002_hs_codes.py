"""Load the curated HS code table (lumbung/export/hs_codes.py)."""

from django.db import migrations

from lumbung.export.hs_codes import HS_CODES


def load(apps, schema_editor):
    HsCode = apps.get_model("export", "HsCode")
    for code, desc_id, desc_en, desc_zh in HS_CODES:
        HsCode.objects.update_or_create(
            code=code,
            defaults={
                "chapter": code[:2],
                "description_id": desc_id,
                "description_en": desc_en,
                "description_zh": desc_zh,
            },
        )


def unload(apps, schema_editor):
    HsCode = apps.get_model("export", "HsCode")
    HsCode.objects.filter(code__in=[row[0] for row in HS_CODES]).delete()


class Migration(migrations.Migration):
    dependencies = [("export", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
