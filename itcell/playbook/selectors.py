"""Reads of the playbook for its screens and the composer. Everyone who may see the election
reads the whole playbook, so these take the election and check nothing; the views ask.

``compare`` and ``word_diff`` are pure: what changed between two versions of a point.
"""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from itcell.elections.models import ACPoll, Election
from itcell.organisation.models import Desk
from itcell.playbook.models import (
    CalendarDay,
    Guidance,
    PostTemplate,
    Revision,
    TalkingPoint,
    Theme,
)

R = Revision.State


# Themes, points, guidance, templates ----------------------------------------------------------


def list_themes(*, election: Election) -> list[Theme]:
    """The themes, each with its active points (``theme.points``)."""
    points = TalkingPoint.objects.filter(is_active=True).order_by("title_en")
    return list(
        Theme.objects.filter(election=election).prefetch_related(
            Prefetch("talking_points", queryset=points, to_attr="points")
        )
    )


def list_points_without_theme(*, election: Election) -> list[TalkingPoint]:
    return list(TalkingPoint.objects.filter(election=election, theme=None, is_active=True))


def list_points_by_theme(*, election_id: int) -> list[tuple[str, list[TalkingPoint]]]:
    """Active points grouped under their theme's title (themes in order; the unthemed last),
    for a grouped select."""
    points = TalkingPoint.objects.filter(election_id=election_id, is_active=True)
    groups: dict[int | None, list[TalkingPoint]] = defaultdict(list)
    for point in points.order_by("title_en"):
        groups[point.theme_id].append(point)
    themes = Theme.objects.filter(election_id=election_id, pk__in=[k for k in groups if k])
    result = [(theme.title, groups[theme.pk]) for theme in themes]
    if groups.get(None):
        result.append((str(gettext_lazy("Other points")), groups[None]))
    return result


def get_point(*, election: Election, point_id: int) -> TalkingPoint:
    point = (
        TalkingPoint.objects.filter(election=election, pk=point_id).select_related("theme").first()
    )
    if point is None:
        raise Http404
    return point


def list_guidance(*, election: Election) -> dict[str, list[Guidance]]:
    """Every line of guidance by kind, in the order of ``Guidance.Kind``."""
    grouped: dict[str, list[Guidance]] = {kind: [] for kind in Guidance.Kind.values}
    for line in Guidance.objects.filter(election=election):
        grouped[line.kind].append(line)
    return grouped


def get_guidance(*, election: Election, guidance_id: int) -> Guidance:
    line = Guidance.objects.filter(election=election, pk=guidance_id).first()
    if line is None:
        raise Http404
    return line


def get_theme(*, election: Election, theme_id: int) -> Theme:
    theme = Theme.objects.filter(election=election, pk=theme_id).first()
    if theme is None:
        raise Http404
    return theme


def list_templates(*, election: Election, active_only: bool = False) -> QuerySet[PostTemplate]:
    templates = PostTemplate.objects.filter(election=election).select_related("talking_point")
    return templates.filter(is_active=True) if active_only else templates


def get_template(
    *, election: Election, template_id: int, active_only: bool = False
) -> PostTemplate:
    template = list_templates(election=election, active_only=active_only).filter(pk=template_id)
    found = template.first()
    if found is None:
        raise Http404
    return found


# The calendar ---------------------------------------------------------------------------------


@dataclass
class Day:
    date: date
    is_today: bool
    entries: list[CalendarDay] = field(default_factory=list)  # every phase first, then by phase


def list_days(*, election: Election, start: date, days: int = 14, today: date) -> list[Day]:
    """The calendar from ``start`` for ``days`` days, empty days included."""
    end = start + timedelta(days=days - 1)
    rows = (
        CalendarDay.objects.filter(election=election, date__range=(start, end))
        .select_related("theme", "phase")
        .order_by("date", "phase__number")
    )
    by_date: dict[date, list[CalendarDay]] = defaultdict(list)
    for row in rows:
        by_date[row.date].append(row)
    for entries in by_date.values():
        entries.sort(key=lambda d: (d.phase is not None, d.phase.number if d.phase else 0))
    return [
        Day(
            start + timedelta(days=n),
            start + timedelta(days=n) == today,
            by_date[start + timedelta(days=n)],
        )
        for n in range(days)
    ]


def get_day(*, election: Election, day_id: int) -> CalendarDay:
    day = CalendarDay.objects.filter(election=election, pk=day_id).select_related("theme").first()
    if day is None:
        raise Http404
    return day


def desk_phases(desk: Desk) -> set[int]:
    """The phases in which the desk's constituencies vote."""
    return set(
        ACPoll.objects.filter(election_id=desk.election_id, ac__in=desk.acs.all()).values_list(
            "phase__number", flat=True
        )
    )


def list_themes_of_day(
    *, election: Election, on: date, phases: set[int] | None = None
) -> list[CalendarDay]:
    """The day's themes: for every phase, and for each of ``phases`` (all when None)."""
    rows = CalendarDay.objects.filter(election=election, date=on).select_related("theme", "phase")
    return [
        row
        for row in rows.order_by("phase__number")
        if row.phase is None or phases is None or row.phase.number in phases
    ]


# Revisions and versions -----------------------------------------------------------------------

LABELS: dict[str, Promise] = {
    "title_en": gettext_lazy("Title (English)"),
    "title_hi": gettext_lazy("Title (Hindi)"),
    "summary_en": gettext_lazy("Summary (English)"),
    "summary_hi": gettext_lazy("Summary (Hindi)"),
    "facts": gettext_lazy("Facts and sources"),
    "theme_id": gettext_lazy("Theme"),
}

_WORDS = re.compile(r"\s+|\S+\s*")  # a word with the space after it


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``old`` → ``new`` word by word: ("same" | "del" | "ins", text) pieces in reading order."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("ins", "".join(b[j1:j2])))
    return pieces


def facts_text(facts: list[dict[str, str]]) -> str:
    return "\n".join(
        " · ".join(
            part
            for part in (f.get("fact_en", ""), f.get("fact_hi", ""), f.get("source", ""))
            if part
        )
        for f in facts
    )


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str
    pieces: list[tuple[str, str]]


def compare(
    old: dict[str, Any] | None, new: dict[str, Any], themes: dict[int, str]
) -> list[Change]:
    """The fields that differ between two versions of a point (``old`` None: every field
    the first version filled)."""

    def shown(values: dict[str, Any] | None, name: str) -> str:
        if values is None:
            return ""
        value = values.get(name)
        if name == "facts":
            return facts_text(value or [])
        if name == "theme_id":
            return themes.get(value, "") if value else ""
        return str(value or "")

    changes = []
    for name, label in LABELS.items():
        before, after = shown(old, name), shown(new, name)
        if before != after:
            changes.append(Change(name, str(label), before, after, word_diff(before, after)))
    return changes


def _fields(thing: TalkingPoint | Revision) -> dict[str, Any]:
    return {name: getattr(thing, name) for name in LABELS}


def _theme_titles(election_id: int) -> dict[int, str]:
    return {t.pk: t.title for t in Theme.objects.filter(election_id=election_id)}


@dataclass(frozen=True)
class Version:
    revision: Revision
    changes: list[Change]


def list_versions(*, point: TalkingPoint) -> list[Version]:
    """The point's approved versions, newest first, each with what it changed."""
    revisions = list(
        Revision.objects.filter(talking_point=point, state=R.APPROVED, version__isnull=False)
        .select_related("author", "reviewer")
        .order_by("version")
    )
    themes = _theme_titles(point.election_id)
    versions, previous = [], None
    for revision in revisions:
        current = _fields(revision)
        versions.append(Version(revision, compare(previous, current, themes)))
        previous = current
    return versions[::-1]


def get_version(*, point: TalkingPoint, version: int) -> Revision:
    revision = Revision.objects.filter(
        talking_point=point, state=R.APPROVED, version=version
    ).first()
    if revision is None:
        raise Http404
    return revision


@dataclass(frozen=True)
class Proposal:
    """A revision waiting for review, beside the point as it stands."""

    revision: Revision
    changes: list[Change]
    is_stale: bool  # the point changed since it was written


def list_waiting(*, election: Election) -> list[Proposal]:
    revisions = (
        Revision.objects.filter(election=election, state=R.PROPOSED)
        .select_related("talking_point", "author", "theme")
        .order_by("created_at")
    )
    themes = _theme_titles(election.pk)
    return [
        Proposal(
            revision,
            compare(
                _fields(revision.talking_point) if revision.talking_point else None,
                _fields(revision),
                themes,
            ),
            revision.talking_point is not None
            and revision.based_on != revision.talking_point.version,
        )
        for revision in revisions
    ]


def count_waiting(*, election: Election) -> int:
    return Revision.objects.filter(election=election, state=R.PROPOSED).count()


def list_revisions_of(*, point: TalkingPoint, states: list[str]) -> list[Revision]:
    return list(
        Revision.objects.filter(talking_point=point, state__in=states)
        .select_related("author", "reviewer")
        .order_by("-created_at")
    )


def get_revision(*, election: Election, revision_id: int) -> Revision:
    revision = (
        Revision.objects.filter(election=election, pk=revision_id)
        .select_related("talking_point", "author")
        .first()
    )
    if revision is None:
        raise Http404
    return revision


def list_my_revisions(*, election: Election, author_id: int) -> list[Revision]:
    """What a person proposed lately, decided or not (newest first)."""
    return list(
        Revision.objects.filter(election=election, author_id=author_id)
        .select_related("talking_point", "reviewer")
        .order_by("-created_at")[:20]
    )
