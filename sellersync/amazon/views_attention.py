"""The "What needs attention" page, linked first from the admin home (see attention.py for what it lists)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sellersync.amazon.attention import SHIP_BY_WITHIN, needs_attention


@require_GET
@login_required
@permission_required("amazon.view_amazonorder", raise_exception=True)
def attention(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    context = {
        **admin.site.each_context(request),
        "title": _("What needs attention"),
        "attention": needs_attention(request.user),
        "ship_by_hours": int(SHIP_BY_WITHIN.total_seconds() // 3600),
        "now": now,
        "ship_by_until": now + SHIP_BY_WITHIN,
    }
    return render(request, "amazon/attention.html", context)
