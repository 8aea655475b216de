"""Monitoring source backends, chosen by settings like Django's EMAIL_BACKEND::

    MONITORING_SOURCES = {
        "rss": {"BACKEND": "itcell.monitoring.sources.rss.RSSSource", "OPTIONS": {"timeout": 20}},
        "replay": "itcell.monitoring.sources.replay.ReplaySource",   # no options: the path alone
    }

A ``Source`` row names its backend by alias and carries its own options (a feed's address);
``open_source`` builds the backend with the setting's options overlaid by the source's. A
system check (``sources.checks``) refuses aliases whose class does not load.

Options that are secrets (a bot token, an API key) are stored sealed, with the key that seals
channel credentials (``publishing.crypto``): ``seal_secrets`` before a source is saved, opened
only when the backend is built, so neither the database nor the audit trail holds them in
clear.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from itcell.monitoring.errors import Misconfigured
from itcell.monitoring.sources.base import Batch, RawItem, SourceBackend
from itcell.publishing.crypto import open_sealed, seal

__all__ = ["Batch", "RawItem", "SourceBackend", "configured", "open_source", "seal_secrets"]

#: Options never stored or recorded in clear.
SECRET_OPTIONS = frozenset({"token", "api_key", "access_token"})

_PACKAGE = "itcell.monitoring.sources"
DEFAULT_SOURCES: dict[str, Any] = {
    "rss": f"{_PACKAGE}.rss.RSSSource",
    "file_import": f"{_PACKAGE}.file_import.FileImportSource",
    "replay": f"{_PACKAGE}.replay.ReplaySource",
    "locmem": f"{_PACKAGE}.locmem.LocmemSource",
}


def configured() -> dict[str, dict[str, Any]]:
    """Every alias as ``{"BACKEND": path, "OPTIONS": {...}}`` (a bare path is shorthand)."""
    raw: Mapping[str, Any] = getattr(settings, "MONITORING_SOURCES", DEFAULT_SOURCES)
    return {
        alias: {"BACKEND": config, "OPTIONS": {}} if isinstance(config, str) else config
        for alias, config in raw.items()
    }


def backend_class(alias: str) -> type[SourceBackend]:
    config = configured().get(alias)
    if config is None:
        raise Misconfigured(
            _("no source backend %(alias)r in MONITORING_SOURCES (known: %(known)s)")
            % {"alias": alias, "known": ", ".join(sorted(configured()))}
        )
    try:
        cls = import_string(config["BACKEND"])
    except (KeyError, ImportError) as exc:
        raise Misconfigured(
            _("cannot load %(backend)r: %(error)s")
            % {"backend": config.get("BACKEND"), "error": exc}
        ) from exc
    if not (isinstance(cls, type) and issubclass(cls, SourceBackend)):
        raise Misconfigured(_("%(backend)s is not a source backend") % {"backend": cls})
    return cls


def open_source(alias: str, options: Mapping[str, Any] | None = None) -> SourceBackend:
    """The backend for one source: the alias's class, built with the setting's options
    overlaid by the source's own."""
    cls = backend_class(alias)
    if options is not None and not isinstance(options, Mapping):
        raise Misconfigured(_('the options must be a JSON object: {"name": value, ...}'))
    merged = {**configured()[alias].get("OPTIONS", {}), **_opened(options or {})}
    try:
        return cls(**merged)
    except TypeError as exc:  # an unknown or missing option
        raise Misconfigured(
            _("the options do not fit the %(alias)s backend: %(error)s")
            % {"alias": alias, "error": exc}
        ) from exc


def backend_choices() -> list[tuple[str, str]]:
    return [(alias, alias) for alias in configured()]


def seal_secrets(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options as they are stored: each secret replaced by ``{"sealed": ...}``."""
    return {
        name: {"sealed": seal({name: value})}
        if name in SECRET_OPTIONS and isinstance(value, str) and value
        else value
        for name, value in options.items()
    }


def _opened(options: Mapping[str, Any]) -> dict[str, Any]:
    opened = {}
    for name, value in options.items():
        if isinstance(value, Mapping) and set(value) == {"sealed"}:
            try:
                value = open_sealed(str(value["sealed"]))[name]
            except (ImproperlyConfigured, KeyError) as exc:
                raise Misconfigured(
                    _(
                        "the %(option)s option cannot be opened (the server's keys changed): "
                        "set it again"
                    )
                    % {"option": name}
                ) from exc
        opened[name] = value
    return opened
