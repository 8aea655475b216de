"""The compliance engine: the Election Commission's rules (``../shared/ECI-RULES.md``) as pure
functions. Plain values in (a snapshot of what is checked, the election's calendar, its rule
book, the instant), findings out; no ORM, no network, no clock.

A rule is registered under its ECI-RULES.md id for one kind of *subject*:

    @rule("R-SIL-2", Content, source=S126)
    def silence(content: Content, ctx: Context) -> Iterator[Found]:
        ...
        yield Found(Severity.BLOCK, say(_("... %(until)s ..."), until=...), until=window.end)

``evaluate(subject, ctx)`` runs every rule for the subject's kind and returns ``Finding``s:
the rule's own severity, capped at *warn* for rules the election's book marks unverified (they
must never block), and dropped for rules it switches off.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from itcell.compliance.lexicon import EDGE_AFTER, EDGE_BEFORE, Family, Hit, Lexicon, scan
from itcell.core.clock import IST
from itcell.elections.calendar import Calendar


class Severity(models.TextChoices):
    BLOCK = "block", _("Blocked")
    HOLD = "hold", _("Held for review")
    WARN = "warn", _("Warning")
    INFO = "info", _("Note")

    @property
    def rank(self) -> int:  # higher is graver
        return [Severity.INFO, Severity.WARN, Severity.HOLD, Severity.BLOCK].index(self)


class AccountKind(StrEnum):
    PARTY = "official_party_handle"
    CANDIDATE = "candidate_handle"
    FUNCTIONARY = "party_functionary"
    VOLUNTEER = "volunteer"
    THIRD_PARTY = "third_party_page"


# ---- subjects --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Medium:
    """One image, video, audio or poster attached to a post (R-AI-*, R-IMP-4, R-MCC-8)."""

    kind: str  # image | video | audio | poster
    synthetic: bool = False
    label: str = ""
    label_area_pct: float | None = None
    label_position: str = ""  # top_band | other
    audio_label_first_pct: float | None = None
    creator_disclosed: bool = False
    people_without_consent: tuple[str, ...] = ()
    flagged_synthetic: bool = False  # a reviewer or detector thinks it is AI-made
    registered: bool = False  # recorded in the AI register (R-AI-7)
    imprint: str = ""
    on_private_property: bool = False
    owner_permission: bool = False
    title: str = ""


@dataclass(frozen=True)
class Content:
    """A post, ad or message as the rules see it (ECI-RULES.md §0)."""

    text: str
    scheduled_at: datetime | None = None
    target_acs: frozenset[int] = frozenset()
    statewide: bool = False  # aimed at the whole state, not at constituencies
    channel: str = ""
    handle: str = ""
    account_kind: AccountKind = AccountKind.PARTY
    candidate: str = ""  # the candidate whose campaign it is for, if any
    declared_handles: tuple[str, ...] = ()  # that candidate's Form-26 handles
    is_paid: bool = False
    spend_inr: int = 0
    certificate: str = ""  # MCMC certificate number
    certified_hash: str = ""  # the hash of the content the certificate covers
    content_hash: str = ""  # the hash of the content as it is now
    claim_sources: int = 0  # sources attached to the post's factual claims
    tags: frozenset[str] = frozenset()  # e.g. "poll_result", "exit_poll"
    media: tuple[Medium, ...] = ()
    notices_on_handle: int = 0  # takedown notices the handle has had (R-VCE-1)

    def reaches(self, acs: Iterable[int]) -> frozenset[int]:
        """Which of ``acs`` this content is aimed at (all of them when it is state-wide)."""
        acs = frozenset(acs)
        return acs if self.statewide else acs & self.target_acs


@dataclass(frozen=True)
class Application:
    """An application to an MCMC for pre-certification (R-ADV-3, R-ADV-4)."""

    applicant: str  # party | candidate | other
    submitted_at: datetime
    intended_release_at: datetime
    district: str = ""  # the candidate's district, for the District MCMC


@dataclass(frozen=True)
class PrintJob:
    """Printed election matter: posters, pamphlets, newspaper ads (R-IMP-1..3, R-ADV-5)."""

    printer: str = ""  # name and address
    publisher: str = ""  # name and address
    declaration_on_file: bool = False
    witnesses: int = 0
    printed_at: datetime | None = None
    filed_with_dm_at: datetime | None = None
    meeting_notice_only: bool = False
    is_ad: bool = False
    publish_on: date | None = None
    target_acs: frozenset[int] = frozenset()
    certificate: str = ""


@dataclass(frozen=True)
class Event:
    """A campaign event: door to door, road show, rally, nomination, interview, live stream."""

    kind: str
    starts_at: datetime
    acs: frozenset[int] = frozenset()
    statewide: bool = False
    team_size: int = 0  # door to door: people incl. the candidate, security excluded
    vehicles_per_set: int = 0
    gap_minutes: int = 0
    venue_approved: bool = True
    attendance: int = 0
    companions: int = 0
    signed_off: bool = False


@dataclass(frozen=True)
class Spend:
    """One entry of a candidate's (or the party's) expenditure ledger (R-EXP-*, R-ADV-6)."""

    on: date
    amount_inr: int
    mode: str  # cash | cheque | ... (models.Spend.Mode)
    category: str
    vendor: str = ""
    candidate: str = ""
    spent_before_inr: int = 0  # the candidate's total before this entry
    certificate: str = ""


@dataclass(frozen=True)
class Takedown:
    """A notice on a published post: the 3-hour clock (R-AI-5, R-AI-6)."""

    noticed_at: datetime
    removed_at: datetime | None = None
    alerted_at: datetime | None = None
    escalated_at: datetime | None = None
    misinformation: bool = False  # a deepfake or misinformation: R-AI-6 applies
    responsible: str = ""
    warned_at: datetime | None = None
    closing: bool = False  # someone is closing the incident


# ---- the election's book -------------------------------------------------------------------


@dataclass(frozen=True)
class Book:
    """One election's thresholds, windows and lists (models.RuleBook, editable in the admin)."""

    unverified: frozenset[str] = frozenset({"R-IMP-4", "R-EXP-4", "R-EXP-5"})
    disabled: frozenset[str] = frozenset()
    ceilings: tuple[tuple[date, int], ...] = ()  # (effective from, ₹) per candidate
    spend_warn_pct: int = 80
    cash_limit_inr: int = 10_000
    lead_days_party: int = 3  # R-ADV-3: parties and candidates
    lead_days_other: int = 7
    print_ad_days: tuple[int, ...] = (0, 1)  # poll day and poll eve need a certificate
    imprint_filing_days: int = 3
    statement_days: int = 75  # R-EXP-3
    account_days: int = 30  # R-EXP-5
    takedown_hours: float = 3
    escalate_after_hours: float = 2
    ai_labels: tuple[str, ...] = (
        "AI-Generated",
        "Digitally Enhanced",
        "Synthetic Content",
        "एआई-जनित",
        "डिजिटल रूप से संवर्धित",
        "कृत्रिम सामग्री",
    )
    ai_label_min_pct: float = 10
    #: Place names that are also common words, never read as places (R-SIL-3): "गया" (Gaya)
    #: is also Hindi for "went", "बाढ़" (Barh) for "flood".
    ambiguous_place_names: tuple[str, ...] = ("गया", "बाढ़")
    silence_notice_hours: int = 24  # R-SIL-1: say so this long before a window opens
    covid_rules: bool = False
    door_to_door_max: int = 5
    convoy_max_vehicles: int = 5
    convoy_gap_minutes: int = 30
    rally_cap: int = 0  # SDMA cap on attendance; 0: none set
    nomination_companions: int = 2

    def ceiling_on(self, day: date) -> int | None:
        """The expenditure ceiling in force on ``day`` (None before any is set)."""
        in_force = [amount for start, amount in sorted(self.ceilings) if start <= day]
        return in_force[-1] if in_force else None


# ---- context and findings ----------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """Names that point to constituencies: AC, district and candidate names in English and
    Hindi, each with the AC numbers it stands for (R-SIL-3)."""

    names: Mapping[str, frozenset[int]] = field(default_factory=dict)

    @cached_property
    def _regex(self) -> re.Pattern[str] | None:
        words = sorted((n for n in self.names if len(n) >= 3), key=len, reverse=True)
        if not words:
            return None
        alternation = "|".join(re.escape(w) for w in words)
        return re.compile(f"{EDGE_BEFORE}(?:{alternation}){EDGE_AFTER}", re.IGNORECASE)

    def mentioned(self, text: str) -> dict[str, frozenset[int]]:
        """Each name the text mentions, with its constituencies."""
        if self._regex is None:
            return {}
        folded = {name.casefold(): acs for name, acs in self.names.items()}
        return {m.group(0): folded[m.group(0).casefold()] for m in self._regex.finditer(text)}


@dataclass(frozen=True)
class Context:
    """What every rule may read: the election's calendar and book, the instant the subject
    reaches the public (for a post: when it is published), and the names of places."""

    calendar: Calendar
    at: datetime
    book: Book = Book()
    places: Places = Places()
    lexicon: Lexicon | None = None

    @property
    def mcc_in_force(self) -> bool:
        return self.calendar.mcc_in_force(self.at)

    def hits(self, content: Content, family: Family) -> list[Hit]:
        return [h for h in self._scan(content.text) if h.family == family]

    def _scan(self, text: str) -> list[Hit]:
        cache = self.__dict__.setdefault("_scans", {})  # frozen: a per-context memo
        if text not in cache:
            cache[text] = scan(text, self.lexicon)
        return cache[text]


@dataclass(frozen=True)
class Found:
    """What a rule function yields: a severity and a message (lazy, so it reads in any
    language); ``until``: the finding lifts at this instant (a window that closes)."""

    severity: Severity
    message: Any
    until: datetime | None = None


@dataclass(frozen=True)
class Finding:
    rule: str  # ECI-RULES.md id, e.g. "R-SIL-2"
    severity: Severity
    message: Any  # lazy: str(message) reads in the active language
    source: str  # where the rule comes from (statute, order, advisory)
    overridable: bool  # the head or the spokesperson may let it pass, with a justification
    until: datetime | None = None

    @property
    def stops(self) -> bool:
        return self.severity in (Severity.BLOCK, Severity.HOLD)

    def text(self, language: str) -> str:
        with override(language):
            return str(self.message)

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": {"en": self.text("en"), "hi": self.text("hi")},
            "source": self.source,
            "overridable": self.overridable,
            "until": self.until.astimezone(IST).isoformat() if self.until else None,
        }


RuleFunction = Callable[[Any, Context], Iterable[Found]]


@dataclass(frozen=True)
class Rule:
    id: str
    subject: type
    check: RuleFunction
    source: str
    overridable: bool


rules: dict[str, Rule] = {}


def rule(
    rule_id: str, subject: type, *, source: str, overridable: bool = False
) -> Callable[[RuleFunction], RuleFunction]:
    """Register ``check`` as rule ``rule_id`` for subjects of type ``subject``."""

    def register(check: RuleFunction) -> RuleFunction:
        if rule_id in rules:
            raise ValueError(f"rule {rule_id} is registered twice")
        rules[rule_id] = Rule(rule_id, subject, check, source, overridable)
        return check

    return register


def rule_ids() -> list[str]:
    return sorted(rules, key=_rule_order)


def _rule_order(rule_id: str) -> tuple[str, int]:
    family, _sep, number = rule_id.rpartition("-")
    return family, int(number)


def evaluate(subject: Any, ctx: Context) -> list[Finding]:
    """Every finding about ``subject``, gravest first. A hold can always be overridden (it
    asks for a person's judgement); rules the book marks unverified never go above *warn*."""
    found = []
    for rule_id in rule_ids():
        entry = rules[rule_id]
        if not isinstance(subject, entry.subject) or rule_id in ctx.book.disabled:
            continue
        for item in entry.check(subject, ctx):
            severity = item.severity
            if rule_id in ctx.book.unverified and severity.rank > Severity.WARN.rank:
                severity = Severity.WARN
            found.append(
                Finding(
                    rule=rule_id,
                    severity=severity,
                    message=item.message,
                    source=entry.source,
                    overridable=entry.overridable or severity == Severity.HOLD,
                    until=item.until,
                )
            )
    return sorted(found, key=lambda f: -f.severity.rank)


def at_publication(content: Content, now: datetime) -> datetime:
    """The instant a post reaches the public: its schedule, or now if that has passed."""
    return max(content.scheduled_at or now, now)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
