"""The media library and the channels: adding media (checked by their bytes, not their
names), adding channels and sealing their credentials, pausing a channel."""

import errno
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from itcell.accounts.models import User
from itcell.audit.services import record
from itcell.core.errors import Problem
from itcell.elections.models import Election
from itcell.organisation.models import Desk
from itcell.publishing import crypto
from itcell.publishing.errors import PostInvalid
from itcell.publishing.limits import MB
from itcell.publishing.models import Channel, MediaAsset

#: The largest file the library takes (the largest any platform itcell posts to takes for
#: video by upload is bigger, but a campaign video is edited down well below this).
MAX_BYTES = {"image": 20 * MB, "video": 512 * MB}

logger = logging.getLogger(__name__)


@contextmanager
def full_disk_refused(what: str, refusal: Callable[[str], Exception]) -> Iterator[None]:
    """Around a save that writes a file: when the media storage is full, log it and raise
    ``refusal`` of a message a person understands instead of a server error. The storage
    writes the file before the row is saved, so nothing is kept."""
    try:
        yield
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        logger.error("%s refused, the media storage is full: %s", what, error)
        message = _(
            "The disk on the server is full, so the file was not saved. "
            "Tell the duty officer, then add it again once space is freed."
        )
        raise refusal(message) from error


# The first bytes of each file type the platforms take (files are judged by their content,
# never by their name or the browser's word).
SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"ftyp", 4, "video/mp4"),
]


def sniff(head: bytes) -> str | None:
    """The file type from its first bytes, or None when it is none of the accepted ones."""
    for signature, offset, content_type in SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            if content_type == "image/webp" and not head.startswith(b"RIFF"):
                continue
            return content_type
    return None


@transaction.atomic
def add_medium(
    *,
    election: Election,
    desk: Desk | None,
    uploaded_by: User,
    file: UploadedFile,
    kind: str,
    title: str,
    source: str,
    alt_text: str = "",
    ai_made: bool = False,
    ai_label: str = "",
    imprint: str = "",
    source_address: str | None = None,
) -> MediaAsset:
    problems: list[Problem] = []

    def problem(message: str, field: str) -> None:
        problems.append(Problem(message, field=field))

    file.seek(0)
    content_type = sniff(file.read(16))
    file.seek(0)
    if content_type is None:
        problem(_("Only JPEG, PNG, GIF, WebP images and MP4 videos can be added."), "file")
    else:
        family = content_type.split("/")[0]
        if kind == MediaAsset.Kind.VIDEO and family != "video":
            problem(_("This file is an image, not a video."), "file")
        if kind in (MediaAsset.Kind.IMAGE, MediaAsset.Kind.POSTER) and family != "image":
            problem(_("This file is a video, not an image."), "file")
        if (file.size or 0) > MAX_BYTES[family]:
            problem(
                _("The file is %(size).1f MB; the library takes at most %(max)d MB.")
                % {"size": (file.size or 0) / MB, "max": MAX_BYTES[family] // MB},
                "file",
            )
    if not title.strip():
        problem(_("Give it a title."), "title")
    if not source.strip():
        problem(_("Say who made it or where it comes from."), "source")
    if ai_made and not ai_label.strip():
        problem(_("Media made or altered with AI must carry a label: write it."), "ai_label")
    if kind == MediaAsset.Kind.POSTER and not imprint.strip():
        problem(
            _("A poster must name its printer and publisher (Section 127A of the RP Act)."),
            "imprint",
        )
    if problems:
        raise PostInvalid(problems)
    with full_disk_refused("media upload", lambda m: PostInvalid([Problem(m, field="file")])):
        medium = MediaAsset.objects.create(
            election=election,
            desk=desk,
            kind=kind,
            title=title.strip(),
            file=file,
            content_type=content_type or "",
            size=file.size or 0,
            alt_text=alt_text.strip(),
            source=source.strip(),
            ai_made=ai_made,
            ai_label=ai_label.strip(),
            imprint=imprint.strip(),
            uploaded_by=uploaded_by,
        )
    record(
        actor=uploaded_by,
        action="medium.added",
        obj=medium,
        after={
            "kind": kind,
            "desk": desk.pk if desk else None,
            "content_type": content_type,
            "size": medium.size,
            "ai_made": ai_made,
            "ai_label": medium.ai_label,
            "imprint": medium.imprint,
        },
        source_address=source_address,
    )
    return medium


@transaction.atomic
def add_channel(
    *,
    election: Election,
    actor: User,
    credentials: dict[str, str],
    source_address: str | None = None,
    **fields: Any,
) -> Channel:
    """An official handle; its credentials are sealed before they touch the database."""
    channel = Channel(election=election, **fields)
    channel.credentials_sealed = crypto.seal(credentials) if credentials else ""
    channel.full_clean(exclude=["credentials_sealed"])
    channel.save()
    record(
        actor=actor,
        action="channel.added",
        obj=channel,
        after={**fields_for_audit(channel), "credentials": sorted(credentials)},
        source_address=source_address,
    )
    return channel


def fields_for_audit(channel: Channel) -> dict[str, Any]:
    return {
        "platform": channel.platform,
        "handle": channel.handle,
        "owner": channel.owner,
        "desk": channel.desk_id,
        "connector": channel.connector,
        "language": channel.language,
        "status": channel.status,
    }


@transaction.atomic
def reauthorise_channel(
    *,
    channel: Channel,
    actor: User,
    credentials: dict[str, str],
    source_address: str | None = None,
) -> Channel:
    """New credentials (the old ones are replaced, never shown); the channel is connected
    again and what it held goes out with the next sweep."""
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    channel.credentials_sealed = crypto.seal(credentials)
    before = channel.status
    channel.status = Channel.Status.CONNECTED
    channel.save(update_fields=["credentials_sealed", "status", "updated_at"])
    record(
        actor=actor,
        action="channel.reauthorised",
        obj=channel,
        before={"status": before},
        after={"status": channel.status, "credentials": sorted(credentials)},
        source_address=source_address,
    )
    return channel


@transaction.atomic
def set_channel_status(
    *, channel: Channel, actor: User, status: str, source_address: str | None = None
) -> Channel:
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    before = channel.status
    channel.status = Channel.Status(status)
    channel.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        action="channel.status_changed",
        obj=channel,
        before={"status": before},
        after={"status": channel.status},
        source_address=source_address,
    )
    return channel
