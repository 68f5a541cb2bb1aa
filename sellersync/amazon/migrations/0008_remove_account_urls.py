"""The account URL columns are gone: endpoints come from the account's environment (see 0007)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("amazon", "0007_account_environment"),
    ]

    operations = [
        migrations.RemoveField(model_name="amazonaccount", name="api_base_url"),
        migrations.RemoveField(model_name="amazonaccount", name="lwa_token_url"),
        migrations.AlterField(
            model_name="amazonaccount",
            name="seller_id",
            field=models.CharField(
                blank=True,
                help_text="Amazon's merchant token; filled in by Link with Amazon",
                max_length=40,
                verbose_name="seller id",
            ),
        ),
    ]
