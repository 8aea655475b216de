from django import template
from django.utils.translation import gettext_lazy as _

from itcell.elections.calendar import ACStatus, PhaseStatus

register = template.Library()

STATUS_LABELS = {
    ACStatus.CAMPAIGNING: _("campaigning"),
    ACStatus.SILENT: _("silent"),
    ACStatus.POLLED: _("polled"),
    PhaseStatus.UPCOMING: _("upcoming"),
}


@register.inclusion_tag("elections/_status.html")
def status(value: ACStatus | PhaseStatus) -> dict[str, object]:
    """A constituency's or phase's state in the silence calendar, as a labelled badge."""
    return {"value": value, "label": STATUS_LABELS.get(value, value)}
