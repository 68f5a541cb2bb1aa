"""Routes of the sales reporting dashboard (included under /dashboard/ by the root urls)."""

from django.urls import path

from sellersync.dashboard import vat, views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/<slug:report>.csv", views.export_csv, name="export"),
    path("vat/", vat.vat_page, name="vat"),
    path("vat.csv", vat.vat_csv, name="vat_csv"),
]
