"""Platform connectors, chosen by settings like Django's EMAIL_BACKEND::

    ITCELL_CONNECTORS = {
        "mastodon": {"BACKEND": "itcell.publishing.connectors.mastodon.MastodonConnector",
                     "OPTIONS": {"timeout": 20}},
        ...
    }

A channel names its connector by alias. Without the setting, ``DEFAULT_CONNECTORS`` applies;
a system check (``publishing.checks``) refuses aliases that do not build.
"""

from functools import cache
from typing import Any

from django.conf import settings

from itcell.core.registry import build_backend
from itcell.publishing.connectors.base import BaseConnector
from itcell.publishing.errors import ConnectorError, Reason

_PACKAGE = "itcell.publishing.connectors"
DEFAULT_CONNECTORS: dict[str, dict[str, Any]] = {
    "sandbox": {"BACKEND": f"{_PACKAGE}.sandbox.SandboxConnector"},
    "manual": {"BACKEND": f"{_PACKAGE}.manual.ManualConnector"},
    "mastodon": {"BACKEND": f"{_PACKAGE}.mastodon.MastodonConnector"},
    "bluesky": {"BACKEND": f"{_PACKAGE}.bluesky.BlueskyConnector"},
    "telegram": {"BACKEND": f"{_PACKAGE}.telegram.TelegramConnector"},
    "facebook_page": {"BACKEND": f"{_PACKAGE}.facebook_page.FacebookPageConnector"},
    "x": {"BACKEND": f"{_PACKAGE}.x.XConnector"},
    "webhook": {"BACKEND": f"{_PACKAGE}.webhook.WebhookConnector"},
    "locmem": {"BACKEND": f"{_PACKAGE}.locmem.LocmemConnector"},
}


def configured() -> dict[str, dict[str, Any]]:
    return getattr(settings, "ITCELL_CONNECTORS", DEFAULT_CONNECTORS)


@cache
def _build(alias: str, backend: str, options: tuple[tuple[str, Any], ...]) -> BaseConnector:
    connector = build_backend({"BACKEND": backend, "OPTIONS": dict(options)})
    if not isinstance(connector, BaseConnector):
        raise ConnectorError(Reason.MISCONFIGURED, f"{backend} is not a connector")
    return connector


def get_connector(alias: str) -> BaseConnector:
    config = configured().get(alias)
    if config is None:
        raise ConnectorError(Reason.MISCONFIGURED, f"no connector {alias!r} in ITCELL_CONNECTORS")
    options = tuple(sorted(config.get("OPTIONS", {}).items()))
    return _build(alias, config["BACKEND"], options)


def connector_choices() -> list[tuple[str, str]]:
    return [(alias, alias) for alias in configured()]
