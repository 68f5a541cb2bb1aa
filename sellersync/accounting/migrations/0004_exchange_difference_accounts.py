"""Give companies whose chart already exists the two exchange difference accounts of the default chart.

New companies get them from `services.create_default_chart`. A company that already uses the code for an
account of its own gets the first free code after it (4801, 4802...), so nothing of the user is changed.
"""

from django.db import migrations

ACCOUNTS = (
    ("exchange_gain", "4800", "Exchange gains", "income"),
    ("exchange_loss", "6800", "Exchange losses", "expense"),
)


def _free_code(Account, company_id, code):
    candidate = int(code)
    while Account.objects.filter(company_id=company_id, code=str(candidate)).exists():
        candidate += 1
    return str(candidate)


def add_exchange_accounts(apps, schema_editor):
    Account = apps.get_model("accounting", "Account")
    company_ids = Account.objects.values_list("company_id", flat=True).distinct()
    for company_id in company_ids:
        for role, code, name, kind in ACCOUNTS:
            if Account.objects.filter(company_id=company_id, role=role).exists():
                continue
            Account.objects.create(
                company_id=company_id,
                role=role,
                code=_free_code(Account, company_id, code),
                name=name,
                kind=kind,
                reconcilable=False,
            )


class Migration(migrations.Migration):
    dependencies = [("accounting", "0003_exchange_rates")]

    operations = [migrations.RunPython(add_exchange_accounts, migrations.RunPython.noop)]
