"""The COVID-19 rules of the 2020 Bihar election (ECI guidelines of 21.08.2020; ECI-RULES.md
§9). They apply only when the election's book switches them on."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from itcell.compliance.engine import Context, Event, Found, Severity, rule
from itcell.compliance.rules._text import say

GUIDELINES = "ECI broad guidelines for elections during COVID-19 (21.08.2020)"


def applies(event: Event, kind: str, ctx: Context) -> bool:
    return ctx.book.covid_rules and event.kind == kind


@rule("R-COV-1", Event, source=GUIDELINES)
def door_to_door(event: Event, ctx: Context) -> Iterator[Found]:
    if applies(event, "door_to_door", ctx) and event.team_size > ctx.book.door_to_door_max:
        yield Found(
            Severity.BLOCK,
            say(
                _(
                    "Door-to-door teams are limited to %(max)s people including the candidate "
                    "(security staff excluded); this one has %(size)s."
                ),
                max=ctx.book.door_to_door_max,
                size=event.team_size,
            ),
        )


@rule("R-COV-2", Event, source=GUIDELINES)
def road_show(event: Event, ctx: Context) -> Iterator[Found]:
    book = ctx.book
    if applies(event, "road_show", ctx) and (
        event.vehicles_per_set > book.convoy_max_vehicles
        or event.gap_minutes < book.convoy_gap_minutes
    ):
        yield Found(
            Severity.BLOCK,
            say(
                _(
                    "Road-show convoys break after every %(max)s vehicles, with %(gap)s minutes "
                    "between sets."
                ),
                max=book.convoy_max_vehicles,
                gap=book.convoy_gap_minutes,
            ),
        )


@rule("R-COV-3", Event, source=GUIDELINES + "; press note of 25.09.2020")
def rally(event: Event, ctx: Context) -> Iterator[Found]:
    if not applies(event, "rally", ctx):
        return
    if not event.venue_approved:
        yield Found(
            Severity.WARN,
            _("The venue is not on the DEO's list of identified grounds for public meetings."),
        )
    if ctx.book.rally_cap and event.attendance > ctx.book.rally_cap:
        yield Found(
            Severity.WARN,
            say(
                _(
                    "Expected attendance %(attendance)s is above the disaster management "
                    "authority's "
                    "limit of %(cap)s."
                ),
                attendance=event.attendance,
                cap=ctx.book.rally_cap,
            ),
        )


@rule("R-COV-4", Event, source=GUIDELINES)
def nomination(event: Event, ctx: Context) -> Iterator[Found]:
    if applies(event, "nomination", ctx) and event.companions > ctx.book.nomination_companions:
        yield Found(
            Severity.WARN,
            say(
                _(
                    "Only %(max)s persons may accompany the candidate for nomination; %(count)s "
                    "planned."
                ),
                max=ctx.book.nomination_companions,
                count=event.companions,
            ),
        )
