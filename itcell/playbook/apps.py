from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlaybookConfig(AppConfig):
    name = "itcell.playbook"
    verbose_name = _("Playbook")

    def ready(self) -> None:
        from itcell.playbook import checks  # noqa: F401  (registers the playbook screener)
