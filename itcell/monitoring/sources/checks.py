"""System check: every alias in MONITORING_SOURCES names a class that loads and is a source
backend. (Options of one source are checked when it is created: ``services.create_source``.)"""

from typing import Any

from django.core.checks import Error, register

from itcell.monitoring.errors import MonitoringError
from itcell.monitoring.sources import backend_class, configured


@register()
def check_sources(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for alias, config in configured().items():
        if not isinstance(config, dict) or not isinstance(config.get("OPTIONS", {}), dict):
            errors.append(
                Error(
                    "MONITORING_SOURCES entries are a dotted path or "
                    '{"BACKEND": path, "OPTIONS": {...}}',
                    id="monitoring.E001",
                    obj=alias,
                )
            )
            continue
        try:
            backend_class(alias)
        except MonitoringError as exc:
            errors.append(Error(str(exc), id="monitoring.E001", obj=alias))
    return errors
