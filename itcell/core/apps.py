from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "itcell.core"
    label = "core"
    verbose_name = "itcell core"

    def ready(self) -> None:
        from itcell.core import checks  # noqa: F401  (registers the system checks)
