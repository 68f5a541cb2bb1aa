"""Seed the currencies of Amazon's marketplaces (ISO 4217 code, name, minor-unit decimals)."""

from django.db import migrations

CURRENCIES = [
    ("AED", "UAE Dirham", 2),
    ("AUD", "Australian Dollar", 2),
    ("BRL", "Brazilian Real", 2),
    ("CAD", "Canadian Dollar", 2),
    ("CHF", "Swiss Franc", 2),
    ("CNY", "Chinese Yuan", 2),
    ("EGP", "Egyptian Pound", 2),
    ("EUR", "Euro", 2),
    ("GBP", "Pound Sterling", 2),
    ("INR", "Indian Rupee", 2),
    ("JPY", "Yen", 0),
    ("MXN", "Mexican Peso", 2),
    ("PLN", "Zloty", 2),
    ("SAR", "Saudi Riyal", 2),
    ("SEK", "Swedish Krona", 2),
    ("SGD", "Singapore Dollar", 2),
    ("TRY", "Turkish Lira", 2),
    ("USD", "US Dollar", 2),
    ("ZAR", "Rand", 2),
]


def seed(apps, schema_editor):
    Currency = apps.get_model("core", "Currency")
    for code, name, decimal_places in CURRENCIES:
        Currency.objects.get_or_create(code=code, defaults={"name": name, "decimal_places": decimal_places})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
