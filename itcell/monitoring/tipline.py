"""The tipline: what members forward (a link, a text, a screenshot they saw in a WhatsApp
group), through the tip form or the tipline's Telegram bot.

A tip is an item of the election's tipline source (made on first use), stored through
``services.ingest`` like any other, so it is tagged, counted, matched against the claims
library and grouped into narratives; its ``Tip`` row says who forwarded it, how, and where
it was seen, and keeps the screenshot. A member forwarding the same text and link again
(by either way) adds nothing.

The bot takes tips from members only. A member links their Telegram account with a one-time
code from the tip screen (``telegram_link_code``; signed, an hour long) sent to the bot as
``/start CODE``. ``receive_messages`` is what ``services.poll_source`` calls with the bot's
batch (the backend's ``stored_by``): linked members' messages become tips; anyone else's
are answered with how to link and never stored. The answers go out once the batch is
stored, so a batch read again after a failure is answered once.
"""

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from uuid import uuid4

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from itcell.accounts.models import User
from itcell.audit.services import record
from itcell.core import clock
from itcell.core.errors import InvalidInput, Problem
from itcell.elections.models import Election
from itcell.monitoring.errors import SourceError
from itcell.monitoring.models import Item, Source, TelegramLink, Tip
from itcell.monitoring.services import Ingested, create_source, ingest
from itcell.monitoring.sources import Batch, RawItem, open_source
from itcell.monitoring.sources.tipline import (
    MAX_PHOTO_BYTES,
    BotMessage,
    TiplineSource,
    image_type,
)
from itcell.organisation.selectors import get_grants

log = logging.getLogger(__name__)

TIPLINE = "tipline"  # the backend's alias and the items' platform
SOURCE_NAME = "Tipline"
MAX_SCREENSHOT_BYTES = MAX_PHOTO_BYTES
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}
LINK_SALT = "itcell.monitoring.tipline.telegram-link"
LINK_LIFETIME = timedelta(hours=1)
LEFT_OUT = gettext_noop("The photo was left out: send a PNG, JPEG or WebP screenshot under 5 MB.")
SAY_SOMETHING = gettext_noop("Send a link, a text or a screenshot of what you saw.")


def screenshot_problem(data: bytes) -> str | None:
    """Why a screenshot is refused (too large, not an image), None when it is fine."""
    if len(data) > MAX_SCREENSHOT_BYTES:
        return _("The screenshot is larger than %(mb)s MB: send a smaller one.") % {
            "mb": MAX_SCREENSHOT_BYTES // (1024 * 1024)
        }
    if image_type(data) is None:
        return _("The screenshot must be a PNG, JPEG or WebP image.")
    return None


def tipline_source(*, election: Election) -> Source:
    """The election's tipline source, made the first time a tip arrives."""
    found = Source.objects.filter(election=election, backend=TIPLINE).order_by("pk").first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return create_source(election=election, name=SOURCE_NAME, backend=TIPLINE)
    except IntegrityError:  # another tip made it at the same moment
        return Source.objects.filter(election=election, backend=TIPLINE).order_by("pk").get()


@transaction.atomic
def submit_tip(
    *,
    election: Election,
    member: User,
    text: str,
    url: str,
    screenshot: bytes | None,
    note: str,
    via: str,
    sent_at: datetime | None = None,
    source_address: str | None = None,
) -> tuple[Tip, bool]:
    """Store what a member forwarded as an item of the tipline and its tip; the tip and
    True, or the member's earlier tip of the same text and link and False. ``InvalidInput``
    (naming the field) for an empty tip, a bad screenshot or someone outside the cell."""
    text, url, note = text.strip(), url.strip(), note.strip()
    problems = []
    if not get_grants(user=member, election=election):
        problems.append(Problem(_("Only members of this election's cell can send tips.")))
    if not (text or url or screenshot):
        problems.append(Problem(_("Give a link, a text or a screenshot."), field="text"))
    if url and not url.startswith(("http://", "https://")):
        problems.append(Problem(_("The link must start with http:// or https://."), field="url"))
    if screenshot and (why := screenshot_problem(screenshot)):
        problems.append(Problem(why, field="screenshot"))
    if problems:
        raise InvalidInput(problems)
    source = tipline_source(election=election)
    now = clock.now()
    key = _tip_key(election=election, member=member, text=text, url=url, screenshot=screenshot)
    raw = RawItem(external_id=key, text=text or url, published_at=sent_at or now, url=url)
    ingest(source=source, batch=Batch(items=[raw], cursor=None), now=now)
    item = Item.objects.get(platform=TIPLINE, external_id=key)
    tip = Tip.objects.filter(item=item).first()
    if tip is not None:
        if screenshot and not tip.screenshot:  # the first time came without it: keep it now
            _attach(tip, screenshot)
            tip.save(update_fields=["screenshot"])
        return tip, False
    tip = Tip(item=item, member=member, via=via, note=note)
    if screenshot:
        _attach(tip, screenshot)
    tip.save()
    record(
        actor=member,
        action="monitoring.tip_received",
        obj=tip,
        after={"item": item.pk, "via": via, "url": url, "screenshot": bool(screenshot)},
        source_address=source_address,
    )
    return tip, True


def _tip_key(
    *, election: Election, member: User, text: str, url: str, screenshot: bytes | None
) -> str:
    """The tip's item id on the tipline: the same member's same text and link meet, by form
    or by bot; a screenshot alone is known by its bytes."""
    said = " ".join(text.split()) + "\n" + url if text or url else (screenshot or b"").hex()
    digest = hashlib.sha256(said.encode()).hexdigest()[:40]
    return f"{election.pk}:{member.pk}:{digest}"


def _attach(tip: Tip, screenshot: bytes) -> None:
    # A name of our own: the sender's file name is theirs to choose, and says nothing true.
    # (A transaction rolled back after this leaves the file behind, unreferenced.)
    extension = EXTENSIONS[image_type(screenshot) or "image/png"]
    tip.screenshot.save(f"{uuid4().hex}{extension}", ContentFile(screenshot), save=False)


# Linking a member's Telegram account ---------------------------------------------------


def telegram_link_code(*, user: User, now: datetime | None = None) -> str:
    """A code that links the Telegram account sending ``/start CODE`` to ``user``: signed,
    good for ``LINK_LIFETIME``, spent once used. Only A-Z, a-z, 0-9, _ and - (at most 64),
    so it fits a ``https://t.me/<bot>?start=CODE`` link."""
    issued = int((now or clock.now()).timestamp() * 1000)
    value = f"{user.pk}-{signing.b62_encode(issued)}"
    return f"{value}-{signing.Signer(salt=LINK_SALT).signature(value)}"


@transaction.atomic
def link_telegram(*, code: str, telegram_user_id: int, now: datetime | None = None) -> TelegramLink:
    """Link the Telegram account to the member the code names (audited); ``InvalidInput``
    saying what to do for a forged, expired or spent code, or an account linked to
    someone else."""
    now = now or clock.now()
    renew = _("Open Monitoring → Tips in itcell for a new link.")
    user, issued = _read_code(code)
    if user is None or issued is None:
        raise InvalidInput([Problem(_("This code is not valid.") + " " + renew)])
    if now - issued > LINK_LIFETIME:
        raise InvalidInput(
            [Problem(_("This code has expired (codes last an hour).") + " " + renew)]
        )
    link = TelegramLink.objects.select_for_update().filter(user=user).first()
    if link is not None and link.updated_at >= issued:
        raise InvalidInput([Problem(_("This code was used already.") + " " + renew)])
    if TelegramLink.objects.filter(telegram_user_id=telegram_user_id).exclude(user=user).exists():
        raise InvalidInput(
            [
                Problem(
                    _(
                        "This Telegram account is linked to another member already: link "
                        "your own Telegram account."
                    )
                )
            ]
        )
    before = {"telegram_user_id": link.telegram_user_id} if link is not None else None
    if link is None:
        link = TelegramLink(user=user)
    link.telegram_user_id = telegram_user_id
    link.save()
    record(
        actor=user,
        action="monitoring.telegram_linked",
        obj=link,
        before=before,
        after={"telegram_user_id": telegram_user_id},
    )
    return link


def _read_code(code: str) -> tuple[User | None, datetime | None]:
    pk, _sep, rest = code.partition("-")
    issued_b62, _sep, signature = rest.partition("-")
    value = f"{pk}-{issued_b62}"
    if not (
        pk.isdigit() and len(pk) <= 18 and issued_b62 and signature
    ) or not constant_time_compare(signature, signing.Signer(salt=LINK_SALT).signature(value)):
        return None, None
    user = User.objects.filter(pk=int(pk), is_active=True).first()
    try:
        issued = datetime.fromtimestamp(signing.b62_decode(issued_b62) / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None, None
    return user, issued


# The bot ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    chat_id: int
    text: str
    reply_to: int


def receive_messages(*, source: Source, batch: Batch, now: datetime) -> Ingested:
    """Store the bot's batch (``BotMessages``): ``/start CODE`` links the sender; a linked
    member's message becomes a tip via Telegram; anyone else's is dropped. Each sender is
    answered once the batch is stored (``poll_source``'s transaction)."""
    messages: Sequence[BotMessage] = getattr(batch, "messages", ())
    linked = {
        link.telegram_user_id: link.user
        for link in TelegramLink.objects.filter(
            telegram_user_id__in={m.sender_id for m in messages}
        ).select_related("user")
    }
    answers, new, duplicates = [], 0, 0
    for message in messages:
        with translation.override(_language(message.language)):
            if message.start:
                said = _link(message, linked, now=now)
            elif message.sender_id not in linked:
                said = _how_to_link()
            elif message.start is not None:  # a bare /start from a linked member
                said = _("You are linked: send me links, texts and screenshots of what you see.")
            elif not (message.text or message.links or message.photo):
                said = _(LEFT_OUT) if message.photo_refused else _(SAY_SOMETHING)
            else:
                said, created = _tip(message, source=source, member=linked[message.sender_id])
                new += created is True
                duplicates += created is False
        answers.append(Answer(message.chat_id, said, message.message_id))
    backend = open_source(source.backend, source.options)
    if answers and isinstance(backend, TiplineSource):
        transaction.on_commit(partial(_send, backend, answers))
    return Ingested(new=new, duplicates=duplicates, snapshots=0, tags=0)


def _link(message: BotMessage, linked: dict[int, User], *, now: datetime) -> str:
    try:
        with transaction.atomic():
            link = link_telegram(
                code=message.start or "", telegram_user_id=message.sender_id, now=now
            )
    except InvalidInput as refused:
        return str(refused.problems[0].message)
    linked[message.sender_id] = link.user
    return _(
        "Linked. Send me links, texts and screenshots of what you see in WhatsApp groups: "
        "the cell gets them as your tips."
    )


def _tip(message: BotMessage, *, source: Source, member: User) -> tuple[str, bool | None]:
    """The answer for a linked member's message, and whether its tip is new (None: refused)."""
    try:
        with transaction.atomic():
            _tip_row, created = submit_tip(
                election=source.election,
                member=member,
                text=message.text,
                url=message.links[0] if message.links else "",
                screenshot=message.photo,
                note="",
                via=Tip.Via.TELEGRAM,
                sent_at=message.sent_at,
            )
    except InvalidInput as refused:
        return " ".join(str(p.message) for p in refused.problems), None
    said = (
        _("Received, thank you: the cell will look at it.")
        if created
        else _("You sent this already; the cell has it.")
    )
    if message.photo_refused:
        said += " " + _(LEFT_OUT)
    return said, created


def _how_to_link() -> str:
    return _(
        "This bot takes tips from members of the IT cell only, and this Telegram account is "
        "not linked to a member, so nothing you sent was kept. To link it: sign in to itcell, "
        "open Monitoring → Tips and tap “Link Telegram” (the link works for an hour)."
    )


def _language(code: str) -> str:
    known = {language for language, _name in settings.LANGUAGES}
    short = code.split("-")[0].lower()
    return short if short in known else settings.LANGUAGE_CODE


def _send(backend: TiplineSource, answers: Sequence[Answer]) -> None:
    # The tips are stored whatever Telegram does now: an answer that fails is logged, not
    # retried, so nobody is told twice.
    for answer in answers:
        try:
            backend.send_message(chat_id=answer.chat_id, text=answer.text, reply_to=answer.reply_to)
        except SourceError:
            log.warning("the tipline could not answer chat %s", answer.chat_id, exc_info=True)
