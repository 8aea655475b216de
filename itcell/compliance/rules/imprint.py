"""Printer and publisher imprint, RP Act 1951 s.127A (ECI-RULES.md §4)."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from itcell.compliance.engine import Content, Context, Found, PrintJob, Severity, rule
from itcell.compliance.rules._text import IST, day, say

S127A = "RP Act 1951, s.127A"


@rule("R-IMP-1", PrintJob, source=S127A + "(1)")
def imprint(job: PrintJob, ctx: Context) -> Iterator[Found]:
    if not job.meeting_notice_only and not (job.printer.strip() and job.publisher.strip()):
        yield Found(
            Severity.BLOCK,
            _(
                "Printed election matter must bear the names and addresses of its printer and "
                "publisher (s.127A): fill both in before it is sent for printing."
            ),
        )


@rule("R-IMP-2", PrintJob, source=S127A + "(2)")
def declaration(job: PrintJob, ctx: Context) -> Iterator[Found]:
    if not job.declaration_on_file or job.witnesses < 2:
        yield Found(
            Severity.BLOCK,
            _(
                "The publisher's signed declaration, attested by two persons who know them, must "
                "be on file before printing (s.127A(2))."
            ),
        )


@rule("R-IMP-3", PrintJob, source=S127A + "(2); district practice")
def filing(job: PrintJob, ctx: Context) -> Iterator[Found]:
    if job.printed_at is None or job.filed_with_dm_at is not None:
        return
    # Days are counted in IST: the server's clock and the database give instants in UTC.
    printed_on = job.printed_at.astimezone(IST).date()
    due = printed_on.toordinal() + ctx.book.imprint_filing_days
    if ctx.at.astimezone(IST).date().toordinal() >= due:
        yield Found(
            Severity.WARN,
            say(
                _(
                    "Printed on %(printed)s and no record that the printer sent the "
                    "declaration and "
                    "copies to the District Magistrate (or the CEO): ask the printer and record it."
                ),
                printed=day(printed_on),
            ),
        )


@rule("R-IMP-4", Content, source=S127A + " [unverified for digital creatives]")
def digital_imprint(content: Content, ctx: Context) -> Iterator[Found]:
    for medium in content.media:
        if medium.kind == "poster" and not medium.imprint.strip():
            yield Found(
                Severity.WARN,
                say(
                    _(
                        "The poster “%(title)s” has no printer and publisher imprint; keep one on "
                        "poster-style creatives even online (whether s.127A requires it is "
                        "unverified)."
                    ),
                    title=medium.title,
                ),
            )
