"""Candidates' declared social-media accounts, Form 26 para 3 (ECI-RULES.md §6, R-ACC-1)."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from itcell.compliance.engine import AccountKind, Content, Context, Found, Severity, rule
from itcell.compliance.rules._text import say


def same_handle(a: str, b: str) -> bool:
    return a.strip().lstrip("@").casefold() == b.strip().lstrip("@").casefold()


@rule("R-ACC-1", Content, source="ECI FAQ on social media; Form 26 para 3")
def declared_handle(content: Content, ctx: Context) -> Iterator[Found]:
    if content.account_kind != AccountKind.CANDIDATE or not content.candidate:
        return
    if any(same_handle(content.handle, h) for h in content.declared_handles):
        return
    if content.is_paid:
        yield Found(
            Severity.BLOCK,
            say(
                _(
                    "%(handle)s is not among %(candidate)s's handles declared in Form 26: it "
                    "may not "
                    "run paid ads for the campaign."
                ),
                handle=content.handle,
                candidate=content.candidate,
            ),
        )
    else:
        yield Found(
            Severity.WARN,
            say(
                _(
                    "%(handle)s is not among %(candidate)s's handles declared in Form 26: tell the "
                    "candidate's legal team."
                ),
                handle=content.handle,
                candidate=content.candidate,
            ),
        )
