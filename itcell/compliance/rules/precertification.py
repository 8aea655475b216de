"""Pre-certification of political advertisements by the MCMC (ECI-RULES.md §5). R-VCE-2 (a paid
ad sent to a platform without its certificate) is R-ADV-1: the same check, once."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from itcell.compliance.engine import (
    Application,
    Content,
    Context,
    Found,
    PrintJob,
    Severity,
    Spend,
    rule,
)
from itcell.compliance.rules._text import day, ist, say

ORDER = "ECI instruction 491/SM/2013/Communication (25.10.2013); SC order of 13.04.2004"
TIMELINES = "ECI/DEO timelines for MCMC applications"


def lead_days(applicant: str, ctx: Context) -> int:
    return ctx.book.lead_days_other if applicant == "other" else ctx.book.lead_days_party


def apply_by(applicant: str, release_at: datetime, ctx: Context) -> datetime:
    """The last instant to apply for a release at ``release_at`` (R-ADV-3)."""
    return release_at - timedelta(days=lead_days(applicant, ctx))


def committee_for(applicant: str, district: object) -> say:
    """R-ADV-4: candidates and individuals apply to their district's MCMC, parties to the
    state's. A district given as a ``District`` is named in the language of the reader."""
    if applicant == "party":
        return say(_("State MCMC"))
    return say(_("District MCMC, %(district)s"), district=district or "?")


@rule("R-ADV-1", Content, source=ORDER)
def certificate(content: Content, ctx: Context) -> Iterator[Found]:
    if content.is_paid and not content.certificate and ctx.mcc_in_force:
        yield Found(
            Severity.BLOCK,
            _(
                "A paid or boosted post is a political advertisement: it needs the MCMC's "
                "pre-certification before it runs. Apply under Compliance → Certificates and add "
                "the certificate number."
            ),
        )


@rule("R-ADV-2", Content, source=ORDER)
def certified_version(content: Content, ctx: Context) -> Iterator[Found]:
    if (
        content.is_paid
        and content.certificate
        and ctx.mcc_in_force
        and content.certified_hash != content.content_hash
    ):
        yield Found(
            Severity.BLOCK,
            say(
                _(
                    "The post differs from the version the MCMC certified (certificate "
                    "%(number)s): "
                    "any change needs a fresh certificate. Restore the certified text and media or "
                    "apply again."
                ),
                number=content.certificate,
            ),
        )


@rule("R-ADV-3", Application, source=TIMELINES)
def late_application(application: Application, ctx: Context) -> Iterator[Found]:
    deadline = apply_by(application.applicant, application.intended_release_at, ctx)
    if application.submitted_at > deadline:
        yield Found(
            Severity.WARN,
            say(
                _(
                    "Applied later than %(days)s days before the release (deadline %(deadline)s): "
                    "the MCMC may refuse it as late."
                ),
                days=lead_days(application.applicant, ctx),
                deadline=ist(deadline),
            ),
        )


@rule("R-ADV-4", Application, source="ECI/PIB: where to apply for pre-certification")
def committee(application: Application, ctx: Context) -> Iterator[Found]:
    yield Found(
        Severity.INFO,
        say(
            _("Send the application to the %(committee)s."),
            committee=committee_for(application.applicant, application.district),
        ),
    )


@rule("R-ADV-5", PrintJob, source="ECI instructions on print ads on poll day and the eve")
def poll_day_print_ad(job: PrintJob, ctx: Context) -> Iterator[Found]:
    if not job.is_ad or job.certificate or job.publish_on is None:
        return
    phases = {p.number: p.poll_date for p in ctx.calendar.phases}
    polled = sorted(
        ac
        for ac in job.target_acs
        if ac in ctx.calendar.phase_of
        and (phases[ctx.calendar.phase_of[ac]] - job.publish_on).days in ctx.book.print_ad_days
    )
    if polled:
        yield Found(
            Severity.BLOCK,
            say(
                _(
                    "A print ad on %(on)s, poll day or its eve for constituencies %(acs)s, "
                    "needs MCMC "
                    "pre-certification (apply at least 2 days before)."
                ),
                on=day(job.publish_on),
                acs=", ".join(map(str, polled)),
            ),
        )


@rule("R-ADV-6", Spend, source="IAMAI Voluntary Code (2019): MCMC certificates on ad records")
def certificate_on_record(spend: Spend, ctx: Context) -> Iterator[Found]:
    if spend.category == "ads" and not spend.certificate.strip():
        yield Found(
            Severity.BLOCK,
            _(
                "Paid placements carry their MCMC certificate number in the ledger and in the "
                "platform's ad-library record: add it."
            ),
        )
