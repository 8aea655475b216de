"""System check: every configured connector builds. (A channel naming an alias that is not
configured fails its deliveries as misconfigured, with a notice to the desk.)"""

from typing import Any

from django.core.checks import Error, register

from itcell.core.errors import ItcellError
from itcell.publishing.connectors import configured, get_connector


@register()
def check_connectors(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for alias in configured():
        try:
            get_connector(alias)
        except ItcellError as exc:
            errors.append(Error(str(exc), id="publishing.E001", obj=alias))
    return errors
