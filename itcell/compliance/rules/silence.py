"""The silence period, RP Act 1951 s.126 (ECI-RULES.md §2): 48 hours (the election's
``silence_hours``) ending with the close of poll, per constituency. A finding that lifts when
the window closes carries ``until``: a delivery it stops is held till then, not failed."""

from collections.abc import Iterator
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from itcell.compliance.engine import Content, Context, Event, Found, Severity, hours, rule
from itcell.compliance.lexicon import Family
from itcell.compliance.rules._text import ist, listed, say

S126 = "RP Act 1951, s.126(1)(b)"
ADVISORY = "ECI advisory on the silence period in multi-phase polls"


def silent(ctx: Context, at: datetime | None = None) -> dict[int, datetime]:
    """The constituencies in their silence window at ``at``, each with the window's end."""
    at = at or ctx.at
    return {ac: ctx.calendar.silence_window(ac).end for ac in ctx.calendar.silent_acs(at)}


def numbers(acs: dict[int, datetime] | frozenset[int]) -> str:
    return listed(sorted(acs))


@rule("R-SIL-1", Content, source=S126)
def silence_ahead(content: Content, ctx: Context) -> Iterator[Found]:
    """A note when the content's constituencies fall silent within the notice period."""
    soon = ctx.at + hours(ctx.book.silence_notice_hours)
    opening = {
        ac: ctx.calendar.silence_window(ac).start
        for ac in content.reaches(ctx.calendar.poll_close)
        if ctx.at < ctx.calendar.silence_window(ac).start <= soon
    }
    if opening:
        yield Found(
            Severity.INFO,
            say(
                ngettext_lazy(
                    "Constituency %(acs)s falls silent at %(start)s (s.126): schedule its "
                    "posts before.",
                    "Constituencies %(acs)s fall silent from %(start)s (s.126): schedule their "
                    "posts "
                    "before.",
                    len(opening),
                ),
                acs=numbers(frozenset(opening)),
                start=ist(min(opening.values())),
            ),
        )


@rule("R-SIL-2", Content, source=S126)
def silence(content: Content, ctx: Context) -> Iterator[Found]:
    """No election matter reaches a constituency in its silence window. State-wide content
    is R-SIL-3's (a reviewer decides)."""
    if content.statewide:
        return
    quiet = {ac: end for ac, end in silent(ctx).items() if ac in content.target_acs}
    if quiet:
        until = max(quiet.values())
        yield Found(
            Severity.BLOCK,
            say(
                _(
                    "Silence period (section 126 of the Representation of the People Act): "
                    "constituency %(acs)s is silent until %(until)s. No election matter may "
                    "reach it "
                    "before then: take these constituencies off the post or publish after the poll."
                ),
                acs=numbers(quiet),
                until=ist(until),
            ),
            until=until,
        )


@rule("R-SIL-3", Content, source=ADVISORY, overridable=True)
def silent_places(content: Content, ctx: Context) -> Iterator[Found]:
    """While some constituencies are silent and others campaign, content for the campaigning
    ones must not name the silent ones (their constituency, district or candidates). A name
    can be a common word too, so the head or the spokesperson may let a match pass."""
    quiet = silent(ctx)
    if not quiet or (not content.statewide and content.target_acs & quiet.keys()):
        return  # nothing is silent, or R-SIL-2 already stops it
    named = {
        name: acs & quiet.keys()
        for name, acs in ctx.places.mentioned(content.text).items()
        if acs and acs <= quiet.keys()
    }
    if named:
        until = max(quiet[ac] for acs in named.values() for ac in acs)
        yield Found(
            Severity.BLOCK,
            say(
                _(
                    "Names places that are in their silence period (%(names)s) while others still "
                    "campaign (ECI advisory, s.126): no reference may solicit support there until "
                    "%(until)s. Take the names out."
                ),
                names=listed(named),
                until=ist(until),
            ),
            until=until,
        )
    elif content.statewide:
        yield Found(
            Severity.WARN,
            say(
                _(
                    "Goes to the whole state while constituencies %(acs)s are silent: make sure it "
                    "asks for no support there (ECI advisory on multi-phase polls)."
                ),
                acs=numbers(quiet),
            ),
        )


@rule("R-SIL-4", Event, source=ADVISORY)
def leaders_on_air(event: Event, ctx: Context) -> Iterator[Found]:
    if event.kind not in ("press_conference", "interview", "live_stream") or event.signed_off:
        return
    quiet = silent(ctx, event.starts_at)
    audience = frozenset(quiet) if event.statewide else event.acs & quiet.keys()
    if audience:
        yield Found(
            Severity.WARN,
            say(
                _(
                    "A press conference, interview or live stream on election matters reaching "
                    "constituencies in their silence period (%(acs)s): the ECI advises against it. "
                    "It needs the head's or the spokesperson's sign-off."
                ),
                acs=numbers(audience),
            ),
        )


@rule("R-SIL-5", Content, source=S126 + " as applied by the ECI to poll surveys")
def poll_results(content: Content, ctx: Context) -> Iterator[Found]:
    quiet = silent(ctx)
    reached = content.reaches(quiet)
    if not reached:
        return
    until = max(quiet[ac] for ac in reached)
    if "poll_result" in content.tags:
        yield Found(
            Severity.BLOCK,
            say(
                _(
                    "Opinion-poll or survey results may not be shown to constituencies in their "
                    "silence period (%(acs)s) until %(until)s (s.126)."
                ),
                acs=numbers(reached),
                until=ist(until),
            ),
            until=until,
        )
    elif ctx.hits(content, Family.OPINION_POLL):
        yield Found(
            Severity.HOLD,
            say(
                _(
                    "Seems to show opinion-poll or survey results while constituencies %(acs)s are "
                    "silent (s.126): a reviewer must check."
                ),
                acs=numbers(reached),
            ),
            until=until,
        )
