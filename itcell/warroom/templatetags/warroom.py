from django import template

from itcell.monitoring.alerts import title_of
from itcell.monitoring.models import Alert
from itcell.warroom.measures import STAFFING_LABELS
from itcell.warroom.selectors import Staffing

register = template.Library()


@register.simple_tag
def staffing(value: Staffing) -> str:
    """Who answers for a constituency now, in words."""
    return str(STAFFING_LABELS[value])


@register.simple_tag
def alert_title(alert: Alert) -> str:
    """An alert's title as the monitoring inbox words it."""
    return str(title_of(alert))
