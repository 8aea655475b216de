"""Model Code of Conduct, Part I "General Conduct" (ECI-RULES.md §1): content checks while the
code is in force. Words cannot tell an appeal to caste from news about a caste, so a lexicon
hit *holds* the post for a person (who may let it pass with a written justification)."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from itcell.compliance.engine import Content, Context, Found, Severity, rule
from itcell.compliance.lexicon import Family
from itcell.compliance.rules._text import Message, listed, say

MCC = "ECI, Model Code of Conduct, Part I (General Conduct)"


def held(content: Content, ctx: Context, family: Family, message: Message) -> Iterator[Found]:
    """One hold naming the words that matched ``family``, while the code is in force."""
    hits = ctx.hits(content, family) if ctx.mcc_in_force else []
    if hits:
        words = listed(dict.fromkeys(f"“{h.excerpt}”" for h in hits))
        yield Found(Severity.HOLD, say(message, words=words))


@rule("R-MCC-1", Content, source=MCC + " item 1; RP Act s.125")
def enmity(content: Content, ctx: Context) -> Iterator[Found]:
    yield from held(
        content,
        ctx,
        Family.ENMITY,
        _(
            "May create hatred or tension between castes, communities or religions (MCC I.1): "
            "%(words)s. Held for legal review: rewrite it, or have the head or the spokesperson "
            "clear it with a reason."
        ),
    )


@rule("R-MCC-2", Content, source=MCC + " item 2", overridable=True)
def private_life(content: Content, ctx: Context) -> Iterator[Found]:
    yield from held(
        content,
        ctx,
        Family.PRIVATE_LIFE,
        _(
            "Criticises a rival's private life, not their public work (MCC I.2): %(words)s. "
            "Keep to their record in public life."
        ),
    )


@rule("R-MCC-3", Content, source=MCC + " item 2")
def allegation(content: Content, ctx: Context) -> Iterator[Found]:
    if not ctx.mcc_in_force or not ctx.hits(content, Family.ALLEGATION):
        return
    if content.claim_sources:
        yield from held(
            content,
            ctx,
            Family.ALLEGATION,
            _(
                "Makes an allegation against a rival (MCC I.2): %(words)s. A reviewer must check "
                "it against its sources before it goes."
            ),
        )
        return
    yield Found(
        Severity.BLOCK,
        _(
            "Makes an allegation against a rival with no source (MCC I.2). Add a source for each "
            "claim under “Claims”, or take the allegation out."
        ),
    )


@rule("R-MCC-4", Content, source=MCC + " item 3; RP Act s.123(3)")
def communal_appeal(content: Content, ctx: Context) -> Iterator[Found]:
    yield from held(
        content,
        ctx,
        Family.COMMUNAL_APPEAL,
        _(
            "Appeals for votes on grounds of caste or religion (MCC I.3; a corrupt practice under "
            "s.123(3) of the RP Act): %(words)s. Take the appeal out."
        ),
    )


@rule("R-MCC-5", Content, source=MCC + " item 3")
def worship(content: Content, ctx: Context) -> Iterator[Found]:
    yield from held(
        content,
        ctx,
        Family.WORSHIP,
        _(
            "Uses a place of worship for campaigning (MCC I.3): %(words)s. Check where the photos "
            "and the event were; a temple, mosque, church or gurdwara cannot be a campaign venue."
        ),
    )


@rule("R-MCC-6", Content, source=MCC + " item 4")
def corrupt_practice(content: Content, ctx: Context) -> Iterator[Found]:
    yield from held(
        content,
        ctx,
        Family.CORRUPT_PRACTICE,
        _(
            "Mentions bribing, threatening or transporting voters, or canvassing near a polling "
            "station (MCC I.4): %(words)s. Make sure it does not announce or encourage it."
        ),
    )


@rule("R-MCC-7", Content, source=MCC + " item 5")
def picketing(content: Content, ctx: Context) -> Iterator[Found]:
    yield from held(
        content,
        ctx,
        Family.PICKETING,
        _(
            "Calls for a demonstration or picketing before someone's house (MCC I.5): %(words)s. "
            "Take the call out."
        ),
    )


@rule("R-MCC-8", Content, source=MCC + " item 6")
def private_property(content: Content, ctx: Context) -> Iterator[Found]:
    if not ctx.mcc_in_force:
        return
    for medium in content.media:
        if medium.on_private_property and not medium.owner_permission:
            yield Found(
                Severity.WARN,
                say(
                    _(
                        "“%(title)s” shows flags or posters on private property (MCC I.6): "
                        "record the "
                        "owner's permission on the medium before it goes."
                    ),
                    title=medium.title,
                ),
            )
