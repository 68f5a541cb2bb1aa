"""Root routing: the back office is the admin; apps add their own pages under their prefix."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from sellersync.core.views import set_language

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("amazon/", include("sellersync.amazon.urls")),
    path("dashboard/", include("sellersync.dashboard.urls")),
]
