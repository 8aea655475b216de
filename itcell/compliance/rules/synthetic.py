"""AI-made and synthetic media, deepfakes and the 3-hour takedown (ECI-RULES.md §8)."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from itcell.compliance.engine import (
    Content,
    Context,
    Found,
    Medium,
    Severity,
    Takedown,
    hours,
    rule,
)
from itcell.compliance.lexicon import Family
from itcell.compliance.rules._text import Message, ist, listed, say
from itcell.compliance.rules.mcc import held

ADVISORY_2025 = "ECI advisory on synthetic and AI-generated content (24.10.2025)"
DIRECTIONS_2024 = "ECI directions on responsible use of social media (06.05.2024)"


def label_problems(medium: Medium, ctx: Context) -> list[Message]:
    """What is wrong with a synthetic medium's label (R-AI-1); empty when it is right."""
    book, problems = ctx.book, list[Message]()
    if medium.label.strip().casefold() not in {label.casefold() for label in book.ai_labels}:
        problems.append(say(_("label it with one of: %(labels)s"), labels=listed(book.ai_labels)))
    if medium.kind == "audio":
        if (medium.audio_label_first_pct or 0) < book.ai_label_min_pct:
            problems.append(
                say(
                    _("say the label during the first %(pct)s%% of the audio"),
                    pct=f"{book.ai_label_min_pct:g}",
                )
            )
        return problems
    if (medium.label_area_pct or 0) < book.ai_label_min_pct:
        problems.append(
            say(
                _("make the label cover at least %(pct)s%% of the picture"),
                pct=f"{book.ai_label_min_pct:g}",
            )
        )
    if medium.kind == "video" and medium.label_position != "top_band":
        problems.append(_("put the label in the top band of the video"))
    return problems


def synthetic_media(content: Content, ctx: Context, always: bool = False) -> Iterator[Medium]:
    """The content's synthetic media, while the code is in force (or ``always``)."""
    if always or ctx.mcc_in_force:
        yield from (m for m in content.media if m.synthetic)


@rule("R-AI-1", Content, source=ADVISORY_2025)
def label(content: Content, ctx: Context) -> Iterator[Found]:
    for medium in synthetic_media(content, ctx):
        if problems := label_problems(medium, ctx):
            yield Found(
                Severity.BLOCK,
                say(
                    _("“%(title)s” is AI-made: %(problems)s."),
                    title=medium.title,
                    problems="; ".join(str(p) for p in problems),
                ),
            )


@rule("R-AI-2", Content, source=ADVISORY_2025)
def creator(content: Content, ctx: Context) -> Iterator[Found]:
    for medium in synthetic_media(content, ctx):
        if not medium.creator_disclosed:
            yield Found(
                Severity.BLOCK,
                say(
                    _(
                        "“%(title)s” is AI-made: name who made it in its metadata or in the "
                        "caption."
                    ),
                    title=medium.title,
                ),
            )


@rule("R-AI-3", Content, source=ADVISORY_2025)
def consent(content: Content, ctx: Context) -> Iterator[Found]:
    for medium in synthetic_media(content, ctx, always=True):
        if medium.people_without_consent:
            yield Found(
                Severity.BLOCK,
                say(
                    _(
                        "“%(title)s” is AI-made and shows %(people)s without their consent on "
                        "file: "
                        "it may not be used. Tell the legal team."
                    ),
                    title=medium.title,
                    people=listed(medium.people_without_consent),
                ),
            )


@rule("R-AI-4", Content, source=ADVISORY_2025)
def undeclared(content: Content, ctx: Context) -> Iterator[Found]:
    if not ctx.mcc_in_force:
        return
    for medium in content.media:
        if medium.flagged_synthetic and not medium.synthetic:
            yield Found(
                Severity.HOLD,
                say(
                    _(
                        "“%(title)s” looks AI-made or altered but is not declared so: declare "
                        "it and "
                        "label it, or a reviewer confirms it is genuine."
                    ),
                    title=medium.title,
                ),
            )


@rule("R-AI-5", Takedown, source=ADVISORY_2025 + "; " + DIRECTIONS_2024)
def takedown_clock(incident: Takedown, ctx: Context) -> Iterator[Found]:
    deadline = incident.noticed_at + hours(ctx.book.takedown_hours)
    escalate_at = incident.noticed_at + hours(ctx.book.escalate_after_hours)
    removed = incident.removed_at
    if removed is not None and removed <= deadline:
        return
    if (removed or ctx.at) > deadline:
        yield Found(
            Severity.BLOCK,
            say(
                _(
                    "Not taken down within %(hours)s hours of the notice (due %(deadline)s): a "
                    "breach "
                    "to report, with the reasons."
                ),
                hours=f"{ctx.book.takedown_hours:g}",
                deadline=ist(deadline),
            ),
        )
    elif ctx.at >= escalate_at:
        yield Found(
            Severity.WARN,
            say(
                _("Still up %(hours)s hours after the notice: take it down by %(deadline)s."),
                hours=f"{ctx.book.escalate_after_hours:g}",
                deadline=ist(deadline),
            ),
        )
    else:
        yield Found(Severity.INFO, say(_("Take it down by %(deadline)s."), deadline=ist(deadline)))


@rule("R-AI-6", Takedown, source=DIRECTIONS_2024)
def responsible(incident: Takedown, ctx: Context) -> Iterator[Found]:
    if (
        incident.closing
        and incident.misinformation
        and not (incident.responsible.strip() and incident.warned_at)
    ):
        yield Found(
            Severity.BLOCK,
            _(
                "Record who in the party was responsible and that they were warned before closing "
                "the incident."
            ),
        )


@rule("R-AI-7", Content, source=ADVISORY_2025)
def register(content: Content, ctx: Context) -> Iterator[Found]:
    unregistered = [m.title for m in synthetic_media(content, ctx, always=True) if not m.registered]
    if unregistered:
        yield Found(
            Severity.WARN,
            say(
                _(
                    "Record %(titles)s in the AI register (tool, creator, agency) before it "
                    "goes: the "
                    "ECI may ask for it."
                ),
                titles=listed(f"“{t}”" for t in unregistered),
            ),
        )


@rule("R-AI-8", Content, source=DIRECTIONS_2024)
def derogatory(content: Content, ctx: Context) -> Iterator[Found]:
    yield from held(
        content,
        ctx,
        Family.DEROGATORY,
        _(
            "May be derogatory to women, use children, or show violence or harm to animals "
            "(ECI directions of May 2024): %(words)s. A reviewer must check."
        ),
    )
