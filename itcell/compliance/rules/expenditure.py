"""Candidates' and the party's expenditure on social media (ECI-RULES.md §6): the ledger, the
ceiling in force on each date, cash payments, and the statements due after the election."""

from collections.abc import Iterator
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from itcell.compliance.engine import Book, Context, Found, Severity, Spend, rule
from itcell.compliance.rules._text import day, rupees, say
from itcell.elections.calendar import Calendar

FAQ = "ECI FAQ on social media; ECI order of 25.10.2013"


def party_statement_due(calendar: Calendar, book: Book) -> date:
    """R-EXP-3: the party's internet and social-media spend, within 75 days of completion."""
    return calendar.counting_date + timedelta(days=book.statement_days)


def candidate_account_due(calendar: Calendar, book: Book) -> date:
    """R-EXP-5: a candidate's account of election expenses, within 30 days of the result."""
    return calendar.counting_date + timedelta(days=book.account_days)


@rule("R-EXP-1", Spend, source=FAQ)
def booked(spend: Spend, ctx: Context) -> Iterator[Found]:
    missing = [
        name
        for name, value in (
            (_("vendor"), spend.vendor.strip()),
            (_("amount"), spend.amount_inr > 0),
            (_("payment mode"), spend.mode),
        )
        if not value
    ]
    if missing:
        yield Found(
            Severity.BLOCK,
            say(
                _(
                    "Every spend is booked with its date, vendor, amount and payment mode; "
                    "missing: %(fields)s."
                ),
                fields=", ".join(str(m) for m in missing),
            ),
        )


@rule("R-EXP-2", Spend, source="Conduct of Elections Rules 1961, r.90 (as amended 19.10.2020)")
def ceiling(spend: Spend, ctx: Context) -> Iterator[Found]:
    limit = ctx.book.ceiling_on(spend.on)
    if not spend.candidate or not limit:
        return
    total = spend.spent_before_inr + spend.amount_inr
    values = {
        "candidate": spend.candidate,
        "total": rupees(total),
        "ceiling": rupees(limit),
        "on": day(spend.on),
        "pct": total * 100 // limit,
    }
    if total >= limit:
        yield Found(
            Severity.BLOCK,
            say(
                _(
                    "%(candidate)s's spending would reach %(total)s, %(pct)s%% of the ceiling of "
                    "%(ceiling)s in force on %(on)s: no new paid spend."
                ),
                **values,
            ),
        )
    elif total * 100 >= limit * ctx.book.spend_warn_pct:
        yield Found(
            Severity.WARN,
            say(
                _(
                    "%(candidate)s's spending reaches %(total)s, %(pct)s%% of the ceiling of "
                    "%(ceiling)s in force on %(on)s."
                ),
                **values,
            ),
        )


@rule("R-EXP-3", Spend, source="RP Act s.77(1); ECI order of 09.10.2025")
def party_statement(spend: Spend, ctx: Context) -> Iterator[Found]:
    if not spend.candidate:
        yield Found(
            Severity.INFO,
            say(
                _("Goes into the party's statement of social-media spend, due by %(due)s."),
                due=day(party_statement_due(ctx.calendar, ctx.book)),
            ),
        )


@rule("R-EXP-4", Spend, source="ECI cash limit as reported [unverified]")
def cash(spend: Spend, ctx: Context) -> Iterator[Found]:
    if spend.mode == "cash" and spend.amount_inr > ctx.book.cash_limit_inr:
        yield Found(
            Severity.WARN,
            say(
                _("A cash payment above %(limit)s: pay by cheque, draft or bank transfer."),
                limit=rupees(ctx.book.cash_limit_inr),
            ),
        )


@rule("R-EXP-5", Spend, source="RP Act s.78 [unverified]")
def candidate_account(spend: Spend, ctx: Context) -> Iterator[Found]:
    if spend.candidate:
        yield Found(
            Severity.INFO,
            say(
                _("Goes into %(candidate)s's account of election expenses, due by %(due)s."),
                candidate=spend.candidate,
                due=day(candidate_account_due(ctx.calendar, ctx.book)),
            ),
        )
