from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "itcell.compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        from itcell.compliance import rules, screener  # noqa: F401  (register rules, screener)
