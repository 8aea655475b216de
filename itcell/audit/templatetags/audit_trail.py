import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def pretty_json(value: Any) -> str:
    """An event's before or after, indented for reading (escaped by the template)."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
