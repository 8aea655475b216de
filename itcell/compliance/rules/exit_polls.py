"""Exit polls, RP Act 1951 s.126A (ECI-RULES.md §3): no result of an exit poll published or
forwarded in any way while the notified ban is in force, state-wide."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from itcell.compliance.engine import Content, Context, Found, Severity, rule
from itcell.compliance.lexicon import Family
from itcell.compliance.rules._text import ist, say


@rule("R-EXIT-1", Content, source="RP Act 1951, s.126A; ECI notification of the ban period")
def exit_poll(content: Content, ctx: Context) -> Iterator[Found]:
    ban = ctx.calendar.exit_poll_ban
    if not ban.contains(ctx.at):
        return
    if "exit_poll" in content.tags:
        yield Found(
            Severity.BLOCK,
            say(
                _(
                    "Exit-poll results may not be published or shared by anyone until %(until)s "
                    "(section 126A of the RP Act), including forwards of media exit polls and "
                    "internal polls."
                ),
                until=ist(ban.end),
            ),
            until=ban.end,
        )
    elif ctx.hits(content, Family.EXIT_POLL):
        yield Found(
            Severity.HOLD,
            say(
                _(
                    "Seems to share exit-poll results, banned until %(until)s (s.126A): a reviewer "
                    "must check."
                ),
                until=ist(ban.end),
            ),
            until=ban.end,
        )
