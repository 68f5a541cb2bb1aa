"""Routes of the sales reporting dashboard (included under /dashboard/ by the root urls)."""

from django.urls import path

from sellersync.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/<slug:report>.csv", views.export_csv, name="export"),
]
