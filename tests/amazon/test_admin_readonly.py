"""Derived fields are read-only in every admin form and inline: states, done and delivered quantities,
amounts, Amazon statuses and references change only through the services' transitions."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

#: Names of derived fields: written by services and synchronizers only.
DERIVED = re.compile(
    r"^(state|.*_state|status|.*_status|amount_.*|.*_amount|quantity_done|quantity_delivered|amount|total|"
    r"subtotal|residual|amazon_id|amazon_order_id|reference|name_sequence|sync_state|last_error|attempts|"
    r"payload|posted_at|done_at|feed_id|amazon_error)$"
)
#: Fields whose names look derived but are the user's input: a partner's address state (region), and the
#: lines of a manual journal entry while it is a draft (read-only once posted).
ALLOWED: dict[str, set[str]] = {
    "core.Partner": {"state"},
    "accounting.JournalEntry JournalLineInline": {"amount_currency"},
}


def _editable_fields(model_admin: Any, request: Any, obj: Any) -> set[str]:
    if not model_admin.has_change_permission(request, obj):
        return set()
    form = model_admin.get_form(request, obj, change=True)
    return set(form.base_fields)


def _inline_fields(model_admin: Any, request: Any, obj: Any) -> dict[str, set[str]]:
    found = {}
    for inline in model_admin.get_inline_instances(request, obj):
        if not inline.has_change_permission(request, obj) and not inline.has_add_permission(request, obj):
            continue
        formset = inline.get_formset(request, obj)
        found[type(inline).__name__] = set(formset.form.base_fields)
    return found


def test_no_admin_form_nor_inline_lets_a_derived_field_be_edited() -> None:
    request = RequestFactory().get("/")
    request.user = User.objects.create_superuser("root", "root@example.com", "x")
    offenders = []
    for model, model_admin in admin.site._registry.items():
        obj = model()
        allowed = ALLOWED.get(model._meta.label, set())
        editable = _editable_fields(model_admin, request, obj)
        offenders += [f"{model._meta.label}.{name}" for name in editable - allowed if DERIVED.match(name)]
        for inline, fields in _inline_fields(model_admin, request, obj).items():
            key = f"{model._meta.label} {inline}"
            offenders += [f"{key}.{name}" for name in fields - ALLOWED.get(key, set()) if DERIVED.match(name)]
    assert offenders == []


def test_posting_a_sales_order_form_with_a_changed_state_and_amounts_changes_nothing(
    admin_client: Any, confirmed_order: Any
) -> None:
    # given a confirmed order of 3 mugs at 9.90 and 2 lamps at 35.00 (99.70 before tax)
    from django.forms.models import model_to_dict
    from django.urls import reverse

    from sellersync.sales.models import SalesOrder

    url = reverse("admin:sales_salesorder_change", args=(confirmed_order.pk,))
    data = {key: ("" if value is None else value) for key, value in model_to_dict(confirmed_order).items()}
    data.update(
        state="canceled",
        amount_total="1.00",
        currency="USD",
        note="packed with care",
        order_date_0=f"{confirmed_order.order_date:%Y-%m-%d}",
        order_date_1=f"{confirmed_order.order_date:%H:%M:%S}",
        **{
            f"{prefix}-{key}": "0"
            for prefix in ("lines", "events")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
        _save="Save",
    )
    # when
    response = admin_client.post(url, data)
    assert response.status_code == 302
    # then the user's note is kept, the state, the amounts and the currency are not touched
    order = SalesOrder.objects.get(pk=confirmed_order.pk)
    assert (order.state, order.amount_untaxed, order.currency_id) == ("confirmed", Decimal("99.70"), "EUR")
    assert order.note == "packed with care"


def test_a_confirmed_order_keeps_its_customer_date_and_reference_and_cannot_be_deleted(
    admin_client: Any, confirmed_order: Any
) -> None:
    # given a confirmed order and its change page
    from django.forms.models import model_to_dict
    from django.urls import reverse

    from sellersync.sales.models import SalesOrder

    url = reverse("admin:sales_salesorder_change", args=(confirmed_order.pk,))
    page = admin_client.get(url).content.decode()
    assert reverse("admin:sales_salesorder_delete", args=(confirmed_order.pk,)) not in page
    before = SalesOrder.objects.values("partner_id", "order_date", "client_order_ref").get(
        pk=confirmed_order.pk
    )
    data = {key: ("" if value is None else value) for key, value in model_to_dict(confirmed_order).items()}
    data.update(
        client_order_ref="999-0000000-0000000",
        order_date_0="2020-01-01",
        order_date_1="00:00:00",
        note="gift",
        **{
            f"{prefix}-{key}": "0"
            for prefix in ("lines", "events")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
        _save="Save",
    )
    # when the form is posted with another reference and date, and the delete page is asked for
    assert admin_client.post(url, data).status_code == 302
    delete = admin_client.post(
        reverse("admin:sales_salesorder_delete", args=(confirmed_order.pk,)), {"post": "yes"}
    )
    # then only the note changed, and the order is still there
    after = SalesOrder.objects.values("partner_id", "order_date", "client_order_ref").get(
        pk=confirmed_order.pk
    )
    assert after == before and SalesOrder.objects.get(pk=confirmed_order.pk).note == "gift"
    assert delete.status_code == 403
