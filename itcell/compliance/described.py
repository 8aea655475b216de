"""A post described in JSON (``itcell compliance check FILE.json`` and the API): parsed into
an ``engine.Content``, with every problem named by its field. Times without a zone are IST.

    {"text": "...", "channel": "x", "handle": "@party_bihar", "target_acs": [52],
     "scheduled_at": "2020-11-06T10:00", "is_paid": false, "tags": ["poll_result"],
     "media": [{"kind": "video", "synthetic": true, "label": "AI-Generated", ...}]}
"""

from dataclasses import fields
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from itcell.compliance.engine import AccountKind, Content, Medium
from itcell.core.clock import IST
from itcell.core.errors import InvalidInput, Problem

MEDIUM_FIELDS = {f.name: f.type for f in fields(Medium)}


def _instant(value: Any, field: str, problems: list[Problem], source: str) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem(_("Not a date and time (ISO 8601)."), source, field=field))
        return None
    if not 1 < at.year < 9999:  # the rules count days either side, past what datetime holds
        problems.append(Problem(_("Not a year of an election."), source, field=field))
        return None
    return at if at.tzinfo else at.replace(tzinfo=IST)


def _typed(value: Any, kind: type, field: str, problems: list[Problem], source: str) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        problems.append(
            Problem(_("Expected %(kind)s.") % {"kind": kind.__name__}, source, field=field)
        )
        return None
    return value


def parse(data: Any, source: str = "JSON") -> Content:
    """``data`` (a decoded JSON object) as Content; ``InvalidInput`` naming each bad field."""
    if not isinstance(data, dict):
        raise InvalidInput([Problem(_("Expected a JSON object."), source)])
    problems: list[Problem] = []
    known = {f.name for f in fields(Content)}
    for name in sorted(set(data) - known):
        problems.append(Problem(_("Unknown field."), source, field=name))
    values: dict[str, Any] = {}
    simple = {
        "text": str, "channel": str, "handle": str, "candidate": str, "is_paid": bool,
        "spend_inr": int, "certificate": str, "certified_hash": str, "content_hash": str,
        "claim_sources": int, "statewide": bool, "notices_on_handle": int,
    }  # fmt: skip
    for name, kind in simple.items():
        if name in data:
            values[name] = _typed(data[name], kind, name, problems, source)
    if not isinstance(data.get("text"), str):
        problems.append(Problem(_("Give the post's text."), source, field="text"))
    if "scheduled_at" in data:
        values["scheduled_at"] = _instant(data["scheduled_at"], "scheduled_at", problems, source)
    if "account_kind" in data:
        try:
            values["account_kind"] = AccountKind(data["account_kind"])
        except ValueError:
            choices = ", ".join(k.value for k in AccountKind)
            problems.append(
                Problem(
                    _("One of: %(choices)s.") % {"choices": choices}, source, field="account_kind"
                )
            )
    for name, item_kind in (("target_acs", int), ("tags", str), ("declared_handles", str)):
        items = data.get(name, [])
        if not isinstance(items, list) or not all(
            isinstance(i, item_kind) and not isinstance(i, bool) for i in items
        ):
            problems.append(
                Problem(
                    _("Expected a list of %(kind)s.") % {"kind": item_kind.__name__},
                    source,
                    field=name,
                )
            )
        else:
            values[name] = tuple(items) if name == "declared_handles" else frozenset(items)
    values["media"] = tuple(_media(data.get("media", []), problems, source))
    if problems:
        raise InvalidInput(problems)
    return Content(**{k: v for k, v in values.items() if v is not None})


def _media(items: Any, problems: list[Problem], source: str) -> list[Medium]:
    if not isinstance(items, list):
        problems.append(Problem(_("Expected a list."), source, field="media"))
        return []
    media = []
    for index, item in enumerate(items):
        where = f"media[{index}]"
        if not isinstance(item, dict) or "kind" not in item:
            problems.append(Problem(_("Expected an object with a kind."), source, field=where))
            continue
        values: dict[str, Any] = {}
        for name, value in item.items():
            kind = MEDIUM_FIELDS.get(name)
            if kind is None:
                problems.append(Problem(_("Unknown field."), source, field=f"{where}.{name}"))
            elif name == "people_without_consent":
                values[name] = tuple(value) if isinstance(value, list) else ()
            else:
                base = kind if kind in (str, bool) else float
                values[name] = _typed(value, base, f"{where}.{name}", problems, source)
        media.append(Medium(**values))
    return media
