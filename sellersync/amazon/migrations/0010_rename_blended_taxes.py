"""Blended taxes of earlier versions ("Amazon 19.1% incl.") become the real ones ("DE VAT 19 % incl."):
only tax references change, never an amount (see amazon/sync/tax_renaming.py)."""

from django.db import migrations


def rename(apps, schema_editor):
    from sellersync.amazon.sync.tax_renaming import rename_blended_taxes

    rename_blended_taxes(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("amazon", "0009_settlement_fee_bill"),
        ("accounting", "0006_invoice_vat_number_check"),
        ("sales", "0001_initial"),
        ("core", "0004_tax_rate_optional"),
    ]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
