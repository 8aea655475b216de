from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "itcell.publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from itcell.publishing import checks  # noqa: F401  (registers the system check)
