"""Builders for the compliance engine's table-driven tests (test_rules.py): a hand-built Bihar
2020 calendar (ECI-RULES.md §10) with a few constituencies per phase, one of them closing its
poll early (a Left-Wing-Extremism area), the names that point to them, and ``Case``: one row of
a rule table. Pure: no database."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from itcell.compliance import rules as _registers_the_rules  # noqa: F401
from itcell.compliance.engine import (
    AccountKind,
    Application,
    Book,
    Content,
    Context,
    Event,
    Finding,
    Medium,
    Places,
    PrintJob,
    Severity,
    Spend,
    evaluate,
)
from itcell.elections.calendar import Calendar, PhaseDates, Window

IST = ZoneInfo("Asia/Kolkata")
SECOND = timedelta(seconds=1)

BLOCK, HOLD, WARN, INFO = Severity.BLOCK, Severity.HOLD, Severity.WARN, Severity.INFO


def ist(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=IST)


# ---- Bihar 2020 ------------------------------------------------------------------------------

POLL_DAYS = {1: date(2020, 10, 28), 2: date(2020, 11, 3), 3: date(2020, 11, 7)}
PHASE_OF = {52: 1, 53: 1, 100: 2, 200: 3}
LWE_AC = 52  # phase 1, poll closes at 16:00, so its silence starts and ends two hours early


def close_of(ac: int) -> datetime:
    day = POLL_DAYS[PHASE_OF[ac]]
    return ist(day.year, day.month, day.day, 16 if ac == LWE_AC else 18)


MCC_FROM, MCC_UNTIL = ist(2020, 9, 25), ist(2020, 11, 10)
EXIT_POLL_FROM, EXIT_POLL_UNTIL = ist(2020, 10, 28, 7), ist(2020, 11, 7, 18, 30)

CALENDAR = Calendar(
    mcc=Window(MCC_FROM, MCC_UNTIL),
    exit_poll_ban=Window(EXIT_POLL_FROM, EXIT_POLL_UNTIL, includes_end=True),
    counting_date=date(2020, 11, 10),
    phases=tuple(
        PhaseDates(
            number=phase,
            poll_date=day,
            poll_opens_at=ist(day.year, day.month, day.day, 7),
            poll_closes_at=ist(day.year, day.month, day.day, 18),
        )
        for phase, day in POLL_DAYS.items()
    ),
    poll_close={ac: close_of(ac) for ac in PHASE_OF},
    phase_of=PHASE_OF,
    silence_period=timedelta(hours=48),
)

# R-SIL-1's windows written out, not computed (ECI-RULES.md §10): [poll close − 48 h, poll close).
SILENCE = {
    52: Window(ist(2020, 10, 26, 16), ist(2020, 10, 28, 16)),
    53: Window(ist(2020, 10, 26, 18), ist(2020, 10, 28, 18)),
    100: Window(ist(2020, 11, 1, 18), ist(2020, 11, 3, 18)),
    200: Window(ist(2020, 11, 5, 18), ist(2020, 11, 7, 18)),
}

CAMPAIGNING = ist(2020, 10, 10, 12)  # the code is in force, nobody is silent yet
PHASE_1_SILENT = ist(2020, 10, 27, 12)  # both phase-1 constituencies silent, 2 and 3 campaign
ONLY_LWE_SILENT = ist(2020, 10, 26, 17)  # 52 has fallen silent, 53 not yet
PHASE_3_SILENT = ist(2020, 11, 6, 12)

PLACES = Places(
    {
        "Belaganj": frozenset({52}),  # the early-closing constituency
        "Gaya": frozenset({52, 53}),  # a district wholly in phase 1
        "गया": frozenset({52, 53}),
        "Patna": frozenset({53, 100}),  # a district split between phases 1 and 2
        "Danapur": frozenset({100}),
        "Sunil Paswan": frozenset({53}),  # a candidate
    }
)

# The ceiling was raised by 10 % from 19 Oct 2020 (ECI-RULES.md §6).
BOOK = Book(ceilings=((date(2020, 9, 25), 2_800_000), (date(2020, 10, 19), 3_080_000)))
COVID_BOOK = replace(BOOK, covid_rules=True)


def context(at: datetime, book: Book = BOOK) -> Context:
    return Context(calendar=CALENDAR, at=at, book=book, places=PLACES)


# ---- subjects --------------------------------------------------------------------------------

PLAIN = "Jan Vikas Party: pakki sadak, bijli aur naukri har gaon tak."  # hits no family


def post(text: str = PLAIN, acs: tuple[int, ...] = (), **fields: Any) -> Content:
    values: dict[str, Any] = {"channel": "facebook", "handle": "@jvp_bihar"}
    return Content(text=text, target_acs=frozenset(acs), **(values | fields))


def tagged(tag: str, **fields: Any) -> Content:
    return post(**({"tags": frozenset({tag})} | fields))


def paid(**fields: Any) -> Content:
    return post(**({"is_paid": True, "spend_inr": 5_000} | fields))


def ai_image(**fields: Any) -> Medium:
    """A synthetic image done right: labelled, creator named, in the register."""
    values: dict[str, Any] = {
        "kind": "image",
        "synthetic": True,
        "label": "AI-Generated",
        "label_area_pct": 10,
        "creator_disclosed": True,
        "registered": True,
        "title": "Roads then and now",
    }
    return Medium(**(values | fields))


def ai_video(**fields: Any) -> Medium:
    return ai_image(**({"kind": "video", "label_position": "top_band"} | fields))


def ai_audio(**fields: Any) -> Medium:
    values = {"kind": "audio", "label_area_pct": None, "audio_label_first_pct": 10}
    return ai_image(**(values | fields))


def with_media(*media: Medium) -> Content:
    return post(media=media)


def spend(**fields: Any) -> Spend:
    values: dict[str, Any] = {
        "on": date(2020, 10, 12),
        "amount_inr": 20_000,
        "mode": "transfer",
        "category": "content",
        "vendor": "Pixel Works, Patna",
    }
    return Spend(**(values | fields))


def candidate_spend(on: date, total_inr: int) -> Spend:
    """A spend that brings the candidate's running total to ``total_inr``."""
    return spend(on=on, candidate="Sunil Paswan", spent_before_inr=total_inr - 20_000)


def print_job(**fields: Any) -> PrintJob:
    """Printed matter with everything in order."""
    values: dict[str, Any] = {
        "printer": "Maa Tara Press, Station Road, Gaya",
        "publisher": "R. Kumar, JVP office, Gaya",
        "declaration_on_file": True,
        "witnesses": 2,
    }
    return PrintJob(**(values | fields))


def print_ad(on: date, acs: tuple[int, ...] = (53,), **fields: Any) -> PrintJob:
    return print_job(**({"is_ad": True, "publish_on": on, "target_acs": frozenset(acs)} | fields))


def event(kind: str, starts_at: datetime = CAMPAIGNING, **fields: Any) -> Event:
    acs = frozenset(fields.pop("acs", ()))
    return Event(kind=kind, starts_at=starts_at, acs=acs, **fields)


def candidate_post(**fields: Any) -> Content:
    values: dict[str, Any] = {
        "account_kind": AccountKind.CANDIDATE,
        "candidate": "Sunil Paswan",
        "declared_handles": ("@SunilPaswanJVP",),
    }
    return post(**(values | fields))


def application(applicant: str, submitted_at: datetime, release_at: datetime) -> Application:
    return Application(applicant, submitted_at, release_at, district="Gaya")


# ---- one row of a rule table -----------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """``subject`` checked at ``at`` under ``book``: ``expect`` is what rule ``rule`` finds,
    gravest first (empty: nothing)."""

    rule: str
    subject: Any
    at: datetime
    expect: tuple[Severity, ...]
    book: Book = BOOK
    label: str = field(default="", compare=False)

    def all_findings(self) -> list[Finding]:
        return evaluate(self.subject, context(self.at, self.book))

    def findings(self) -> list[Finding]:
        return [f for f in self.all_findings() if f.rule == self.rule]


def case(
    label: str, rule: str, subject: Any, at: datetime, *expect: Severity, book: Book = BOOK
) -> Any:  # a pytest.param
    return pytest.param(Case(rule, subject, at, expect, book, label), id=f"{rule} {label}")


def around(
    label: str,
    rule: str,
    boundary: datetime,
    expect: tuple[Severity | None, Severity | None, Severity | None],
    subject: Any = None,
    *,
    make: Callable[[datetime], Any] | None = None,
    at: datetime | None = None,
    zone: tzinfo = IST,
) -> list[Any]:
    """Three rows, one second before ``boundary``, at it and one second after, expecting the
    severity (or None) given for each. The instant is when ``subject`` is checked or, for a
    rule that reads a time off its subject, what ``make(instant)`` builds (checked at ``at``).
    ``zone``: the time zone the instants are given in (the server's clock is UTC)."""
    rows = []
    offsets = (-SECOND, timedelta(0), SECOND)
    for offset, name, severity in zip(offsets, ("-1s", "at", "+1s"), expect, strict=True):
        instant = (boundary + offset).astimezone(zone)
        checked = make(instant) if make else subject
        expected = () if severity is None else (severity,)
        rows.append(case(f"{label} {name}", rule, checked, at or instant, *expected))
    return rows
