from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "itcell.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        import logging

        from itcell.notifications import checks  # noqa: F401  (registers the system checks)
        from itcell.notifications.channels import HideBotToken

        logging.getLogger("httpx").addFilter(HideBotToken())
