from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def ist(value: datetime | None, fmt: str = "j M Y, H:i") -> str:
    """An instant as people in the cell read it: in IST, with the zone said."""
    if value is None:
        return "—"
    return f"{date_format(timezone.localtime(value), fmt)} IST"


@register.filter
def day(value: date | None) -> str:
    return "—" if value is None else date_format(value, "D, j M Y")
