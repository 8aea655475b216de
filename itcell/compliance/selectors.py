"""Reads for the compliance engine: an election's book, places and context, and a post as the
rules see it (``engine.Content``)."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from itcell.compliance.engine import (
    AccountKind,
    Book,
    Content,
    Context,
    Finding,
    Medium,
    Places,
    at_publication,
    evaluate,
)
from itcell.compliance.lexicon import Lexicon
from itcell.compliance.models import (
    Certificate,
    FindingRecord,
    Override,
    RuleBook,
    Spend,
    Takedown,
)
from itcell.elections.models import (
    ACPoll,
    AssemblyConstituency,
    Candidacy,
    Election,
    ExpenditureCeiling,
)
from itcell.elections.selectors import get_calendar
from itcell.publishing.models import Channel, MediaAsset, Post

BOOK_FIELDS = [f for f in Book.__dataclass_fields__ if f != "ceilings"]


def get_book(*, election: Election) -> Book:
    """The election's rule book (the defaults of ECI-RULES.md if none was set up)."""
    ceilings = tuple(
        ExpenditureCeiling.objects.filter(election=election).values_list(
            "effective_from", "amount_inr"
        )
    )
    row = RuleBook.objects.filter(election=election).first()
    if row is None:
        return Book(ceilings=ceilings)
    values = {name: getattr(row, name) for name in BOOK_FIELDS if hasattr(row, name)}
    values |= {
        "unverified": frozenset(row.unverified),
        "disabled": frozenset(row.disabled),
        "ai_labels": tuple(row.ai_labels),
        "print_ad_days": tuple(row.print_ad_days),
        "ambiguous_place_names": tuple(row.ambiguous_place_names),
    }
    return Book(ceilings=ceilings, **values)


def get_lexicon(*, election: Election) -> Lexicon | None:
    extra = RuleBook.objects.filter(election=election).values_list("lexicon_extra", flat=True)
    extra_terms = next(iter(extra), None)
    return Lexicon.load(extra_terms) if extra_terms else None


def get_places(*, election: Election, ignore: tuple[str, ...] = ()) -> Places:
    """Constituency, district and candidate names (English and Hindi) with the constituencies
    each stands for, but those in ``ignore``; cached until the election's candidates change."""
    stamp = Candidacy.objects.filter(election=election).aggregate(n=Count("id"), last=Max("id"))
    key = f"compliance:places:{election.pk}:{stamp['n']}:{stamp['last']}"
    names = cache.get(key)
    if names is None:
        names = {}
        polls = ACPoll.objects.filter(election=election).values_list(
            "ac__number",
            "ac__name_en",
            "ac__name_hi",
            "ac__district__name_en",
            "ac__district__name_hi",
        )
        for number, *place_names in polls:
            for name in place_names:
                if name:
                    names.setdefault(name, set()).add(number)
        candidates = Candidacy.objects.filter(election=election).values_list(
            "ac__number", "name", "name_hi"
        )
        for number, *person in candidates:
            for name in person:
                if name:
                    names.setdefault(name, set()).add(number)
        names = {name: frozenset(acs) for name, acs in names.items()}
        cache.set(key, names, 3600)
    return Places({name: acs for name, acs in names.items() if name not in ignore})


def get_context(*, election: Election, at: datetime, places: bool = True) -> Context:
    book = get_book(election=election)
    return Context(
        calendar=get_calendar(election=election),
        at=at,
        book=book,
        places=(
            get_places(election=election, ignore=book.ambiguous_place_names) if places else Places()
        ),
        lexicon=get_lexicon(election=election),
    )


def post_hash(post: Post) -> str:
    """The hash of what a post publishes: its texts, each channel's text, its media files.
    An MCMC certificate covers one hash; any change to the content changes it."""
    digest = hashlib.sha256()
    parts = [post.text_hi, post.text_en]
    parts += [v.text for v in post.variants.order_by("channel_id")]
    parts += [f"{m.pk}:{m.size}:{m.file.name}" for m in post.media.order_by("id")]
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _medium(asset: MediaAsset) -> Medium:
    register = getattr(asset, "synthetic", None)
    return Medium(
        kind=asset.kind,
        synthetic=asset.ai_made,
        label=asset.ai_label,
        label_area_pct=register.label_area_pct if register else None,
        label_position=register.label_position if register else "",
        audio_label_first_pct=register.audio_label_first_pct if register else None,
        creator_disclosed=bool(register and register.creator_disclosed),
        people_without_consent=register.without_consent if register else (),
        registered=register is not None,
        imprint=asset.imprint,
        on_private_property=asset.on_private_property,
        owner_permission=asset.owner_permission,
        title=asset.title,
    )


def content_of(post: Post, channel: Channel | None = None) -> Content:
    """``post`` as the rules see it, as it goes to ``channel`` (or in general)."""
    election = post.election
    acs = frozenset(post.acs.values_list("number", flat=True)) if post.pk else frozenset()
    every_ac = ACPoll.objects.filter(election=election).count()
    text = [post.text_hi, post.text_en]
    if channel is not None:
        text += list(post.variants.filter(channel=channel).values_list("text", flat=True))
    candidacy = channel.candidacy if channel is not None and channel.candidacy_id else None
    certificate = (
        Certificate.objects.filter(election=election, number=post.mcmc_certificate.strip())
        .values_list("content_hash", flat=True)
        .first()
        if post.mcmc_certificate.strip()
        else None
    )
    media = post.media.select_related("synthetic").order_by("id") if post.pk else []
    return Content(
        text="\n".join(t for t in text if t),
        scheduled_at=post.publish_at,
        target_acs=acs,
        statewide=bool(every_ac) and len(acs) >= every_ac,
        channel=channel.platform if channel else "",
        handle=channel.handle if channel else "",
        account_kind=AccountKind.CANDIDATE if candidacy else AccountKind.PARTY,
        candidate=candidacy.name if candidacy else "",
        declared_handles=tuple(candidacy.declared_handles) if candidacy else (),
        is_paid=post.paid_promotion,
        certificate=post.mcmc_certificate.strip(),
        certified_hash=certificate or "",
        content_hash=post_hash(post) if post.pk else "",
        claim_sources=post.claims.count() if post.pk else 0,
        media=tuple(_medium(m) for m in media),
        notices_on_handle=(
            Takedown.objects.filter(delivery__channel=channel).count() if channel else 0
        ),
    )


def get_overridden(*, post: Post) -> set[str]:
    """The rules overridden for the post's current version."""
    return set(
        Override.objects.filter(post=post, version=post.version).values_list("rule", flat=True)
    )


def get_spent(*, candidacy: Candidacy, before_id: int | None = None) -> int:
    spends = Spend.objects.filter(candidacy=candidacy)
    if before_id is not None:
        spends = spends.exclude(pk=before_id)
    return spends.aggregate(total=Sum("amount_inr"))["total"] or 0


def findings_for(post: Post, *, at: datetime, channel: Channel | None = None) -> list[Finding]:
    """The rules' findings on ``post`` published at ``at`` (or at its schedule, if later),
    as it goes to ``channel`` or to each of its channels; each finding once."""
    channels: list[Channel | None] = [channel] if channel else [*post.channels.all()] or [None]
    contents = [content_of(post, c) for c in channels]
    ctx = get_context(election=post.election, at=at_publication(contents[0], at))
    unique: dict[tuple[str, str], Finding] = {}
    for content in contents:
        for finding in evaluate(content, ctx):
            unique.setdefault((finding.rule, str(finding.message)), finding)
    return list(unique.values())


@dataclass(frozen=True)
class Dossier:
    """What the expenditure observer or the MCMC asks for about a candidate or a constituency:
    every post with its approvals, findings, overrides, certificate and spend, and the ledger."""

    subject: str
    posts: list[list[str]]  # the first row names the columns
    spends: list[list[str]]  # likewise


def get_dossier(
    *, election: Election, candidacy_id: int | None = None, ac_number: int | None = None
) -> Dossier:
    """The dossier of a candidate (``candidacy_id``) or a constituency (``ac_number``), in the
    active language."""
    from itcell.core.templatetags.itcell import ist

    hindi = get_language() == "hi"
    spends = Spend.objects.filter(election=election)
    if candidacy_id is not None:
        candidacy = (
            Candidacy.objects.filter(election=election, pk=candidacy_id)
            .select_related("ac")
            .first()
        )
        number = candidacy.ac.number if candidacy else -1
        subject = f"{candidacy.name} ({candidacy.ac})" if candidacy else ""
        spends = spends.filter(candidacy_id=candidacy_id)
    else:
        number = ac_number if ac_number is not None else -1
        ac = AssemblyConstituency.objects.filter(state=election.state, number=number).first()
        subject = str(ac or number)
        spends = spends.filter(candidacy__ac__number=number)
    posts = (
        Post.objects.filter(election=election, acs__number=number)
        .distinct()
        .select_related("desk")
        .prefetch_related("acs", "variants__channel", "reviews__reviewer", "overrides__by")
        .order_by("publish_at", "pk")
    )
    certificates = dict(
        Certificate.objects.filter(election=election).values_list("number", "content_hash")
    )
    post_rows = [[
        _("post"), _("title"), _("desk"), _("constituencies"), _("state"), _("publish at"),
        _("channels"), _("approvals"), _("findings"), _("overrides"), _("MCMC certificate"),
        _("certified content matches"), _("spend (₹)"),
    ]]  # fmt: skip
    for post in posts:
        findings = FindingRecord.objects.filter(post=post).order_by("at")
        certificate = post.mcmc_certificate.strip()
        post_rows.append([
            str(post.pk), post.title, post.desk.name,
            " ".join(str(ac.number) for ac in post.acs.all()),
            post.get_state_display(), ist(post.publish_at),
            " ".join(v.channel.handle for v in post.variants.all()),
            "; ".join(
                f"{r.get_decision_display()} {r.reviewer} {ist(r.at)}" for r in post.reviews.all()
            ),
            "; ".join(
                f"{f.rule} {f.get_severity_display()} ({f.checkpoint} v{f.version}): "
                f"{f.message_hi if hindi else f.message_en}"
                for f in findings
            ),
            "; ".join(
                f"{o.rule} v{o.version} {o.by} {ist(o.at)}: {o.justification}"
                for o in post.overrides.all()
            ),
            certificate,
            (
                (_("yes") if certificates.get(certificate) == post_hash(post) else _("no"))
                if certificate
                else ""
            ),
            str(post.spends.aggregate(total=Sum("amount_inr"))["total"] or 0),
        ])  # fmt: skip
    spend_rows = [[
        _("date"), _("vendor"), _("amount (₹)"), _("category"), _("payment mode"), _("post"),
        _("certificate"),
    ]]  # fmt: skip
    for spend in spends.order_by("on", "pk"):
        spend_rows.append([
            spend.on.isoformat(), spend.vendor, str(spend.amount_inr),
            spend.get_category_display(), spend.get_mode_display(),
            str(spend.post_id or ""), spend.certificate,
        ])  # fmt: skip
    return Dossier(subject=subject, posts=post_rows, spends=spend_rows)
