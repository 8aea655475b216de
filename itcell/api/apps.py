from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "itcell.api"
    label = "api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        from itcell.api import webhooks  # noqa: F401 (listens for the audit events it sends on)
