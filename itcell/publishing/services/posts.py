"""Writing posts: create, edit (an edit after approval returns the post to review), submit."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from itcell.accounts.models import User
from itcell.audit.services import record
from itcell.core import clock
from itcell.core.errors import Problem
from itcell.elections.models import AssemblyConstituency
from itcell.organisation.models import Desk
from itcell.playbook.models import TalkingPoint
from itcell.playbook.training import missing_core_modules
from itcell.publishing import limits, workflow
from itcell.publishing.errors import NotTrained, PostInvalid
from itcell.publishing.models import Channel, Claim, Delivery, Language, MediaAsset, Post, Variant
from itcell.publishing.screening import Checkpoint, screen
from itcell.publishing.services.notices import ask_reviewers
from itcell.publishing.workflow import Event, PostState


@dataclass(frozen=True)
class PostInput:
    """A post as a form or an import gives it; ``variants`` maps a channel id to its own text
    (or "" to use the post's text in the channel's language)."""

    title: str
    variants: dict[int, str]
    text_hi: str = ""
    text_en: str = ""
    ac_numbers: frozenset[int] | None = None  # None: the desk's whole area
    media_ids: tuple[int, ...] = ()
    talking_point_id: int | None = None
    paid_promotion: bool = False
    mcmc_certificate: str = ""
    fast_lane: bool = False
    claims: tuple[tuple[str, str], ...] = ()  # (claim, source URL)
    publish_at: datetime | None = None


@dataclass(frozen=True)
class _Checked:
    channels: list[Channel]
    acs: list[AssemblyConstituency]
    media: list[MediaAsset]
    talking_point: TalkingPoint | None


def check_post(*, desk: Desk, data: PostInput, source: str = "") -> _Checked:
    """Everything wrong with ``data`` for a post of ``desk``, as one PostInvalid."""
    problems: list[Problem] = []

    def problem(message: str, field: str) -> None:
        problems.append(Problem(message, source=source, field=field))

    if not data.title.strip():
        problem(_("Give the post a title (for the cell only)."), "title")
    for name, value, most in (
        ("title", data.title, 200),
        ("mcmc_certificate", data.mcmc_certificate, 100),  # the columns' lengths
    ):
        if len(value.strip()) > most:
            problem(
                _("%(used)d characters; at most %(most)d: shorten it.")
                % {"used": len(value.strip()), "most": most},
                name,
            )
    if not (data.text_hi.strip() or data.text_en.strip()) and not data.media_ids:
        problem(_("Write the post in Hindi or English."), "text_hi")
    channels = list(Channel.objects.filter(election_id=desk.election_id, pk__in=data.variants))
    if not data.variants:
        problem(_("Choose at least one channel."), "channels")
    elif len(channels) != len(data.variants):
        problem(_("One of the channels is not this election's."), "channels")
    for channel in channels:
        if channel.desk_id not in (None, desk.pk):
            problem(_("%(channel)s belongs to another desk.") % {"channel": channel}, "channels")
    area = {ac.number: ac for ac in desk.acs.all()}
    if desk.kind == Desk.Kind.HQ:
        area = {
            ac.number: ac
            for ac in AssemblyConstituency.objects.filter(
                district__state__elections=desk.election_id
            )
        }
    numbers = set(area) if data.ac_numbers is None else set(data.ac_numbers)
    outside = sorted(numbers - set(area))
    if outside:
        problem(
            _("Constituencies %(numbers)s are outside this desk's area.")
            % {"numbers": ", ".join(map(str, outside))},
            "acs",
        )
    elif not numbers:
        problem(_("Choose at least one constituency."), "acs")
    media = sorted(
        MediaAsset.objects.filter(election_id=desk.election_id, pk__in=data.media_ids).filter(
            Q(desk=None) | Q(desk=desk)
        ),
        key=lambda m: data.media_ids.index(m.pk),
    )
    if len(media) != len(set(data.media_ids)):
        problem(_("One of the media is not in this desk's or the state's library."), "media")
    facts = [limits.MediumFacts(m.content_type, m.size, m.title) for m in media]
    for channel in channels:
        text = data.variants[channel.pk] or (
            (data.text_hi or data.text_en)
            if channel.language == Language.HI
            else (data.text_en or data.text_hi)
        )
        problems.extend(
            Problem(p.message, source=source, field=f"variant_{channel.pk}")
            for p in limits.check(channel.platform, text, facts)
        )
    talking_point = None
    if data.talking_point_id is not None:
        talking_point = TalkingPoint.objects.filter(
            election_id=desk.election_id, pk=data.talking_point_id
        ).first()
        if talking_point is None:
            problem(_("That talking point is not this election's."), "talking_point")
    for n, (claim, source_url) in enumerate(data.claims, start=1):
        if not claim.strip() or not source_url.strip():
            problem(_("Claim %(n)d needs both the claim and its source.") % {"n": n}, "claims")
    if data.publish_at is not None and data.publish_at <= clock.now():
        problem(_("The publishing time has passed: choose a later one."), "publish_at")
    if problems:
        raise PostInvalid(problems)
    return _Checked(channels, [area[n] for n in sorted(numbers)], media, talking_point)


def snapshot(post: Post) -> dict[str, Any]:
    """What an audit event keeps of a post's content."""
    return {
        "title": post.title,
        "text_hi": post.text_hi,
        "text_en": post.text_en,
        "acs": sorted(post.acs.values_list("number", flat=True)),
        "variants": {str(v.channel_id): v.text for v in post.variants.order_by("channel_id")},
        "media": sorted(post.media.values_list("pk", flat=True)),
        "talking_point": post.talking_point_id,
        "paid_promotion": post.paid_promotion,
        "mcmc_certificate": post.mcmc_certificate,
        "fast_lane": post.fast_lane,
        "claims": list(post.claims.values_list("text", "source_url")),
        "publish_at": post.publish_at,
        "version": post.version,
    }


def _apply(post: Post, data: PostInput, checked: _Checked) -> None:
    post.title = data.title.strip()
    post.text_hi, post.text_en = data.text_hi.strip(), data.text_en.strip()
    post.talking_point = checked.talking_point
    post.paid_promotion = data.paid_promotion
    post.mcmc_certificate = data.mcmc_certificate.strip()
    post.fast_lane = data.fast_lane
    post.publish_at = data.publish_at
    post.save()
    post.acs.set(checked.acs)
    post.media.set(checked.media)
    post.variants.exclude(channel__in=checked.channels).delete()
    for channel in checked.channels:
        Variant.objects.update_or_create(
            post=post, channel=channel, defaults={"text": data.variants[channel.pk].strip()}
        )
    post.claims.all().delete()
    Claim.objects.bulk_create(
        Claim(post=post, text=claim.strip(), source_url=url.strip()) for claim, url in data.claims
    )


@transaction.atomic
def create_post(
    *, desk: Desk, author: User, data: PostInput, source_address: str | None = None
) -> Post:
    checked = check_post(desk=desk, data=data)
    post = Post(election_id=desk.election_id, desk=desk, author=author)
    _apply(post, data, checked)
    record(
        actor=author,
        action="post.created",
        obj=post,
        after=snapshot(post),
        source_address=source_address,
    )
    return post


def lock(post: Post) -> Post:
    """The post re-read under a row lock: every change of state goes through this."""
    return Post.objects.select_for_update().get(pk=post.pk)


@transaction.atomic
def edit_post(
    *, post: Post, editor: User, data: PostInput, source_address: str | None = None
) -> Post:
    """Change a post. An edit in review or after approval starts a new review round (earlier
    approvals no longer count) and cancels deliveries that have not started."""
    post = lock(post)
    new_state = workflow.next_state(post.state, Event.EDIT)
    checked = check_post(desk=post.desk, data=data)
    before = snapshot(post)
    _apply(post, data, checked)
    post.version += 1
    returns_to_review = post.state in (PostState.IN_REVIEW, PostState.APPROVED, PostState.SCHEDULED)
    if returns_to_review and (missing := missing_core_modules(editor, post.election_id)):
        raise NotTrained(missing)  # an edit that sends a post to review is a submission
    post.state = new_state
    if returns_to_review:
        post.round += 1
        post.submitted_at = clock.now()
        post.approved_at = None
        Delivery.objects.filter(
            post=post, state__in=[Delivery.State.PENDING, Delivery.State.RETRYING]
        ).update(state=Delivery.State.CANCELLED, finished_at=clock.now())
    post.save()
    record(
        actor=editor,
        action="post.edited",
        obj=post,
        before=before,
        after={**snapshot(post), "state": post.state, "round": post.round},
        source_address=source_address,
    )
    if returns_to_review:
        ask_reviewers(post)
    return post


@transaction.atomic
def submit_post(*, post: Post, author: User, source_address: str | None = None) -> list[Any]:
    """Send a draft for review; returns the screening's warnings. Refused (``NotTrained``)
    while the author has not passed the election's core training modules."""
    post = lock(post)
    new_state = workflow.next_state(post.state, Event.SUBMIT)
    missing = missing_core_modules(author, post.election_id)
    if missing:
        raise NotTrained(missing)
    warnings = screen(post=post, checkpoint=Checkpoint.SUBMIT, at=clock.now())
    post.state, post.round, post.submitted_at = new_state, post.round + 1, clock.now()
    post.save(update_fields=["state", "round", "submitted_at"])
    record(
        actor=author,
        action="post.submitted",
        obj=post,
        after={"state": post.state, "round": post.round, "warnings": [str(w) for w in warnings]},
        source_address=source_address,
    )
    ask_reviewers(post)
    return warnings
