"""TelegramSource against a local server answering as the Bot API does (core.telegram.org/bots/api:
getUpdates with offset and allowed_updates, the Update and Message objects, the
``{"ok": false, "error_code": ..., "description": ...}`` errors and ``parameters.retry_after``),
and as a broken or hostile one does."""

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from itcell.elections.models import Election
from itcell.monitoring.errors import (
    Malformed,
    Misconfigured,
    RateLimited,
    SourceError,
    TooLarge,
    Unreachable,
)
from itcell.monitoring.models import Item, Source
from itcell.monitoring.services import create_source, poll_source
from itcell.monitoring.sources.telegram import TelegramSource

NOW = datetime(2020, 10, 26, 8, 0, tzinfo=UTC)
TOKEN = "5811134242:AAGx7d1Vw0QyR9pLq3sTzK8mNbH2cJfE4uY"  # the shape @BotFather gives
PATH = f"/bot{TOKEN}/getUpdates"
ALLOWED = '["channel_post", "edited_channel_post"]'

YUVA = {
    "id": -1001427391234,
    "title": "बिहार युवा मंच",
    "username": "BiharYuvaManch",
    "type": "channel",
}
MITHILA = {
    "id": -1001588804411,
    "title": "Mithila Samvad",
    "username": "mithila_samvad",
    "type": "channel",
}
PRIVATE = {"id": -1001700000042, "title": "VIP कार्यकर्ता (दरभंगा)", "type": "channel"}
# Monday 26 October 2020, 12:30 and 12:45 in Patna.
AT_1230, AT_1245 = 1603695600, 1603696500


def post(chat: dict[str, Any], message_id: int, date: int = AT_1230, **more: Any) -> dict[str, Any]:
    """A channel post as the Message object shows it (sender_chat is the channel itself)."""
    return {"message_id": message_id, "sender_chat": chat, "chat": chat, "date": date, **more}


def update(update_id: int, kind: str = "channel_post", **message: Any) -> dict[str, Any]:
    return {"update_id": update_id, kind: message}


RAGHOPUR = update(
    730114401,
    **post(YUVA, 2101, text="राघोपुर में तेजस्वी यादव की सभा, रोज़गार का वादा फिर दोहराया", views=1840),
)
BAHADURGANJ = update(
    730114402,
    **post(
        MITHILA,
        377,
        AT_1245,
        photo=[{"file_id": "AgACAgUAAx0", "file_unique_id": "AQADx", "width": 1280, "height": 720}],
        caption="Bahadurganj me VIP ki rally, Lakhan Lal Pandit ne kaha vikas hoga",
    ),
)
DARBHANGA = update(730114403, **post(PRIVATE, 88, text="दरभंगा ग्रामीण में बूथ बैठक शाम 5 बजे"))
TO_THE_BOT = {  # a person writing to the bot: not a channel post, not for monitoring
    "update_id": 730114404,
    "message": {
        "message_id": 12,
        "from": {"id": 99, "is_bot": False, "first_name": "Ravi"},
        "chat": {"id": 99, "type": "private", "first_name": "Ravi"},
        "date": AT_1245,
        "text": "/start",
    },
}


@pytest.fixture(autouse=True)
def _no_stray_requests(httpserver: HTTPServer) -> Iterator[None]:
    yield
    httpserver.check_assertions()  # a request no handler expected fails the test


def bot(httpserver: HTTPServer, **options: Any) -> TelegramSource:
    return TelegramSource(token=TOKEN, api_url=httpserver.url_for("/"), **options)


def query(offset: int | None = None) -> dict[str, str]:
    asked = {"limit": "100", "timeout": "0", "allowed_updates": ALLOWED}
    return {**asked, "offset": str(offset)} if offset is not None else asked


def answer(
    httpserver: HTTPServer, updates: list[Any], offset: int | None = None, **more: Any
) -> None:
    httpserver.expect_oneshot_request(
        PATH, method="GET", query_string=query(offset)
    ).respond_with_json({"ok": True, "result": updates, **more})


def refuse(httpserver: HTTPServer, status: int, body: dict[str, Any] | str) -> None:
    data = json.dumps(body) if isinstance(body, dict) else body
    httpserver.expect_oneshot_request(PATH).respond_with_data(
        data, status=status, content_type="application/json"
    )


def test_the_first_poll_reads_channel_posts_and_captions(httpserver: HTTPServer) -> None:
    answer(httpserver, [RAGHOPUR, BAHADURGANJ, DARBHANGA, TO_THE_BOT])

    batch = bot(httpserver).fetch(None)

    raghopur, bahadurganj, darbhanga = batch.items
    assert raghopur.external_id == "-1001427391234:2101"
    assert raghopur.text == "राघोपुर में तेजस्वी यादव की सभा, रोज़गार का वादा फिर दोहराया"
    assert raghopur.url == "https://t.me/BiharYuvaManch/2101"
    assert raghopur.author == "बिहार युवा मंच"
    assert raghopur.published_at == datetime(2020, 10, 26, 7, 0, tzinfo=UTC)
    assert raghopur.views == 1840
    assert bahadurganj.text.startswith("Bahadurganj me VIP ki rally")  # the photo's caption
    assert bahadurganj.published_at == datetime(2020, 10, 26, 7, 15, tzinfo=UTC)
    assert bahadurganj.views is None
    # A channel without a username has no public link.
    assert (darbhanga.url, darbhanga.author) == ("", "VIP कार्यकर्ता (दरभंगा)")
    # The bot's own messages are no item, but the offset moves past them.
    assert batch.cursor == 730114405
    assert batch.problems == []


def test_the_next_poll_asks_from_the_offset_and_nothing_new_keeps_it(
    httpserver: HTTPServer,
) -> None:
    answer(httpserver, [RAGHOPUR])
    answer(httpserver, [], offset=730114402)
    source = bot(httpserver)

    first = source.fetch(None)
    second = source.fetch(first.cursor)

    assert first.cursor == 730114402
    assert second.items == []
    assert second.cursor == 730114402


def test_an_edited_post_keeps_its_id_so_the_ingest_dedupes_it(httpserver: HTTPServer) -> None:
    edited = update(
        730114410,
        "edited_channel_post",
        **post(YUVA, 2101, text="राघोपुर सभा: समय बदला, अब 3 बजे", edit_date=AT_1245),
    )
    answer(httpserver, [edited], offset=730114402)

    (item,) = bot(httpserver).fetch(730114402).items

    assert item.external_id == "-1001427391234:2101"
    assert item.text == "राघोपुर सभा: समय बदला, अब 3 बजे"


def test_only_the_named_channels_are_kept(httpserver: HTTPServer) -> None:
    answer(httpserver, [RAGHOPUR, BAHADURGANJ, DARBHANGA])

    batch = bot(httpserver, channels=["@biharyuvamanch", -1001700000042]).fetch(None)

    assert [i.external_id for i in batch.items] == ["-1001427391234:2101", "-1001700000042:88"]
    assert batch.cursor == 730114404  # past the channel left out too


def test_a_bad_update_among_good_ones_is_reported_and_skipped(httpserver: HTTPServer) -> None:
    no_date = update(730114402, **{k: v for k, v in post(MITHILA, 378).items() if k != "date"})
    no_chat = {"update_id": 730114403, "channel_post": {"message_id": 5, "date": AT_1230}}
    not_an_update = ["channel_post"]
    answer(httpserver, [RAGHOPUR, no_date, no_chat, not_an_update, DARBHANGA])

    batch = bot(httpserver).fetch(None)

    assert [i.external_id for i in batch.items] == ["-1001427391234:2101", "-1001700000042:88"]
    assert [(p.row, p.source) for p in batch.problems] == [
        (2, "getUpdates, update 730114402"),
        (3, "getUpdates, update 730114403"),
        (4, "getUpdates"),
    ]
    assert "date" in batch.problems[0].message
    assert "chat" in batch.problems[1].message
    assert "update_id" in batch.problems[2].message
    assert all(TOKEN not in str(p) for p in batch.problems)
    assert batch.cursor == 730114404


def test_a_refused_token_is_misconfigured(httpserver: HTTPServer) -> None:
    refuse(httpserver, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})

    with pytest.raises(Misconfigured, match=r"bot token was refused.*BotFather"):
        bot(httpserver).fetch(None)


def test_a_bot_with_a_webhook_is_misconfigured(httpserver: HTTPServer) -> None:
    refuse(
        httpserver,
        409,
        {
            "ok": False,
            "error_code": 409,
            "description": "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        },
    )

    with pytest.raises(Misconfigured, match=r"webhook set.*deleteWebhook"):
        bot(httpserver).fetch(None)


def test_429_is_rate_limited_for_the_seconds_telegram_says(httpserver: HTTPServer) -> None:
    refuse(
        httpserver,
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 17",
            "parameters": {"retry_after": 17},
        },
    )

    with pytest.raises(RateLimited, match="retry after 17") as raised:
        bot(httpserver).fetch(None)

    assert raised.value.retry_after == 17


def test_a_429_page_from_a_proxy_is_rate_limited_too(httpserver: HTTPServer) -> None:
    refuse(httpserver, 429, "<html><body>429 Too Many Requests</body></html>")

    with pytest.raises(RateLimited) as raised:
        bot(httpserver).fetch(None)

    assert raised.value.retry_after is None  # the usual backoff applies


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (502, "<html><body><h1>502 Bad Gateway</h1></body></html>"),
        (500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}),
    ],
)
def test_a_server_error_is_unreachable(
    httpserver: HTTPServer, status: int, body: dict[str, Any] | str
) -> None:
    refuse(httpserver, status, body)

    with pytest.raises(Unreachable):
        bot(httpserver).fetch(None)


def test_telegram_not_answering_in_time_is_unreachable(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response(json.dumps({"ok": True, "result": []}), content_type="application/json")

    httpserver.expect_oneshot_request(PATH).respond_with_handler(slow)

    with pytest.raises(Unreachable, match="Timeout") as raised:
        bot(httpserver, timeout=0.2).fetch(None)

    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__
    time.sleep(1.0)  # let the server finish the slow answer before the next test


@pytest.mark.parametrize(
    "body",
    [
        '{"ok": true, "result": [{"update_id": 1, "channel_post": {',
        '{"ok": true, "result": {"update_id": 1}}',
        "[]",
        "\xff\xfe not json",
    ],
)
def test_an_answer_that_is_not_a_list_of_updates_is_malformed(
    httpserver: HTTPServer, body: str
) -> None:
    httpserver.expect_oneshot_request(PATH).respond_with_data(
        body.encode("latin-1"), content_type="application/json"
    )

    with pytest.raises(Malformed):
        bot(httpserver).fetch(None)


def test_a_huge_body_stops_at_the_limit(httpserver: HTTPServer) -> None:
    sent = []

    def endless(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            yield b'{"ok": true, "result": ['
            for n in range(50 * 1024):  # 50 MB in 1 KB chunks, no Content-Length
                sent.append(1024)
                yield (json.dumps(update(n, **post(YUVA, n, text="x" * 900))) + ",").encode()

        return Response(chunks(), content_type="application/json")

    httpserver.expect_oneshot_request(PATH).respond_with_handler(endless)

    with pytest.raises(TooLarge, match="bytes read"):
        bot(httpserver, max_bytes=200_000).fetch(None)

    assert sum(sent) < 10 * 1024 * 1024, sum(sent)


def test_a_huge_announced_body_is_refused_before_reading(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(PATH).respond_with_data(
        b'{"ok": true, "result": []}' + b" " * 300_000, content_type="application/json"
    )

    with pytest.raises(TooLarge, match="announced"):
        bot(httpserver, max_bytes=200_000).fetch(None)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (401, {"ok": False, "error_code": 401, "description": f"Unauthorized: bot{TOKEN}"}),
        (409, {"ok": False, "error_code": 409, "description": f"Conflict {TOKEN}"}),
        (429, {"ok": False, "error_code": 429, "description": TOKEN}),
        (400, {"ok": False, "error_code": 400, "description": f"Bad Request: {TOKEN}"}),
        (502, f"<h1>Bad Gateway</h1> GET /bot{TOKEN}/getUpdates"),
        (200, f'{{"ok": true, "result": "/bot{TOKEN}/"}}'),
    ],
)
def test_the_token_never_appears_in_an_error(
    httpserver: HTTPServer, status: int, body: dict[str, Any] | str
) -> None:
    refuse(httpserver, status, body)

    with pytest.raises(SourceError) as raised:
        bot(httpserver).fetch(None)

    assert TOKEN not in str(raised.value)
    assert TOKEN not in raised.value.detail
    assert TOKEN.split(":")[1] not in str(raised.value)


def test_no_connection_is_unreachable_without_the_token() -> None:
    source = TelegramSource(token=TOKEN, api_url="http://127.0.0.1:9", timeout=2)

    with pytest.raises(Unreachable, match="could not be reached") as raised:
        source.fetch(None)

    assert TOKEN not in str(raised.value)
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__


def test_a_token_of_the_wrong_shape_is_refused_when_the_source_is_built() -> None:
    with pytest.raises(Misconfigured, match="BotFather"):
        TelegramSource(token="not-a-token")


def test_a_poll_stores_the_posts_and_a_refused_token_keeps_them(
    httpserver: HTTPServer,
    bihar: Election,
) -> None:
    source = create_source(
        election=bihar,
        name="Bihar Yuva Manch",
        backend="telegram",
        options={
            "token": TOKEN,
            "api_url": httpserver.url_for("/"),
            "channels": ["BiharYuvaManch"],
        },
    )
    answer(httpserver, [RAGHOPUR, BAHADURGANJ])
    refuse(httpserver, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})

    stored = poll_source(source=source, now=NOW)
    refused = poll_source(source=source, now=NOW + timedelta(minutes=2))

    assert stored.ok
    assert stored.ingested is not None
    assert stored.ingested.new == 1
    item = Item.objects.get()
    assert (item.platform, item.external_id) == ("telegram", "-1001427391234:2101")
    assert item.url == "https://t.me/BiharYuvaManch/2101"
    assert item.tags.filter(kind="ac", key="128").exists()  # Raghopur
    assert not refused.ok
    source = Source.objects.get(pk=source.pk)
    assert source.cursor == 730114403
    assert source.consecutive_failures == 1
    assert "bot token was refused" in source.last_error
    assert TOKEN not in source.last_error
