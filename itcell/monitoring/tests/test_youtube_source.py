"""YouTubeSource against a local server answering as the YouTube Data API v3 does
(developers.google.com/youtube/v3: commentThreads.list with videoId or
allThreadsRelatedToChannelId, order=time, pageToken/nextPageToken, the commentThread resource,
the documented errors and the quota), and as a broken or hostile one does."""

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from itcell.core import clock
from itcell.elections.models import Election
from itcell.monitoring.errors import (
    Malformed,
    Misconfigured,
    RateLimited,
    SourceError,
    TooLarge,
    Unreachable,
)
from itcell.monitoring.models import EngagementSnapshot, Item, Source
from itcell.monitoring.services import create_source, poll_source
from itcell.monitoring.sources.youtube import YouTubeSource

# Monday 26 October 2020, 13:30 in Patna; 01:00 in California (PDT, UTC-7).
NOW = datetime(2020, 10, 26, 8, 0, tzinfo=UTC)
KEY = "AIzaSyD3-bihar2020-Xq8LmN0pRsTuVwYz1234"  # the shape Google's API keys have
VIDEO = "q7Rz9bHk2Lw"
CHANNEL = "UCx4VqJbH1m9Kp0sRtBihar"
PATH = "/commentThreads"


@pytest.fixture(autouse=True)
def _no_stray_requests(httpserver: HTTPServer) -> Iterator[None]:
    clock.set_now(NOW)
    yield
    httpserver.check_assertions()  # a request no handler expected fails the test


def thread(
    thread_id: str,
    text: str,
    published: str,
    *,
    author: str = "Ravi Ranjan",
    likes: int = 0,
    replies: int = 0,
    video: str = VIDEO,
    **comment: Any,
) -> dict[str, Any]:
    """A commentThread resource as the docs show it."""
    return {
        "kind": "youtube#commentThread",
        "etag": f"etag-{thread_id}",
        "id": thread_id,
        "snippet": {
            "channelId": CHANNEL,
            "videoId": video,
            "topLevelComment": {
                "kind": "youtube#comment",
                "etag": f"etag-c-{thread_id}",
                "id": thread_id,
                "snippet": {
                    "channelId": CHANNEL,
                    "videoId": video,
                    "textDisplay": text.replace("\n", "<br>"),
                    "textOriginal": text,
                    "authorDisplayName": author,
                    "authorProfileImageUrl": "https://yt3.ggpht.example/a.jpg",
                    "authorChannelUrl": "http://www.youtube.com/channel/UCauthor",
                    "authorChannelId": {"value": "UCauthor"},
                    "canRate": True,
                    "viewerRating": "none",
                    "likeCount": likes,
                    "publishedAt": published,
                    "updatedAt": published,
                    **comment,
                },
            },
            "canReply": True,
            "totalReplyCount": replies,
            "isPublic": True,
        },
    }


RAGHOPUR = thread(
    "UgyRaghopur01",
    "तेजस्वी यादव राघोपुर में आज सभा करेंगे, RJD कार्यकर्ता तैयार",
    "2020-10-26T07:40:00Z",
    author="Sanjay Yadav",
    likes=41,
    replies=6,
)
BAHADURGANJ = thread(
    "UgyBahadurganj02",
    "Bahadurganj me VIP ki rally, Lakhan Lal Pandit ne kaha vikas hoga",
    "2020-10-26T07:20:00Z",
    likes=3,
)
# textOriginal is given only to the comment's author and the video's owner; others get
# textDisplay, which is HTML.
FLOOD = thread(
    "UgyFlood03",
    "",
    "2020-10-26T06:55:00Z",
    author="Kishanganj Live",
    textDisplay="Flood relief <b>yet to reach</b> Kochadhaman &amp; Amour<br>पानी अब भी भरा है",
)
OLD = thread("UgyOld04", "दरभंगा में बूथ बैठक कल", "2020-10-25T18:00:00Z")


def page(*threads: Any, next_token: str = "") -> dict[str, Any]:
    answer: dict[str, Any] = {
        "kind": "youtube#commentThreadListResponse",
        "etag": "etag-page",
        "pageInfo": {"totalResults": len(threads), "resultsPerPage": 100},
        "items": list(threads),
    }
    if next_token:
        answer["nextPageToken"] = next_token
    return answer


def query(token: str = "", **where: str) -> dict[str, str]:
    asked = {
        "part": "snippet",
        "order": "time",
        "maxResults": "100",
        **(where or {"videoId": VIDEO}),
    }
    return {**asked, "pageToken": token} if token else asked


def serve(httpserver: HTTPServer, answer: dict[str, Any], token: str = "", **where: str) -> None:
    httpserver.expect_oneshot_request(
        PATH, method="GET", query_string=query(token, **where), headers={"X-Goog-Api-Key": KEY}
    ).respond_with_json(answer)


def error(code: int, reason: str, message: str, **more: Any) -> dict[str, Any]:
    """An error answer as docs/errors shows it."""
    detail = {"message": message, "domain": "youtube.commentThread", "reason": reason}
    return {"error": {"code": code, "message": message, "errors": [detail], **more}}


def refuse(httpserver: HTTPServer, status: int, body: dict[str, Any] | str) -> None:
    data = json.dumps(body) if isinstance(body, dict) else body
    httpserver.expect_oneshot_request(PATH).respond_with_data(
        data, status=status, content_type="application/json; charset=UTF-8"
    )


def comments(httpserver: HTTPServer, **options: Any) -> YouTubeSource:
    where: dict[str, Any] = (
        {"channel_id": CHANNEL} if options.pop("channel", False) else {"video_id": VIDEO}
    )
    return YouTubeSource(api_key=KEY, api_url=httpserver.url_for("/"), **where, **options)


def test_the_first_poll_reads_every_page_into_items(httpserver: HTTPServer) -> None:
    serve(httpserver, page(RAGHOPUR, BAHADURGANJ, next_token="QURTSl9pM2"))
    serve(httpserver, page(FLOOD), token="QURTSl9pM2")

    batch = comments(httpserver).fetch(None)

    raghopur, bahadurganj, flood = batch.items
    assert raghopur.external_id == "UgyRaghopur01"
    assert raghopur.text == "तेजस्वी यादव राघोपुर में आज सभा करेंगे, RJD कार्यकर्ता तैयार"
    assert raghopur.url == f"https://www.youtube.com/watch?v={VIDEO}&lc=UgyRaghopur01"
    assert raghopur.author == "Sanjay Yadav"
    assert raghopur.published_at == datetime(2020, 10, 26, 7, 40, tzinfo=UTC)
    assert (raghopur.likes, raghopur.replies) == (41, 6)
    assert bahadurganj.text.startswith("Bahadurganj me VIP ki rally")
    assert flood.text == "Flood relief yet to reach Kochadhaman & Amour\nपानी अब भी भरा है"
    assert batch.cursor == {"since": "2020-10-26T07:40:00Z"}
    assert batch.problems == []


def test_a_channels_comments_are_asked_for_by_channel(httpserver: HTTPServer) -> None:
    other_video = thread(
        "UgyOther05", "मधुबनी से VIP उम्मीदवार", "2020-10-26T07:45:00Z", video="aB3dE"
    )
    serve(httpserver, page(other_video, RAGHOPUR), allThreadsRelatedToChannelId=CHANNEL)

    batch = comments(httpserver, channel=True).fetch(None)

    assert [i.url for i in batch.items] == [
        "https://www.youtube.com/watch?v=aB3dE&lc=UgyOther05",
        f"https://www.youtube.com/watch?v={VIDEO}&lc=UgyRaghopur01",
    ]


def test_the_next_poll_stops_at_the_first_comment_older_than_the_cursor(
    httpserver: HTTPServer,
) -> None:
    # No handler for the second page: asking for it fails the test.
    serve(httpserver, page(RAGHOPUR, BAHADURGANJ, FLOOD, next_token="QURTSl9pM2"))

    batch = comments(httpserver).fetch({"since": "2020-10-26T07:20:00Z"})

    # The comment at the cursor's very second is read again (the ingest dedupes it): another
    # comment of that second may have come after the last poll.
    assert [i.external_id for i in batch.items] == ["UgyRaghopur01", "UgyBahadurganj02"]
    assert batch.cursor == {"since": "2020-10-26T07:40:00Z"}


def test_nothing_new_keeps_the_cursor(httpserver: HTTPServer) -> None:
    serve(httpserver, page(FLOOD, OLD, next_token="QURTSl9pM2"))

    batch = comments(httpserver).fetch({"since": "2020-10-26T07:40:00Z"})

    assert batch.items == []
    assert batch.cursor == {"since": "2020-10-26T07:40:00Z"}


def test_a_poll_stopped_by_max_pages_resumes_down_the_listing_next_time(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, page(RAGHOPUR, next_token="PAGE2"))
    serve(httpserver, page(BAHADURGANJ, next_token="PAGE3"), token="PAGE2")
    serve(httpserver, page(FLOOD, OLD, next_token="PAGE4"), token="PAGE3")
    source = comments(httpserver, max_pages=2)

    first = source.fetch({"since": "2020-10-26T00:00:00Z"})
    second = source.fetch(first.cursor)

    assert [i.external_id for i in first.items] == ["UgyRaghopur01", "UgyBahadurganj02"]
    assert first.cursor == {
        "since": "2020-10-26T00:00:00Z",
        "page_token": "PAGE3",
        "newest": "2020-10-26T07:40:00Z",
    }
    assert [i.external_id for i in second.items] == ["UgyFlood03"]
    assert second.cursor == {"since": "2020-10-26T07:40:00Z"}


def test_an_expired_page_token_is_read_again_from_the_newest(httpserver: HTTPServer) -> None:
    refuse(
        httpserver,
        400,
        error(400, "invalidPageToken", "The request specifies an invalid page token."),
    )
    serve(httpserver, page(RAGHOPUR, FLOOD, OLD))
    cursor = {
        "since": "2020-10-26T00:00:00Z",
        "page_token": "EXPIRED",
        "newest": "2020-10-26T07:40:00Z",
    }

    batch = comments(httpserver).fetch(cursor)

    assert [i.external_id for i in batch.items] == ["UgyRaghopur01", "UgyFlood03"]
    assert batch.cursor == {"since": "2020-10-26T07:40:00Z"}


def test_a_bad_comment_among_good_ones_is_reported_and_skipped(httpserver: HTTPServer) -> None:
    no_date = thread("UgyNoDate06", "पटना साहिब में जाम", "yesterday")
    no_text = thread("UgyEmpty07", "", "2020-10-26T07:30:00Z", textDisplay="<br>")
    no_comment = {"kind": "youtube#commentThread", "id": "UgyBare08", "snippet": {}}
    serve(httpserver, page(RAGHOPUR, no_date, next_token="P2"))
    serve(httpserver, page(no_text, "not a thread", no_comment, BAHADURGANJ), token="P2")

    batch = comments(httpserver).fetch(None)

    assert [i.external_id for i in batch.items] == ["UgyRaghopur01", "UgyBahadurganj02"]
    assert [p.row for p in batch.problems] == [2, 3, 4, 5]
    messages = [p.message for p in batch.problems]
    assert "UgyNoDate06" in messages[0]
    assert "publishedAt" in messages[0]
    assert "UgyEmpty07" in messages[1]
    assert "no text" in messages[1]
    assert "no id" in messages[2]
    assert "UgyBare08" in messages[3]
    assert "top-level comment" in messages[3]


def test_a_used_up_quota_waits_for_midnight_pacific_time(httpserver: HTTPServer) -> None:
    refuse(
        httpserver,
        403,
        error(
            403,
            "quotaExceeded",
            'The request cannot be completed because you have exceeded your <a href="/youtube/'
            'v3/getting-started#quota">quota</a>.',
        ),
    )

    with pytest.raises(RateLimited, match=r"exceeded your quota.*midnight") as raised:
        comments(httpserver).fetch(None)

    # 01:00 PDT on 26 October: midnight in California is 23 hours away.
    assert raised.value.retry_after == 23 * 3600


def test_a_rate_limit_waits_a_few_minutes(httpserver: HTTPServer) -> None:
    refuse(httpserver, 403, error(403, "rateLimitExceeded", "Rate Limit Exceeded"))

    with pytest.raises(RateLimited) as raised:
        comments(httpserver).fetch(None)

    assert raised.value.retry_after == 300


@pytest.mark.parametrize(
    ("status", "body", "says"),
    [
        (
            400,
            {
                "error": {
                    "code": 400,
                    "message": "API key not valid. Please pass a valid API key.",
                    "errors": [
                        {
                            "message": "API key not valid. Please pass a valid API key.",
                            "domain": "global",
                            "reason": "badRequest",
                        }
                    ],
                    "status": "INVALID_ARGUMENT",
                    "details": [
                        {
                            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                            "reason": "API_KEY_INVALID",
                            "domain": "googleapis.com",
                        }
                    ],
                }
            },
            "refused the API key",
        ),
        (400, error(400, "keyInvalid", "Bad Request"), "refused the API key"),
        (403, error(403, "forbidden", "Access forbidden."), "refused access"),
        (
            403,
            error(
                403,
                "commentsDisabled",
                "The video identified by the <code>videoId</code> parameter has disabled comments.",
            ),
            "comments are turned off",
        ),
        (
            404,
            error(
                404,
                "videoNotFound",
                "The video identified by the <code>videoId</code> parameter could not be found.",
            ),
            "no such video or channel",
        ),
    ],
)
def test_a_documented_refusal_is_misconfigured_and_says_what_to_do(
    httpserver: HTTPServer, status: int, body: dict[str, Any], says: str
) -> None:
    refuse(httpserver, status, body)

    with pytest.raises(Misconfigured, match=says) as raised:
        comments(httpserver).fetch(None)

    assert "<code>" not in str(raised.value)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (503, error(503, "backendError", "Backend Error")),
        (500, "<html><title>Error 500 (Server Error)!!1</title></html>"),
    ],
)
def test_a_server_error_is_unreachable(
    httpserver: HTTPServer, status: int, body: dict[str, Any] | str
) -> None:
    refuse(httpserver, status, body)

    with pytest.raises(Unreachable):
        comments(httpserver).fetch(None)


def test_youtube_not_answering_in_time_is_unreachable(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response(json.dumps(page()), content_type="application/json")

    httpserver.expect_oneshot_request(PATH).respond_with_handler(slow)

    with pytest.raises(Unreachable, match="Timeout"):
        comments(httpserver, timeout=0.2).fetch(None)
    time.sleep(1.0)  # let the server finish the slow answer before the next test


@pytest.mark.parametrize(
    "body",
    ['{"kind": "youtube#commentThreadListResponse", "items": [{"id": ', '{"items": null}', "[]"],
)
def test_an_answer_that_is_not_a_list_of_threads_is_malformed(
    httpserver: HTTPServer, body: str
) -> None:
    httpserver.expect_oneshot_request(PATH).respond_with_data(body, content_type="application/json")

    with pytest.raises(Malformed):
        comments(httpserver).fetch(None)


def test_a_huge_body_stops_at_the_limit(httpserver: HTTPServer) -> None:
    sent = []

    def endless(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            yield b'{"kind": "youtube#commentThreadListResponse", "items": ['
            for n in range(50 * 1024):  # 50 MB in 1 KB chunks, no Content-Length
                sent.append(1024)
                yield (
                    json.dumps(thread(f"Ugy{n}", "x" * 200, "2020-10-26T07:00:00Z")) + ","
                ).encode()

        return Response(chunks(), content_type="application/json")

    httpserver.expect_oneshot_request(PATH).respond_with_handler(endless)

    with pytest.raises(TooLarge, match="bytes read"):
        comments(httpserver, max_bytes=200_000).fetch(None)

    assert sum(sent) < 10 * 1024 * 1024, sum(sent)


def test_a_huge_announced_body_is_refused_before_reading(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(PATH).respond_with_data(
        json.dumps(page()) + " " * 300_000, content_type="application/json"
    )

    with pytest.raises(TooLarge, match="announced"):
        comments(httpserver, max_bytes=200_000).fetch(None)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, error(400, "keyInvalid", f"API key {KEY} not valid")),
        (403, error(403, "quotaExceeded", f"Quota of key={KEY} exceeded")),
        (403, error(403, "forbidden", f"<b>{KEY}</b>")),
        (500, error(500, "backendError", KEY)),
        (500, f"GET /commentThreads?key={KEY}"),
    ],
)
def test_the_key_never_appears_in_an_error_nor_in_the_url(
    httpserver: HTTPServer, status: int, body: dict[str, Any] | str
) -> None:
    refuse(httpserver, status, body)

    with pytest.raises(SourceError) as raised:
        comments(httpserver).fetch(None)

    assert KEY not in str(raised.value)
    assert KEY not in raised.value.detail
    (request, _response) = httpserver.log[-1]
    assert KEY not in request.url
    assert request.headers["X-Goog-Api-Key"] == KEY


@pytest.mark.parametrize(
    "options",
    [{}, {"video_id": VIDEO, "channel_id": CHANNEL}, {"video_id": VIDEO, "max_pages": 0}],
)
def test_a_source_naming_neither_or_both_or_no_pages_is_refused(options: dict[str, Any]) -> None:
    with pytest.raises(Misconfigured):
        YouTubeSource(api_key=KEY, **options)


def test_a_poll_stores_the_comments_and_a_used_up_quota_keeps_them(
    httpserver: HTTPServer, bihar: Election
) -> None:
    source = create_source(
        election=bihar,
        name="RJD rally video comments",
        backend="youtube",
        options={"api_key": KEY, "video_id": VIDEO, "api_url": httpserver.url_for("/")},
    )
    serve(httpserver, page(RAGHOPUR, BAHADURGANJ))
    refuse(httpserver, 403, error(403, "quotaExceeded", "You have exceeded your quota."))

    stored = poll_source(source=source, now=NOW)
    later = clock.advance(timedelta(minutes=15))
    limited = poll_source(source=source, now=later)

    assert stored.ok
    assert stored.ingested is not None
    assert stored.ingested.new == 2
    item = Item.objects.get(external_id="UgyRaghopur01")
    assert item.platform == "youtube"
    assert item.tags.filter(kind="ac", key="128").exists()  # Raghopur
    assert EngagementSnapshot.objects.filter(item=item, likes=41, replies=6).exists()
    assert not limited.ok
    source = Source.objects.get(pk=source.pk)
    assert source.cursor == {"since": "2020-10-26T07:40:00Z"}
    assert source.consecutive_failures == 1
    assert "quota" in source.last_error
    assert KEY not in source.last_error
    # The next poll waits for midnight in California, not the usual backoff.
    assert source.next_poll_at == datetime(2020, 10, 27, 7, 0, tzinfo=UTC)
