"""The tipline: the tip form (with its screenshot checks and who may see a screenshot), and
the Telegram bot against a local server answering as the Bot API does
(core.telegram.org/bots/api: getUpdates, the Message object with its entities and photo
sizes, getFile and the file download address, sendMessage, the ``{"ok": false, ...}``
errors), and as a broken or hostile one does."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.core.errors import InvalidInput
from itcell.monitoring.models import Item, Source, TelegramLink, Tip
from itcell.monitoring.services import create_source, poll_source
from itcell.monitoring.tipline import link_telegram, submit_tip, telegram_link_code
from itcell.organisation.roles import Role
from itcell.organisation.tests.factories import person
from itcell.publishing.tests.factories import Cell

NOW = datetime(2020, 10, 26, 8, 0, tzinfo=UTC)
AT = 1603699200  # 26 October 2020, 13:30 in Patna
TOKEN = "6123456789:AAHq1wFz8Kc3RtYvB5nJmXe0LpD7sGa2uIo"
UPDATES = f"/bot{TOKEN}/getUpdates"
SEND = f"/bot{TOKEN}/sendMessage"
GET_FILE = f"/bot{TOKEN}/getFile"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(300)
RUMOUR = "बहादुरगंज की बाढ़ राहत पार्टी के कहने पर रोकी गई, सब लोग जान लें"
LINK = "https://example.com/bahadurganj-relief"
RAVI = {"id": 48151623, "is_bot": False, "first_name": "Ravi", "language_code": "en"}
STRANGER = {"id": 99887766, "is_bot": False, "first_name": "Unknown"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    clock.set_now(NOW)


@pytest.fixture(autouse=True)
def _no_stray_requests(httpserver: HTTPServer) -> Iterator[None]:
    yield
    httpserver.check_assertions()


def url(name: str, *args: object) -> str:
    return reverse(f"monitoring:{name}", args=["bihar-2020", *args])


def png_upload(data: bytes = PNG, name: str = "shot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


# The form ----------------------------------------------------------------------------------


def test_a_member_sends_a_tip_and_it_is_an_item_of_the_tipline(client, cell: Cell) -> None:
    client.force_login(cell.writer)  # writes posts, does not monitor: still forwards tips

    response = client.post(
        url("tips"),
        {
            "url": LINK,
            "text": RUMOUR,
            "note": "Bahadurganj Yuva WhatsApp group",
            "screenshot": png_upload(),
        },
    )

    assert response.status_code == 302
    tip = Tip.objects.select_related("item__source").get()
    assert (tip.member, tip.via, tip.note) == (
        cell.writer,
        "form",
        "Bahadurganj Yuva WhatsApp group",
    )
    assert (tip.item.platform, tip.item.text, tip.item.url) == ("tipline", RUMOUR, LINK)
    assert tip.item.source.backend == "tipline"
    assert tip.item.tags.filter(kind="ac", key="52").exists()  # tagged like any item
    assert tip.screenshot.name.startswith("tips/")
    assert not tip.screenshot.name.endswith("shot.png")  # never the sender's file name
    with tip.screenshot.open("rb") as stored:
        assert stored.read() == PNG
    assert AuditEvent.objects.filter(action="monitoring.tip_received").count() == 1
    page = client.get(url("tips")).content.decode()
    assert "Tip received" in page
    assert RUMOUR in page  # my tips
    assert f'href="{url("tips")}">Send a tip</a>' in page  # in every member's election menu
    assert url("tip_screenshot", tip.item_id) in page


def test_the_same_text_and_link_twice_is_one_item(client, cell: Cell) -> None:
    client.force_login(cell.writer)
    client.post(url("tips"), {"url": LINK, "text": RUMOUR})

    page = client.post(url("tips"), {"url": LINK, "text": f"  {RUMOUR} "}, follow=True)

    assert "You sent this tip already" in page.content.decode()
    assert Item.objects.filter(platform="tipline").count() == 1
    assert Tip.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"screenshot": png_upload(b"GIF89a" + bytes(100), "shot.png")}, "PNG, JPEG or WebP"),
        ({"screenshot": png_upload(PNG + bytes(5 * 1024 * 1024))}, "larger than 5 MB"),
        ({"note": "Seen in the Darbhanga group"}, "Give a link, a text or a screenshot"),
        ({"url": "javascript:alert(1)"}, "Enter a valid URL"),
    ],
)
def test_a_tip_that_cannot_be_taken_says_why_and_keeps_what_was_typed(
    client, cell: Cell, fields: dict[str, Any], error: str
) -> None:
    client.force_login(cell.writer)

    response = client.post(
        url("tips"), {"text": "", "note": "Seen in the Darbhanga group", **fields}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "The tip was not sent" in page
    assert error in page
    assert "Seen in the Darbhanga group" in page  # nothing typed is lost
    assert not Tip.objects.exists()
    assert not Item.objects.exists()


def test_only_members_of_the_election_reach_the_tip_screen(client, cell: Cell) -> None:
    tip, _new = submit_tip(
        election=cell.election,
        member=cell.writer,
        text=RUMOUR,
        url="",
        screenshot=PNG,
        note="",
        via="form",
    )
    client.force_login(person("outsider"))  # signed in, no role in the cell

    assert client.get(url("tips")).status_code == 404
    assert client.post(url("tips"), {"text": RUMOUR}).status_code == 404
    assert client.get(url("tip_screenshot", tip.item_id)).status_code == 404
    with pytest.raises(InvalidInput, match="Only members"):
        submit_tip(
            election=cell.election,
            member=person("outsider2"),
            text="x",
            url="",
            screenshot=None,
            note="",
            via="form",
        )


def test_a_screenshot_is_shown_to_its_sender_and_to_monitors_only(client, cell: Cell) -> None:
    tip, _new = submit_tip(
        election=cell.election,
        member=cell.writer,
        text=RUMOUR,
        url="",
        screenshot=JPEG,
        note="Ward 7 group",
        via="form",
    )
    screenshot = url("tip_screenshot", tip.item_id)

    client.force_login(cell.writer)  # the sender
    sent = client.get(screenshot)
    assert sent.status_code == 200
    assert sent["Content-Type"] == "image/jpeg"
    assert b"".join(sent.streaming_content) == JPEG  # type: ignore[attr-defined]
    assert "private" in sent["Cache-Control"]

    client.force_login(cell.lead)  # monitors: sees the item and its screenshot
    assert client.get(screenshot).status_code == 200
    item_page = client.get(url("item", tip.item_id)).content.decode()
    assert f'src="{screenshot}"' in item_page
    assert "Ward 7 group" in item_page

    client.force_login(person("writer2", cell.desk, Role.WRITER))  # a member, not the sender
    assert client.get(screenshot).status_code == 404
    assert client.get(url("item", tip.item_id)).status_code == 404
    assert tip.screenshot.url.startswith("/media/") or "media/" in tip.screenshot.url
    assert client.get("/" + tip.screenshot.url.lstrip("/")).status_code == 404  # no public copy


# Linking a Telegram account ----------------------------------------------------------------


def test_a_good_code_links_the_account_once_and_is_audited(cell: Cell) -> None:
    code = telegram_link_code(user=cell.writer, now=NOW - timedelta(minutes=10))

    link = link_telegram(code=code, telegram_user_id=RAVI["id"], now=NOW)

    assert (link.user, link.telegram_user_id) == (cell.writer, RAVI["id"])
    assert len(code) <= 64
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    assert AuditEvent.objects.filter(action="monitoring.telegram_linked").count() == 1
    with pytest.raises(InvalidInput, match="used already"):
        link_telegram(code=code, telegram_user_id=STRANGER["id"], now=NOW)
    assert TelegramLink.objects.get().telegram_user_id == RAVI["id"]


def test_an_expired_or_forged_code_links_nobody(cell: Cell) -> None:
    old = telegram_link_code(user=cell.writer, now=NOW - timedelta(minutes=61))
    good = telegram_link_code(user=cell.writer, now=NOW)
    other_user = good.replace(f"{cell.writer.pk}-", f"{cell.head.pk}-", 1)
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")

    with pytest.raises(InvalidInput, match="expired"):
        link_telegram(code=old, telegram_user_id=RAVI["id"], now=NOW)
    for forged in (other_user, tampered, "", "12", "1-2-3", "x" * 64):
        with pytest.raises(InvalidInput, match="not valid"):
            link_telegram(code=forged, telegram_user_id=RAVI["id"], now=NOW)
    assert not TelegramLink.objects.exists()


def test_the_tip_screen_offers_the_bot_link(client, cell: Cell, httpserver: HTTPServer) -> None:
    tipline(cell, httpserver)
    client.force_login(cell.writer)

    page = client.get(url("tips")).content.decode()

    assert "https://t.me/vip_tipline_bot?start=" in page
    assert TOKEN not in page


# The bot -----------------------------------------------------------------------------------


def tipline(cell: Cell, httpserver: HTTPServer) -> Source:
    return create_source(
        election=cell.election,
        name="Tipline",
        backend="tipline",
        options={"token": TOKEN, "username": "vip_tipline_bot", "api_url": httpserver.url_for("/")},
    )


def message(
    update_id: int, sender: dict[str, Any] = RAVI, chat: str = "private", **fields: Any
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id - 700000000,
            "from": sender,
            "chat": {"id": sender["id"] if chat == "private" else -4001, "type": chat},
            "date": AT,
            **fields,
        },
    }


def updates(httpserver: HTTPServer, found: list[Any] | str, offset: int | None = None) -> None:
    query = {"limit": "20", "timeout": "0", "allowed_updates": '["message"]'}
    if offset is not None:
        query["offset"] = str(offset)
    handler = httpserver.expect_oneshot_request(UPDATES, method="GET", query_string=query)
    if isinstance(found, str):
        handler.respond_with_data(
            found, status=502 if "<html" in found else 200, content_type="text/html"
        )
    else:
        handler.respond_with_json({"ok": True, "result": found})


def answers(httpserver: HTTPServer) -> list[dict[str, Any]]:
    return [
        json.loads(request.data) for request, _response in httpserver.log if request.path == SEND
    ]


def photo_file(
    httpserver: HTTPServer, data: bytes, file_size: int | None = None, file_id: str = "PHOTO-L"
) -> None:
    result: dict[str, Any] = {
        "file_id": file_id,
        "file_unique_id": "AQADu",
        "file_path": "photos/file_7.jpg",
    }
    if file_size is not None:
        result["file_size"] = file_size
    httpserver.expect_oneshot_request(
        GET_FILE, query_string={"file_id": file_id}
    ).respond_with_json({"ok": True, "result": result})
    if file_size is None or file_size <= 5 * 1024 * 1024:
        httpserver.expect_oneshot_request(f"/file/bot{TOKEN}/photos/file_7.jpg").respond_with_data(
            data, content_type="image/jpeg"
        )


PHOTO_SIZES = [
    {
        "file_id": "PHOTO-S",
        "file_unique_id": "AQADs",
        "width": 90,
        "height": 160,
        "file_size": 1200,
    },
    {
        "file_id": "PHOTO-L",
        "file_unique_id": "AQADu",
        "width": 720,
        "height": 1280,
        "file_size": 310,
    },
]


@pytest.fixture
def bot(cell: Cell, httpserver: HTTPServer) -> Source:
    httpserver.expect_request(SEND, method="POST").respond_with_json(
        {"ok": True, "result": {"message_id": 1}}
    )
    TelegramLink.objects.create(user=cell.writer, telegram_user_id=RAVI["id"])
    return tipline(cell, httpserver)


def poll(source: Source, django_capture_on_commit_callbacks, at: datetime = NOW):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return poll_source(source=Source.objects.get(pk=source.pk), now=at)


def test_the_bot_token_is_sealed(bot: Source) -> None:
    stored = Source.objects.get(pk=bot.pk).options
    assert set(stored["token"]) == {"sealed"}
    assert TOKEN not in json.dumps(stored)
    assert TOKEN not in json.dumps(list(AuditEvent.objects.values_list("after", flat=True)))


def test_a_linked_members_text_and_photo_become_tips(
    bot: Source, cell: Cell, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> None:
    text = f"{RUMOUR} देखिए {LINK}"
    link_at = len(text.encode("utf-16-le")) // 2 - len(LINK)
    updates(
        httpserver,
        [
            message(
                700000001,
                text=text,
                entities=[{"type": "url", "offset": link_at, "length": len(LINK)}],
            ),
            message(700000002, photo=PHOTO_SIZES, caption="Raghopur rally poster, fake?"),
        ],
    )
    photo_file(httpserver, JPEG, file_size=len(JPEG))

    polled = poll(bot, django_capture_on_commit_callbacks)

    assert polled.ok, polled.error
    first, second = Tip.objects.order_by("pk").select_related("item")
    assert (first.member, first.via, first.item.url) == (cell.writer, "telegram", LINK)
    assert first.item.text == text
    assert first.item.published_at == datetime.fromtimestamp(AT, tz=UTC)
    assert second.item.text == "Raghopur rally poster, fake?"
    with second.screenshot.open("rb") as stored:
        assert stored.read() == JPEG  # the largest size
    assert [a["chat_id"] for a in answers(httpserver)] == [RAVI["id"], RAVI["id"]]
    assert all("Received" in a["text"] for a in answers(httpserver))
    assert answers(httpserver)[0]["reply_parameters"]["message_id"] == 1
    assert Source.objects.get(pk=bot.pk).cursor == 700000003


def test_an_unknown_sender_is_told_how_to_link_and_nothing_is_kept(
    bot: Source, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> None:
    updates(httpserver, [message(700000005, sender=STRANGER, text=RUMOUR)])

    polled = poll(bot, django_capture_on_commit_callbacks)

    assert polled.ok
    assert not Item.objects.exists()
    assert not Tip.objects.exists()
    (said,) = answers(httpserver)
    assert said["chat_id"] == STRANGER["id"]
    assert "not linked" in said["text"]
    assert "Tips" in said["text"]
    assert Source.objects.get(pk=bot.pk).cursor == 700000006


def test_group_chats_are_not_read(
    bot: Source, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> None:
    updates(httpserver, [message(700000007, chat="group", text=RUMOUR)])

    assert poll(bot, django_capture_on_commit_callbacks).ok

    assert not Item.objects.exists()
    assert answers(httpserver) == []


def test_start_with_a_good_code_links_and_the_next_message_is_a_tip(
    bot: Source, cell: Cell, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> None:
    code = telegram_link_code(user=cell.lead, now=NOW - timedelta(minutes=5))
    updates(
        httpserver,
        [
            message(700000010, sender=STRANGER, text=f"/start {code}"),
            message(700000011, sender=STRANGER, text=RUMOUR),
        ],
    )

    assert poll(bot, django_capture_on_commit_callbacks).ok

    assert TelegramLink.objects.get(telegram_user_id=STRANGER["id"]).user == cell.lead
    assert Tip.objects.get().member == cell.lead
    linked, received = answers(httpserver)
    assert linked["text"].startswith("Linked")
    assert received["text"].startswith("Received")
    assert AuditEvent.objects.filter(action="monitoring.telegram_linked").count() == 1


@pytest.mark.parametrize("how", ["expired", "forged"])
def test_start_with_a_bad_code_links_nobody_and_says_so(
    bot: Source, cell: Cell, httpserver: HTTPServer, django_capture_on_commit_callbacks, how: str
) -> None:
    code = telegram_link_code(user=cell.lead, now=NOW - timedelta(hours=2))
    if how == "forged":
        code = telegram_link_code(user=cell.writer, now=NOW).replace(
            f"{cell.writer.pk}-", f"{cell.lead.pk}-", 1
        )
    updates(httpserver, [message(700000012, sender=STRANGER, text=f"/start {code}")])

    assert poll(bot, django_capture_on_commit_callbacks).ok

    assert not TelegramLink.objects.filter(telegram_user_id=STRANGER["id"]).exists()
    (said,) = answers(httpserver)
    assert ("expired" if how == "expired" else "not valid") in said["text"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ('{"ok": true, "result": [{"update_id": 700000020, "message": {', "cannot read"),
        ("<html><body><h1>502 Bad Gateway</h1></body></html>", "could not be reached"),
        (
            json.dumps(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 30",
                    "parameters": {"retry_after": 30},
                }
            ),
            "poll less often",
        ),
    ],
)
def test_a_broken_answer_is_a_clear_error_and_keeps_the_cursor_and_the_tips(
    bot: Source, httpserver: HTTPServer, django_capture_on_commit_callbacks, body: str, error: str
) -> None:
    updates(httpserver, [message(700000019, text=RUMOUR)])
    assert poll(bot, django_capture_on_commit_callbacks).ok
    if "429" in body:
        httpserver.expect_oneshot_request(UPDATES).respond_with_data(
            body, status=429, content_type="application/json"
        )
    else:
        updates(httpserver, body, offset=700000020)

    failed = poll(bot, django_capture_on_commit_callbacks, at=NOW + timedelta(minutes=1))

    assert not failed.ok
    source = Source.objects.get(pk=bot.pk)
    assert error in source.last_error
    assert TOKEN not in source.last_error
    assert source.cursor == 700000020
    assert source.consecutive_failures == 1
    assert Tip.objects.count() == 1  # nothing stored was lost
    if "429" in body:
        assert source.next_poll_at is not None
        assert source.next_poll_at >= NOW + timedelta(minutes=1, seconds=30)


@pytest.mark.parametrize("announced", [True, False])
def test_an_oversize_photo_is_left_out_the_text_kept_and_the_sender_told(
    bot: Source, httpserver: HTTPServer, django_capture_on_commit_callbacks, announced: bool
) -> None:
    huge = JPEG + bytes(6 * 1024 * 1024)
    updates(httpserver, [message(700000030, photo=PHOTO_SIZES, caption="Poster from Kishanganj")])
    if announced:
        photo_file(httpserver, huge, file_size=len(huge))
    else:  # the size not said, and more sent than the limit
        photo_file(httpserver, huge)

    polled = poll(bot, django_capture_on_commit_callbacks)

    assert polled.ok
    tip = Tip.objects.get()
    assert tip.item.text == "Poster from Kishanganj"
    assert not tip.screenshot
    source = Source.objects.get(pk=bot.pk)
    assert "larger than 5 MB" in source.last_error  # shown on the source's health
    assert source.cursor == 700000031  # one photo never stops the tipline
    (said,) = answers(httpserver)
    assert "left out" in said["text"]


def test_a_photo_telegram_cannot_give_now_is_read_again_next_time(
    bot: Source, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> None:
    updates(httpserver, [message(700000040, photo=PHOTO_SIZES, caption="Booth 112 video still")])
    httpserver.expect_oneshot_request(GET_FILE).respond_with_data("<h1>500</h1>", status=500)

    failed = poll(bot, django_capture_on_commit_callbacks)

    assert not failed.ok
    assert not Tip.objects.exists()
    assert Source.objects.get(pk=bot.pk).cursor is None  # the message is read again
    assert answers(httpserver) == []


def test_a_file_that_is_not_an_image_is_left_out(
    bot: Source, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> None:
    updates(httpserver, [message(700000050, photo=PHOTO_SIZES, caption="Photo of the pamphlet")])
    photo_file(httpserver, b"<html><script>alert(1)</script></html>")

    assert poll(bot, django_capture_on_commit_callbacks).ok

    assert not Tip.objects.get().screenshot
    assert "not a PNG, JPEG or WebP" in Source.objects.get(pk=bot.pk).last_error


def test_a_slow_drip_of_a_download_is_cut_off(
    bot: Source, httpserver: HTTPServer, django_capture_on_commit_callbacks
) -> None:
    def endless(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            yield JPEG
            for _n in range(20 * 1024):
                yield bytes(1024)

        return Response(chunks(), content_type="image/jpeg")

    updates(httpserver, [message(700000060, photo=PHOTO_SIZES)])
    httpserver.expect_oneshot_request(GET_FILE).respond_with_json(
        {
            "ok": True,
            "result": {
                "file_id": "PHOTO-L",
                "file_unique_id": "u",
                "file_path": "photos/file_9.jpg",
            },
        }
    )
    httpserver.expect_oneshot_request(f"/file/bot{TOKEN}/photos/file_9.jpg").respond_with_handler(
        endless
    )

    assert poll(bot, django_capture_on_commit_callbacks).ok

    # A photo alone, left out: nothing to keep, and the sender is told.
    assert not Tip.objects.exists()
    (said,) = answers(httpserver)
    assert "left out" in said["text"]
