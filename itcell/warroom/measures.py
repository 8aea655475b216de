"""What the map can be coloured by: each measure's label, how its values read (a count, a
share from against to for, or categories with their colours), and a seat's values as the
JSON the map polls. Pure: seats in, plain values out."""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from itcell.elections.calendar import ACStatus
from itcell.elections.templatetags.elections import STATUS_LABELS
from itcell.warroom.selectors import Seat, Staffing


@dataclass(frozen=True)
class Measure:
    key: str
    label: Promise
    kind: str  # "count" (more is darker), "share" (−1 against to +1 for) or "category"
    categories: tuple[tuple[str, Promise, str], ...] = ()  # (value, label, colour)


STAFFING_LABELS = {
    Staffing.AC: _("own desk on duty"),
    Staffing.DISTRICT: _("district desk answers"),
    Staffing.HQ: _("only HQ answers"),
    Staffing.NONE: _("nobody on duty"),
}

MEASURES = (
    Measure(
        "staffing",
        _("Desk on duty now"),
        "category",
        (
            (Staffing.AC, STAFFING_LABELS[Staffing.AC], "#1e6b34"),
            (Staffing.DISTRICT, STAFFING_LABELS[Staffing.DISTRICT], "#8fc26a"),
            (Staffing.HQ, STAFFING_LABELS[Staffing.HQ], "#f0b400"),
            (Staffing.NONE, STAFFING_LABELS[Staffing.NONE], "#c0392b"),
        ),
    ),
    Measure("posts_today", _("Posts published today"), "count"),
    Measure("posts_waiting", _("Posts waiting for review"), "count"),
    Measure("alerts_open", _("Open alerts"), "count"),
    Measure("mentions", _("Mentions, last 24 hours"), "count"),
    Measure("stance", _("Stance of mentions, last 24 hours"), "share"),
    Measure(
        "status",
        _("Silence window"),
        "category",
        (
            (ACStatus.CAMPAIGNING, STATUS_LABELS[ACStatus.CAMPAIGNING], "#1e6b34"),
            (ACStatus.SILENT, STATUS_LABELS[ACStatus.SILENT], "#9a2c00"),
            (ACStatus.POLLED, STATUS_LABELS[ACStatus.POLLED], "#8a8a94"),
        ),
    ),
    Measure("phase", _("Phase"), "category"),  # one category per phase: see ``legend``
    Measure(
        "own",
        _("Our seats"),
        "category",
        (("yes", _("our party's seat"), "#0b5394"), ("no", _("an ally's seat"), "#cfd8e3")),
    ),
)
MEASURE_KEYS = frozenset(m.key for m in MEASURES)


#: Phases' colours, in order (an election with more phases than colours reuses them).
PHASE_COLOURS = ("#0b5394", "#6fa8dc", "#b4a7d6", "#e69138", "#93c47d", "#c27ba0", "#76a5af")


def _phases(numbers: list[int]) -> tuple[tuple[str, Promise, str], ...]:
    return tuple(
        (str(n), format_lazy(_("Phase {n}"), n=n), PHASE_COLOURS[i % len(PHASE_COLOURS)])
        for i, n in enumerate(numbers)
    )


def legend(*, phases: list[int]) -> list[dict[str, Any]]:
    """The measures as the map's script reads them (labels in the active language)."""
    return [
        {
            "key": m.key,
            "label": str(m.label),
            "kind": m.kind,
            "categories": [
                {"value": str(value), "label": str(label), "colour": colour}
                for value, label, colour in (_phases(phases) if m.key == "phase" else m.categories)
            ],
        }
        for m in MEASURES
    ]


def strings() -> dict[str, str]:
    """The words the map's script writes into the legend, in the active language."""
    return {
        "outside": str(_("outside your area")),
        "noStance": str(_("no stance yet")),
        "against": str(_("mostly against")),
        "mixed": str(_("mixed")),
        "for": str(_("mostly for")),
        "zero": str(_("none")),
    }


def as_json(seats: list[Seat]) -> dict[str, dict[str, Any]]:
    """Each seat's values by measure, keyed by constituency number (no clock time: the
    body changes only when a value does, so its hash is the ETag)."""
    return {
        str(s.number): {
            "staffing": s.staffing.value,
            "on_duty": s.on_duty,
            "posts_today": s.posts_today,
            "posts_waiting": s.posts_waiting,
            "alerts_open": s.alerts_open,
            "mentions": s.mentions,
            "mentions_for": s.mentions_for,
            "mentions_against": s.mentions_against,
            "stance": s.stance,
            "status": s.status.value,
            "phase": str(s.phase),
            "own": "yes" if s.own_seat else "no",
        }
        for s in seats
    }
