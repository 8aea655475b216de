"""The playbook's checks of a post, as publishing's screener (``publishing.screening``): words
and claims to avoid, a required disclaimer missing, a hashtag the playbook does not approve.
They are the party's own guidance, not the law: every finding is a warning that never stops a
post (the election's rules are the compliance screener's).

``review`` is pure and takes plain texts, so it is tested without a database.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from itcell.playbook.models import Guidance
from itcell.publishing import screening
from itcell.publishing.screening import Checkpoint, screeners

if TYPE_CHECKING:
    from itcell.publishing.models import Channel, Post

AVOID, DISCLAIMER, HASHTAG = "PB-AVOID", "PB-DISCLAIMER", "PB-HASHTAG"
PREFIX = "PB-"  # what tells a playbook finding from an election rule's

# Letters of a word: \w misses Devanagari's vowel signs and virama (they are marks, not
# letters), so "झूठ" would match inside "झूठा"; the danda and the abbreviation sign end a word.
_LETTER = r"[\w\u0900-\u0963\u0966-\u096f\u0971-\u097f\u200c\u200d]"
# A hashtag as the compose screen's preview marks it.
_HASHTAG = re.compile(r"(?<![\w&])#([^\s#.,!?;:।॥\"'()\[\]{}<>/\\]+)")


@dataclass(frozen=True)
class Text:
    """One text the post publishes, and how to name it to a person."""

    where: str  # "the Hindi text", "the text for @VIPBihar"
    body: str


@dataclass(frozen=True)
class Rules:
    """The playbook's lines a post is checked against (each term as written, either language)."""

    avoid: tuple[tuple[tuple[str, ...], str], ...] = ()  # (terms, why)
    disclaimers: tuple[tuple[tuple[str, ...], bool], ...] = ()  # (accepted texts, paid only)
    hashtags: tuple[str, ...] = ()

    @classmethod
    def load(cls, election_id: int) -> "Rules":
        kinds = [Guidance.Kind.AVOID, Guidance.Kind.DISCLAIMER, Guidance.Kind.HASHTAG]
        avoid: list[tuple[tuple[str, ...], str]] = []
        disclaimers: list[tuple[tuple[str, ...], bool]] = []
        hashtags: list[str] = []
        for line in Guidance.objects.filter(election_id=election_id, kind__in=kinds):
            terms = tuple(t.strip() for t in (line.text_en, line.text_hi) if t.strip())
            if not terms:
                continue
            if line.kind == Guidance.Kind.AVOID:
                avoid.append((terms, line.reason))
            elif line.kind == Guidance.Kind.DISCLAIMER:
                disclaimers.append((terms, line.applies == Guidance.Applies.PAID))
            else:
                hashtags.extend(terms)
        return cls(tuple(avoid), tuple(disclaimers), tuple(hashtags))


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _term_pattern(term: str) -> re.Pattern[str]:
    """A phrase matches anywhere; a single word only as a whole word."""
    folded = _fold(term)
    if " " in folded:
        return re.compile(re.escape(folded))
    return re.compile(rf"(?<!{_LETTER}){re.escape(folded)}(?!{_LETTER})")


def hashtags_in(text: str) -> list[str]:
    return [m.group(1) for m in _HASHTAG.finditer(text)]


def review(texts: Iterable[Text], rules: Rules, *, paid: bool) -> list[screening.Finding]:
    """The playbook's warnings about a post's texts."""
    texts = [t for t in texts if t.body.strip()]
    found: list[screening.Finding] = []
    folded = [(t, _fold(t.body)) for t in texts]
    for terms, why in rules.avoid:
        for term in terms:
            pattern = _term_pattern(term)
            hit = next((t for t, body in folded if pattern.search(body)), None)
            if hit is not None:
                message = _("“%(term)s” in %(where)s is on the playbook's list to avoid.") % {
                    "term": term,
                    "where": hit.where,
                }
                found.append(_warning(AVOID, f"{message} {why}" if why else message))
                break
    for accepted, paid_only in rules.disclaimers:
        if paid_only and not paid:
            continue
        wanted = [_fold(d) for d in accepted]
        for text, body in folded:
            if not any(d in body for d in wanted):
                found.append(
                    _warning(
                        DISCLAIMER,
                        _("The required disclaimer “%(text)s” is missing from %(where)s.")
                        % {"text": accepted[0], "where": text.where},
                    )
                )
    if rules.hashtags:
        approved = {tag.lstrip("#").casefold() for tag in rules.hashtags}
        shown = ", ".join(f"#{tag.lstrip('#')}" for tag in rules.hashtags)
        reported: set[str] = set()
        for text in texts:
            for tag in hashtags_in(text.body):
                key = tag.casefold()
                if key not in approved and key not in reported:
                    reported.add(key)
                    found.append(
                        _warning(
                            HASHTAG,
                            _("#%(tag)s is not an approved hashtag; use one of: %(approved)s.")
                            % {"tag": tag, "approved": shown},
                        )
                    )
    return found


def _warning(rule: str, message: str) -> screening.Finding:
    return screening.Finding(rule, message, blocking=False, severity="warn")


def texts_of(post: "Post", channel: "Channel | None" = None) -> list[Text]:
    texts = [
        Text(_("the Hindi text"), post.text_hi),
        Text(_("the English text"), post.text_en),
    ]
    if post.pk:
        variants = post.variants.select_related("channel")
        if channel is not None:
            variants = variants.filter(channel=channel)
        texts += [
            Text(_("the text for %(channel)s") % {"channel": v.channel.handle}, v.text)
            for v in variants
            if v.text
        ]
    return texts


@screeners.register("playbook")
def playbook(
    *, post: "Post", checkpoint: Checkpoint, channel: "Channel | None", at: datetime
) -> list[screening.Finding]:
    # Warnings are for the people writing and reviewing; a delivery ignores them anyway.
    if checkpoint == Checkpoint.DELIVER:
        return []
    rules = Rules.load(post.election_id)
    if not (rules.avoid or rules.disclaimers or rules.hashtags):
        return []
    return review(texts_of(post, channel), rules, paid=post.paid_promotion)
