from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "itcell.monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from itcell.monitoring.sources import checks  # noqa: F401  (registers the system check)
