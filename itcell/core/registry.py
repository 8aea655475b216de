"""A small registry for pluggable parts: rules, taggers, connectors, sources, periodic jobs.

Parts register themselves with a decorator when their module is imported; the code that uses
them takes the registry (or a plain dict) as an argument, so tests can pass their own::

    rules: Registry[RuleFunc] = Registry("compliance rule")

    @rules.register("R-SIL-2")
    def silence_period(...): ...
"""

from collections.abc import Callable, Iterator
from typing import Any

from django.utils.module_loading import import_string

from itcell.core.errors import ItcellError


class NotRegistered(ItcellError):
    pass


class Registry[T]:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def decorator(item: T) -> T:
            if name in self._items and self._items[name] is not item:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self._items[name] = item
            return item

        return decorator

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            raise NotRegistered(f"no {self.kind} is registered as {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))

    def items(self) -> list[tuple[str, T]]:
        return sorted(self._items.items())


def build_backend(config: dict[str, Any]) -> Any:
    """Build a backend from settings, as Django does for EMAIL_BACKEND and TASKS:
    ``{"BACKEND": "dotted.path.Class", "OPTIONS": {...}}`` → ``Class(**OPTIONS)``."""
    try:
        backend_class = import_string(config["BACKEND"])
    except (KeyError, ImportError) as exc:
        raise ItcellError(f"cannot load backend {config.get('BACKEND')!r}: {exc}") from exc
    return backend_class(**config.get("OPTIONS", {}))
