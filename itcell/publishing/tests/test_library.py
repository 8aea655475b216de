"""The media library (files judged by their bytes, not their names) and the channels (their
credentials sealed before they reach the database, keys that rotate)."""

import json
import struct
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import connection

from itcell.audit.models import AuditEvent
from itcell.organisation.tests.factories import audited
from itcell.publishing.errors import PostInvalid
from itcell.publishing.limits import MB
from itcell.publishing.models import Channel, MediaAsset
from itcell.publishing.services import library
from itcell.publishing.tests.factories import Cell

pytestmark = pytest.mark.django_db

TOKEN = "tok-3f9a1c77-never-in-the-database"
REFUSED_TYPE = "Only JPEG, PNG, GIF, WebP images and MP4 videos can be added."


def png_bytes() -> bytes:
    """A real one-pixel PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xe0\x6c\x1a")  # filter byte, then one saffron pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00;"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 24
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(content: bytes, name: str = "file.bin", content_type: str = "image/png"):  # type: ignore[no-untyped-def]
    return SimpleUploadedFile(name, content, content_type=content_type)


def add(cell: Cell, file: UploadedFile, **changes: object) -> MediaAsset:
    values: dict[str, object] = {
        "election": cell.election,
        "desk": cell.desk,
        "uploaded_by": cell.writer,
        "file": file,
        "kind": MediaAsset.Kind.IMAGE,
        "title": "Relief camp, Bahadurganj",
        "source": "Desk photographer",
    }
    values.update(changes)
    return library.add_medium(**values)  # type: ignore[arg-type]


def refused(cell: Cell, file: UploadedFile, **changes: object) -> list[tuple[str, str]]:
    """The (field, message) of each problem, having checked that nothing was stored."""
    before = (MediaAsset.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PostInvalid) as raised:
        add(cell, file, **changes)
    assert (MediaAsset.objects.count(), AuditEvent.objects.count()) == before
    return [(p.field, p.message) for p in raised.value.problems]


# Media --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind", "content_type"),
    [
        (JPEG, "image", "image/jpeg"),
        (png_bytes(), "image", "image/png"),
        (GIF, "image", "image/gif"),
        (b"GIF87a" + GIF[6:], "image", "image/gif"),
        (WEBP, "image", "image/webp"),
        (MP4, "video", "video/mp4"),
    ],
    ids=["jpeg", "png", "gif89a", "gif87a", "webp", "mp4"],
)
def test_accepted_file_types_are_recognised_by_their_bytes(
    cell, media_root, content, kind, content_type
):
    # The name and the browser's word say nothing true: only the bytes count.
    medium = add(cell, upload(content, name="upload.dat", content_type="text/plain"), kind=kind)

    medium.refresh_from_db()
    assert medium.content_type == content_type
    assert medium.size == len(content)
    assert Path(medium.file.path).read_bytes() == content
    assert Path(medium.file.path).is_relative_to(media_root)


def test_a_pdf_is_refused(cell):
    assert refused(cell, upload(PDF, name="manifesto.pdf")) == [("file", REFUSED_TYPE)]


def test_a_text_file_named_png_is_refused(cell):
    text = upload(b"Vote for us!\nThis is not a picture.\n", name="poster.png")

    assert refused(cell, text) == [("file", REFUSED_TYPE)]


def test_webp_needs_its_riff_header():
    assert library.sniff(WEBP) == "image/webp"
    assert library.sniff(b"XXXX" + WEBP[4:]) is None


def test_a_video_cannot_be_added_as_an_image_or_poster(cell):
    assert refused(cell, upload(MP4), kind="image") == [
        ("file", "This file is a video, not an image.")
    ]
    assert refused(cell, upload(MP4), kind="poster", imprint="Printed by X, Patna") == [
        ("file", "This file is a video, not an image.")
    ]


def test_an_image_cannot_be_added_as_a_video(cell):
    assert refused(cell, upload(JPEG), kind="video") == [
        ("file", "This file is an image, not a video.")
    ]


def sized(content: bytes, size: int) -> UploadedFile:
    """An upload that says it is ``size`` bytes (the check reads the size, not the bytes)."""
    return UploadedFile(BytesIO(content), name="big.bin", content_type="image/png", size=size)


def test_images_over_20_mb_are_refused(cell):
    assert refused(cell, sized(JPEG, 25 * MB)) == [
        ("file", "The file is 25.0 MB; the library takes at most 20 MB.")
    ]


def test_videos_over_512_mb_are_refused(cell):
    assert refused(cell, sized(MP4, 600 * MB), kind="video") == [
        ("file", "The file is 600.0 MB; the library takes at most 512 MB.")
    ]


def test_a_file_at_the_limit_is_taken(cell):
    assert add(cell, sized(JPEG, 20 * MB)).size == 20 * MB


def test_a_file_just_over_the_limit_does_not_claim_to_be_at_the_limit(cell):
    ((field, message),) = refused(cell, sized(JPEG, 20 * MB + 1))

    assert field == "file"
    assert message != "The file is 20 MB; the library takes at most 20 MB."


def test_media_made_with_ai_must_carry_a_label(cell):
    assert refused(cell, upload(JPEG), ai_made=True, ai_label="  ") == [
        ("ai_label", "Media made or altered with AI must carry a label: write it.")
    ]
    medium = add(cell, upload(JPEG), ai_made=True, ai_label=" AI-generated image ")
    assert medium.ai_label == "AI-generated image"


def test_a_poster_must_name_its_printer_and_publisher(cell):
    assert refused(cell, upload(JPEG), kind="poster") == [
        (
            "imprint",
            "A poster must name its printer and publisher (Section 127A of the RP Act).",
        )
    ]
    poster = add(cell, upload(JPEG), kind="poster", imprint="Printed by Sharma Press, Kishanganj")
    assert poster.imprint == "Printed by Sharma Press, Kishanganj"


def test_every_problem_is_reported_at_once(cell):
    problems = refused(cell, upload(PDF), title=" ", source="", ai_made=True, kind="poster")

    assert [field for field, _message in problems] == [
        "file",
        "title",
        "source",
        "ai_label",
        "imprint",
    ]


def test_adding_a_medium_is_audited(cell):
    with audited("medium.added") as events:
        medium = add(cell, upload(png_bytes()), ai_made=True, ai_label="AI-assisted")

    (event,) = events
    assert event.actor == cell.writer
    assert event.object_id == str(medium.pk)
    assert event.after == {
        "kind": "image",
        "desk": cell.desk.pk,
        "content_type": "image/png",
        "size": len(png_bytes()),
        "ai_made": True,
        "ai_label": "AI-assisted",
        "imprint": "",
    }


def test_a_state_medium_has_no_desk(cell):
    medium = add(cell, upload(JPEG), desk=None, uploaded_by=cell.head)

    assert medium.desk is None


# Channels and their credentials ---------------------------------------------------------


def new_channel(cell: Cell, handle: str = "@VIP_Kishanganj", **credentials: str) -> Channel:
    return library.add_channel(
        election=cell.election,
        actor=cell.head,
        credentials=credentials or {"access_token": TOKEN},
        platform="mastodon",
        handle=handle,
        name="VIP Kishanganj",
        owner=Channel.Owner.DESK,
        desk=cell.desk,
        language="hi",
        connector="mastodon",
        api_url="https://mastodon.example",
    )


def raw_row(channel: Channel) -> str:
    """Every column of the channel's row as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {Channel._meta.db_table} WHERE id = %s",  # noqa: S608
            [channel.pk],
        )
        return repr(cursor.fetchone())


def test_credentials_never_reach_the_database_in_plain_text(cell):
    channel = new_channel(cell)

    sealed = Channel.objects.filter(pk=channel.pk).values_list("credentials_sealed", flat=True)[0]
    assert sealed
    assert TOKEN not in sealed
    assert TOKEN not in raw_row(channel)
    assert "access_token" not in raw_row(channel)


def test_sealed_credentials_open_with_the_key(cell):
    channel = Channel.objects.get(pk=new_channel(cell).pk)

    assert channel.credentials == {"access_token": TOKEN}


def test_adding_a_channel_is_audited_without_the_secret(cell):
    with audited("channel.added") as events:
        new_channel(cell, access_token=TOKEN, client_secret="shh-secret")

    (event,) = events
    assert event.after["credentials"] == ["access_token", "client_secret"]
    assert event.after["handle"] == "@VIP_Kishanganj"
    stored = json.dumps([event.before, event.after])
    assert TOKEN not in stored
    assert "shh-secret" not in stored


def test_keys_rotate_new_first_old_still_opens(cell, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ITCELL_CREDENTIAL_KEYS = [old]
    before = new_channel(cell, "@old", access_token="old-token")

    settings.ITCELL_CREDENTIAL_KEYS = [new, old]
    after = new_channel(cell, "@new", access_token="new-token")

    assert Channel.objects.get(pk=before.pk).credentials == {"access_token": "old-token"}
    assert Channel.objects.get(pk=after.pk).credentials == {"access_token": "new-token"}
    settings.ITCELL_CREDENTIAL_KEYS = [new]  # the new key seals: the old one is not needed
    assert Channel.objects.get(pk=after.pk).credentials == {"access_token": "new-token"}
    with pytest.raises(ImproperlyConfigured):
        _ = Channel.objects.get(pk=before.pk).credentials


def test_an_unrelated_key_cannot_open_credentials(cell, settings):
    settings.ITCELL_CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    channel = new_channel(cell)

    settings.ITCELL_CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="ITCELL_CREDENTIAL_KEYS or SECRET_KEY"):
        _ = Channel.objects.get(pk=channel.pk).credentials

    settings.ITCELL_CREDENTIAL_KEYS = []  # nor the key derived from SECRET_KEY
    with pytest.raises(ImproperlyConfigured):
        _ = Channel.objects.get(pk=channel.pk).credentials


def test_a_channel_without_credentials_has_none(cell):
    channel = library.add_channel(
        election=cell.election,
        actor=cell.head,
        credentials={},
        platform="whatsapp",
        handle="Bahadurganj groups",
        name="Bahadurganj groups",
        owner=Channel.Owner.DESK,
        desk=cell.desk,
        language="hi",
        connector="manual",
    )

    assert channel.credentials_sealed == ""
    assert Channel.objects.get(pk=channel.pk).credentials == {}


def test_reauthorising_seals_new_credentials_and_reconnects(cell):
    channel = new_channel(cell)
    Channel.objects.filter(pk=channel.pk).update(status=Channel.Status.NEEDS_REAUTH)

    with audited("channel.reauthorised") as events:
        library.reauthorise_channel(
            channel=channel, actor=cell.head, credentials={"access_token": "fresh-token"}
        )

    stored = Channel.objects.get(pk=channel.pk)
    assert stored.status == Channel.Status.CONNECTED
    assert stored.credentials == {"access_token": "fresh-token"}
    assert "fresh-token" not in raw_row(stored)
    (event,) = events
    assert event.actor == cell.head
    assert event.before == {"status": "needs_reauth"}
    assert event.after == {"status": "connected", "credentials": ["access_token"]}


def test_reauthorising_replaces_every_old_credential(cell):
    channel = new_channel(cell, access_token=TOKEN, refresh_token="old-refresh")

    library.reauthorise_channel(
        channel=channel, actor=cell.head, credentials={"access_token": "fresh-token"}
    )

    assert Channel.objects.get(pk=channel.pk).credentials == {"access_token": "fresh-token"}
