from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from itcell.core.errors import ItcellError
from itcell.notifications.channels import DEFAULT_CHANNELS, get_channel
from itcell.notifications.models import Channel


@register()
def notification_channels_configured(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """A channel that cannot be built fails every push on it, silently for the sender."""
    configs = getattr(settings, "ITCELL_NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)
    messages: list[CheckMessage] = []
    for name in Channel.values:
        try:
            get_channel(name)
        except (ItcellError, TypeError) as error:  # TypeError: OPTIONS the class does not take
            messages.append(
                Error(
                    f"notification channel {name!r} cannot be built: {error}",
                    hint=f"fix ITCELL_NOTIFICATION_CHANNELS[{name!r}]: {configs.get(name)!r}",
                    id="notifications.E001",
                )
            )
    return messages
