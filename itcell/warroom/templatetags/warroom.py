from collections.abc import Iterable

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from itcell.elections.templatetags.elections import STATUS_LABELS
from itcell.monitoring.alerts import title_of
from itcell.monitoring.models import Alert
from itcell.warroom.measures import STAFFING_LABELS
from itcell.warroom.selectors import Seat, Staffing

register = template.Library()


@register.simple_tag
def staffing(value: Staffing) -> str:
    """Who answers for a constituency now, in words."""
    return str(STAFFING_LABELS[value])


@register.simple_tag
def alert_title(alert: Alert) -> str:
    """An alert's title as the monitoring inbox words it."""
    return str(title_of(alert))


ROW = (
    '<tr data-ac="{number}"{own_class}><td>{number}</td>'
    '<td><a href="{panel}" hx-get="{panel}" hx-target="#panel" hx-push-url="false">{name}</a>'
    "{own_tag}</td><td>{district}</td><td>{phase}</td>"
    '<td><span class="status status-{status}">{status_label}</span></td>'
    '<td class="staffing-{staffing}">{staffed}{on_duty}</td><td>{posts_today}</td>'
    "<td>{posts_waiting}</td><td>{alerts_open}</td><td>{mentions}</td><td>{stance}</td></tr>\n"
)


@register.simple_tag
def seat_rows(seats: Iterable[Seat], panel_prefix: str) -> SafeString:
    """The seats table's rows, built here rather than by the template language: 243 rows of
    a dozen cells rendered as template nodes cost most of the table's time."""
    our_seat = format_html(' <span class="tag">{}</span>', _("our seat"))
    return format_html_join(
        "",
        ROW,
        (
            {
                "number": s.number,
                "own_class": SafeString(' class="own"') if s.own_seat else "",
                "panel": f"{panel_prefix}{s.number}/",
                "name": s.name,
                "own_tag": our_seat if s.own_seat else "",
                "district": s.district,
                "phase": s.phase,
                "status": s.status,
                "status_label": STATUS_LABELS.get(s.status, s.status),
                "staffing": s.staffing,
                "staffed": STAFFING_LABELS[s.staffing],
                "on_duty": f" ({s.on_duty})" if s.on_duty else "",
                "posts_today": s.posts_today,
                "posts_waiting": s.posts_waiting,
                "alerts_open": s.alerts_open,
                "mentions": s.mentions,
                "stance": "—" if s.stance is None else floatformat(s.stance, 2),
            }
            for s in seats
        ),
    )
