from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AmazonConfig(AppConfig):
    name = "sellersync.amazon"
    label = "amazon"
    verbose_name = _("Amazon")

    def ready(self) -> None:
        # Huey discovers `tasks` modules only; the stock tasks live beside them and register on import.
        from sellersync.amazon import tasks_books, tasks_stock  # noqa: F401
