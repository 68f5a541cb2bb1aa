"""Seed the "Self Delivery" carrier: what to tell Amazon when the seller delivers the goods themselves."""

from django.db import migrations


def seed(apps, schema_editor):
    Carrier = apps.get_model("stock", "Carrier")
    if not Carrier.objects.filter(name__iexact="Self Delivery").exists():
        Carrier.objects.create(name="Self Delivery", is_self_delivery=True)


class Migration(migrations.Migration):
    dependencies = [("stock", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
