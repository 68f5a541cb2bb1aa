"""Accounts no longer carry URLs: each is Production (Amazon's hosts) or Sandbox (SPAPI_SANDBOX_URL).

An account whose SP-API endpoint or LWA token URL pointed anywhere but an https Amazon host becomes a
Sandbox account; the others (empty URLs or Amazon's) become Production. 0008 drops the URL columns
(separately: PostgreSQL refuses to alter a table with pending trigger events in one transaction).
"""

from urllib.parse import urlsplit

from django.db import migrations, models

AMAZON_DOMAIN = ".amazon.com"


def _is_amazon(url):
    if not url:
        return True
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and host.endswith(AMAZON_DOMAIN) and parts.port in (None, 443)


def classify_accounts(apps, schema_editor):
    AmazonAccount = apps.get_model("amazon", "AmazonAccount")
    for account in AmazonAccount.objects.only("pk", "api_base_url", "lwa_token_url"):
        amazon = _is_amazon(account.api_base_url) and _is_amazon(account.lwa_token_url)
        environment = "production" if amazon else "sandbox"
        AmazonAccount.objects.filter(pk=account.pk).update(environment=environment)


class Migration(migrations.Migration):
    dependencies = [
        ("amazon", "0006_order_audit"),
    ]

    operations = [
        migrations.AddField(
            model_name="amazonaccount",
            name="environment",
            field=models.CharField(
                choices=[("production", "Production (Amazon)"), ("sandbox", "Sandbox (local SP-API)")],
                default="production",
                help_text=(
                    "Production: Amazon's own endpoints of the region. Sandbox: the local SP-API sandbox that "
                    "the server's SPAPI_SANDBOX_URL points at."
                ),
                max_length=10,
                verbose_name="environment",
            ),
        ),
        migrations.RunPython(classify_accounts, migrations.RunPython.noop),
    ]
