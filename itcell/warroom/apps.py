from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarroomConfig(AppConfig):
    name = "itcell.warroom"
    label = "warroom"
    verbose_name = _("War room")
