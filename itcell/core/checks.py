from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Warning, register


@register()
def hindi_translations_compiled(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """Without the compiled catalogue every screen silently falls back to English."""
    catalogue = Path(settings.LOCALE_PATHS[0]) / "hi" / "LC_MESSAGES" / "django.mo"
    if catalogue.exists():
        return []
    return [
        Warning("Hindi translations are not compiled", hint="run: make messages", id="itcell.W001")
    ]
