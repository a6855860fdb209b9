"""The default fee rule a new platform starts with: 5% platform fee, 3% to a centre that helped.

Platform admins add newer rules (per category, or a new default) in the admin; this one stays as
the record of what early orders paid."""

from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    FeeRule = apps.get_model("orders", "FeeRule")
    if not FeeRule.objects.filter(category__isnull=True).exists():
        FeeRule.objects.create(
            category=None,
            platform_fee_percent=Decimal("5.00"),
            centre_commission_percent=Decimal("3.00"),
            valid_from="2024-01-01T00:00:00Z",
            note="Default at launch",
        )


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_settlement_currency")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
