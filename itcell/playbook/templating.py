"""Post templates: text with ``{variables}`` that fill from reference data.

A template reads ``{candidate} से मिलिए, {ac} ({district})`` and fills, for a constituency and
a day, with the names in the text's language (Hindi names where the data has them, else
English). ``{{`` and ``}}`` write a literal brace. ``check`` says what is wrong with a text
before it is saved; ``render`` is pure; ``fill`` reads the reference data and renders.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itcell.core import clock
from itcell.core.clock import IST
from itcell.core.errors import InvalidInput, Problem
from itcell.elections.models import (
    ACPoll,
    AssemblyConstituency,
    Candidacy,
    Election,
    Party,
    SeatAllocation,
)


@dataclass(frozen=True)
class Variable:
    name: str
    description: Promise  # shown in the template form, in the reader's language
    needs_ac: bool = False  # fills only for a chosen constituency


VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable(
            "candidate",
            gettext_lazy("Our alliance's candidate in the constituency"),
            needs_ac=True,
        ),
        Variable(
            "party",
            gettext_lazy("The party of our alliance contesting the constituency (else our party)"),
        ),
        Variable("ac", gettext_lazy("The constituency's name"), needs_ac=True),
        Variable("ac_number", gettext_lazy("The constituency's number"), needs_ac=True),
        Variable("district", gettext_lazy("The constituency's district"), needs_ac=True),
        Variable("date", gettext_lazy("The day of the post (IST), written out")),
        Variable("poll_date", gettext_lazy("The constituency's poll day"), needs_ac=True),
        Variable("election", gettext_lazy("The election's name")),
    )
}

# ``{{`` and ``}}`` are literal braces, ``{name}`` a variable, any other brace is unbalanced.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def _known() -> str:
    return ", ".join(f"{{{name}}}" for name in VARIABLES)


def variables_in(text: str) -> list[str]:
    """The variable names a text uses, in order of first use (unknown ones included)."""
    names: list[str] = []
    for match in _TOKEN.finditer(text):
        name = match.group(1)
        if name is not None and name.strip() not in names:
            names.append(name.strip())
    return names


def check(text: str, *, field: str = "") -> list[Problem]:
    """What is wrong with a template text: unknown variables and unbalanced braces."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for match in _TOKEN.finditer(text):
        token, name = match.group(0), match.group(1)
        if name is not None:
            name = name.strip()
            if not name:
                problems.append(
                    Problem(
                        _("Empty braces at character %(at)d: write a variable, one of: %(known)s.")
                        % {"at": match.start() + 1, "known": _known()},
                        field=field,
                    )
                )
            elif name not in VARIABLES and name not in seen:
                seen.add(name)
                problems.append(
                    Problem(
                        _("Unknown variable {%(name)s}; use one of: %(known)s.")
                        % {"name": name, "known": _known()},
                        field=field,
                    )
                )
        elif token in ("{", "}"):
            problems.append(
                Problem(
                    _(
                        "Unbalanced “%(brace)s” at character %(at)d: a variable is written "
                        "{name}; write %(double)s for the brace itself."
                    )
                    % {"brace": token, "at": match.start() + 1, "double": token * 2},
                    field=field,
                )
            )
    return problems


def render(text: str, values: dict[str, str]) -> str:
    """``text`` with each variable replaced by its value. Pure; the text must pass ``check``
    and ``values`` hold every variable it uses."""

    def replace(match: re.Match[str]) -> str:
        token, name = match.group(0), match.group(1)
        if name is not None:
            return values[name.strip()]
        return token[0]

    return _TOKEN.sub(replace, text)


def written_date(on: date, language: str) -> str:
    """A day as a post writes it: "28 October 2020", "28 अक्टूबर 2020"."""
    with translation.override(language):
        return date_format(on, "j F Y")


def _name(thing: object, language: str) -> str:
    hindi = getattr(thing, "name_hi", "")
    english = getattr(thing, "name_en", "") or getattr(thing, "name", "")
    return hindi if language == "hi" and hindi else english


def alliance_candidate(*, election: Election, ac: AssemblyConstituency) -> Candidacy | None:
    """The candidate our alliance fields in ``ac``: the candidate of the alliance partner the
    seat was allocated to, else our own party's candidate there (no seat sharing known)."""
    own = election.own_party_id
    if own is None:
        return None
    seat = (
        SeatAllocation.objects.filter(election=election, ac=ac, alliance__parties=own)
        .values_list("party_id", flat=True)
        .first()
    )
    party_id = seat if seat is not None else own
    return (
        Candidacy.objects.filter(election=election, ac=ac, party_id=party_id)
        .select_related("party")
        .first()
    )


def values_for(
    names: list[str],
    *,
    election: Election,
    ac: AssemblyConstituency | None,
    on_date: date | datetime | None,
    language: str,
) -> dict[str, str]:
    """The values of ``names`` (known variables) from the reference data, in ``language``.
    Raises ``InvalidInput`` naming a variable that cannot be filled."""
    problems: list[Problem] = []
    values: dict[str, str] = {}
    needs_ac = [n for n in names if VARIABLES[n].needs_ac]
    if ac is None and needs_ac:
        raise InvalidInput(
            [
                Problem(
                    _("Choose a constituency: %(names)s fill from it.")
                    % {"names": ", ".join(f"{{{n}}}" for n in needs_ac)},
                    field="ac",
                )
            ]
        )
    candidacy = (
        alliance_candidate(election=election, ac=ac)
        if ac is not None and ({"candidate", "party"} & set(names))
        else None
    )
    for name in names:
        if name == "candidate":
            if candidacy is None:
                problems.append(
                    Problem(
                        _("Our alliance has no candidate in %(ac)s to fill {candidate}.")
                        % {"ac": f"{ac.number} {_name(ac, language)}" if ac else ""},
                        field="ac",
                    )
                )
            else:
                values[name] = (
                    candidacy.name_hi if language == "hi" and candidacy.name_hi else candidacy.name
                )
        elif name == "party":
            party: Party | None = candidacy.party if candidacy else election.own_party
            if party is None:
                problems.append(Problem(_("The election has no party of ours to fill {party}.")))
            else:
                values[name] = _name(party, language)
        elif name == "ac" and ac is not None:
            values[name] = _name(ac, language)
        elif name == "ac_number" and ac is not None:
            values[name] = str(ac.number)
        elif name == "district" and ac is not None:
            values[name] = _name(ac.district, language)
        elif name == "date":
            day = on_date or clock.today_ist()
            if isinstance(day, datetime):
                day = timezone.localtime(day, IST).date()
            values[name] = written_date(day, language)
        elif name == "poll_date" and ac is not None:
            poll = (
                ACPoll.objects.filter(election=election, ac=ac)
                .values_list("phase__poll_date", flat=True)
                .first()
            )
            if poll is None:
                problems.append(
                    Problem(_("%(ac)s has no poll day in this election.") % {"ac": ac.number})
                )
            else:
                values[name] = written_date(poll, language)
        elif name == "election":
            values[name] = _name(election, language)
    if problems:
        raise InvalidInput(problems)
    return values


def fill(
    template: str,
    *,
    election: Election,
    ac: AssemblyConstituency | None,
    on_date: date | datetime | None = None,
    language: str,
) -> str:
    """``template`` filled for ``ac`` on ``on_date`` (today in IST when not given), with names
    in ``language`` ("hi" or "en"). Raises ``InvalidInput`` when the text has an unknown
    variable or unbalanced braces, or a variable cannot be filled."""
    problems = check(template, field=f"text_{language}")
    if problems:
        raise InvalidInput(problems)
    names = variables_in(template)
    return render(
        template, values_for(names, election=election, ac=ac, on_date=on_date, language=language)
    )
