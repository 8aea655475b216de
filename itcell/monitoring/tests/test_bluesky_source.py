"""BlueskySource against a local server answering as Bluesky's AppView does over XRPC
(docs.bsky.app: app.bsky.feed.searchPosts, app.bsky.feed.getAuthorFeed, PostView and
FeedViewPost; atproto.com/specs/xrpc: error bodies and status codes; rate-limit headers),
and as a broken or hostile one does."""

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
from itcell.monitoring.errors import Malformed, Misconfigured, RateLimited, TooLarge, Unreachable
from itcell.monitoring.models import Item, Source
from itcell.monitoring.services import create_source, poll_source
from itcell.monitoring.sources.bluesky import AUTHOR_FEED, SEARCH, BlueskySource

NOW = datetime(2020, 10, 26, 8, 0, tzinfo=UTC)
DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
QUERY = {"q": "राघोपुर", "sort": "latest", "limit": "100"}


@pytest.fixture(autouse=True)
def _no_stray_requests(httpserver: HTTPServer) -> Iterator[None]:
    clock.set_now(NOW)
    yield
    clock.set_now(None)
    httpserver.check_assertions()  # a request no handler expected fails the test


def post(rkey: str, text: str, at: str, **more: Any) -> dict[str, Any]:
    """A PostView as the docs show it."""
    handle = more.pop("handle", "patna-reporter.bsky.social")
    return {
        "uri": f"at://{DID}/app.bsky.feed.post/{rkey}",
        "cid": f"bafyreib{rkey}",
        "author": {
            "did": DID,
            "handle": handle,
            "displayName": more.pop("display_name", "पटना रिपोर्टर"),
            "labels": [],
        },
        "record": {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": at,
            "langs": ["hi"],
            **more.pop("record", {}),
        },
        "replyCount": 1,
        "repostCount": 3,
        "likeCount": 9,
        "quoteCount": 0,
        "indexedAt": more.pop("indexed_at", at),
        "labels": [],
        **more,
    }


SABHA = post("3l4zsabha0022", "राघोपुर में तेजस्वी यादव की सभा आज", "2020-10-26T07:50:00.000Z")
RELIEF = post(
    "3l4zrelief021",
    "Raghopur flood relief still pending, says VIP worker",
    "2020-10-26T07:40:00.000Z",
    display_name="",
    handle="kishanganj-news.bsky.social",
)
OLD = post("3l4zold000020", "राघोपुर: पुराना पोस्ट", "2020-10-26T07:00:00.000Z")


def source(httpserver: HTTPServer, **options: Any) -> BlueskySource:
    if "actor" not in options:
        options.setdefault("query", "राघोपुर")
    return BlueskySource(service=httpserver.url_for("/"), **options)


def serve(
    httpserver: HTTPServer,
    answer: Any,
    *,
    path: str = SEARCH,
    query: dict[str, str] | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> None:
    httpserver.expect_oneshot_request(
        path, method="GET", query_string=query if query is not None else QUERY
    ).respond_with_data(
        answer if isinstance(answer, bytes) else json.dumps(answer),
        status=status,
        content_type="application/json; charset=utf-8",
        headers=headers,
    )


def test_the_first_search_reads_the_newest_page(httpserver: HTTPServer) -> None:
    serve(httpserver, {"cursor": "2", "hitsTotal": 40, "posts": [SABHA, RELIEF]})

    batch = source(httpserver).fetch("a cursor kept from another backend")

    first, second = batch.items
    assert first.external_id == f"at://{DID}/app.bsky.feed.post/3l4zsabha0022"
    assert first.text == "राघोपुर में तेजस्वी यादव की सभा आज"
    assert first.url == "https://bsky.app/profile/patna-reporter.bsky.social/post/3l4zsabha0022"
    assert first.author == "पटना रिपोर्टर (@patna-reporter.bsky.social)"
    assert first.published_at == datetime(2020, 10, 26, 7, 50, tzinfo=UTC)
    assert (first.likes, first.shares, first.replies) == (9, 3, 1)
    assert second.author == "@kishanganj-news.bsky.social"
    assert batch.cursor == {
        "newest": "2020-10-26T07:50:00.000000+00:00",
        "seen": [SABHA["uri"]],
    }


def test_a_second_search_with_nothing_new_stops_at_the_cursor(httpserver: HTTPServer) -> None:
    cursor = {"newest": "2020-10-26T07:50:00.000000+00:00", "seen": [SABHA["uri"]]}
    serve(httpserver, {"cursor": "2", "posts": [SABHA, RELIEF]})

    batch = source(httpserver).fetch(cursor)

    # No second page asked for: the first already reached what was stored.
    assert batch.items == []
    assert batch.cursor == cursor


def test_a_post_at_the_same_moment_as_the_newest_stored_is_read_once(
    httpserver: HTTPServer,
) -> None:
    cursor = {"newest": "2020-10-26T07:50:00.000000+00:00", "seen": [SABHA["uri"]]}
    twin = post("3l4ztwin00022", "राघोपुर: एक ही पल में दूसरा पोस्ट", "2020-10-26T07:50:00.000Z")
    serve(httpserver, {"cursor": "3", "posts": [twin, SABHA, RELIEF]})
    serve(httpserver, {"cursor": "3", "posts": [twin, SABHA, RELIEF]})

    first = source(httpserver).fetch(cursor)
    second = source(httpserver).fetch(first.cursor)

    assert [i.external_id for i in first.items] == [twin["uri"]]
    assert first.cursor == {**cursor, "seen": sorted([SABHA["uri"], twin["uri"]])}
    assert second.items == []


def test_new_posts_are_read_page_by_page_down_to_the_cursor(httpserver: HTTPServer) -> None:
    newest = post("3l4znew000024", "Raghopur: RJD vs BJP, voting on 3 Nov", "2020-10-26T07:58:00Z")
    middle = post("3l4zmid000023", "राघोपुर में रोड शो", "2020-10-26T07:55:00Z")
    serve(httpserver, {"cursor": "2", "posts": [newest, middle]})
    serve(httpserver, {"cursor": "4", "posts": [SABHA, RELIEF]}, query={**QUERY, "cursor": "2"})
    cursor = {"newest": "2020-10-26T07:45:00.000000+00:00", "seen": []}

    batch = source(httpserver).fetch(cursor)

    assert [i.external_id for i in batch.items] == [newest["uri"], middle["uri"], SABHA["uri"]]
    assert batch.cursor == {"newest": "2020-10-26T07:58:00.000000+00:00", "seen": [newest["uri"]]}


def test_a_burst_over_max_pages_is_finished_on_the_next_poll(httpserver: HTTPServer) -> None:
    floor = {"newest": "2020-10-26T07:00:00.000000+00:00", "seen": [OLD["uri"]]}
    serve(httpserver, {"cursor": "2", "posts": [SABHA, RELIEF]})

    first = source(httpserver, max_pages=1).fetch(floor)

    assert [i.external_id for i in first.items] == [SABHA["uri"], RELIEF["uri"]]
    assert first.cursor == {
        **floor,
        "resume": "2",
        "top": "2020-10-26T07:50:00.000000+00:00",
        "top_seen": [SABHA["uri"]],
    }
    between = post("3l4zbetween20", "Raghopur booth list out", "2020-10-26T07:20:00Z")
    serve(httpserver, {"cursor": "4", "posts": [between, OLD]}, query={**QUERY, "cursor": "2"})

    second = source(httpserver, max_pages=1).fetch(first.cursor)

    assert [i.external_id for i in second.items] == [between["uri"]]
    assert second.cursor == {
        "newest": "2020-10-26T07:50:00.000000+00:00",
        "seen": [SABHA["uri"]],
    }


def test_an_actors_feed_sorts_a_repost_by_when_it_was_reposted(httpserver: HTTPServer) -> None:
    old_original = post(
        "3l3zorig00001",
        "Bahadurganj: Lakhan Lal Pandit files nomination",
        "2020-10-10T06:00:00Z",
        handle="handle.invalid",
        display_name="VIP Bihar",
    )
    feed = [
        {
            "post": old_original,
            "reason": {
                "$type": "app.bsky.feed.defs#reasonRepost",
                "by": {"did": "did:plc:vipbihar", "handle": "vip-bihar.bsky.social"},
                "indexedAt": "2020-10-26T07:55:00.000Z",
            },
        },
        {"post": SABHA},
        {"post": OLD},
    ]
    serve(
        httpserver,
        {"cursor": "3", "feed": feed},
        path=AUTHOR_FEED,
        query={"actor": "vip-bihar.bsky.social", "limit": "100"},
    )
    cursor = {"newest": "2020-10-26T07:30:00.000000+00:00", "seen": []}

    batch = source(httpserver, actor="@vip-bihar.bsky.social").fetch(cursor)

    repost, sabha = batch.items
    assert repost.external_id == old_original["uri"]
    assert repost.published_at == datetime(2020, 10, 10, 6, 0, tzinfo=UTC)  # when it was said
    # A broken handle shows as "handle.invalid"; the DID still finds the post.
    assert repost.url == f"https://bsky.app/profile/{DID}/post/3l3zorig00001"
    assert sabha.external_id == SABHA["uri"]
    assert batch.cursor == {
        "newest": "2020-10-26T07:55:00.000000+00:00",
        "seen": [repost.external_id],
    }


def test_a_bad_post_is_left_out_and_reported_the_rest_kept(httpserver: HTTPServer) -> None:
    no_record = {**RELIEF, "record": None}
    bad_time = post("3l4zbadtime01", "Saharsa", "26/10/2020", indexed_at="not a time")
    image_only = post(
        "3l4zimage0001", "", "2020-10-26T07:45:00Z", record={"embed": {"images": [{"alt": ""}]}}
    )
    with_alt = post(
        "3l4zalt000001",
        "",
        "2020-10-26T07:44:00Z",
        record={"embed": {"images": [{"alt": "तेजस्वी यादव की सभा का पोस्टर"}]}},
    )
    serve(httpserver, {"posts": [SABHA, 7, no_record, bad_time, image_only, with_alt]})

    batch = source(httpserver).fetch(None)

    assert [i.text for i in batch.items] == [SABHA["record"]["text"], "तेजस्वी यादव की सभा का पोस्टर"]
    assert [(p.row, p.field) for p in batch.problems] == [
        (2, ""),
        (3, "record"),
        (4, "record.createdAt"),
        (5, "record.text"),
    ]


def test_a_search_refused_to_visitors_is_misconfigured_and_says_why(
    httpserver: HTTPServer,
) -> None:
    serve(
        httpserver,
        {"error": "AuthMissing", "message": "Authentication Required"},
        status=403,
    )

    with pytest.raises(Misconfigured, match="follow an actor instead") as raised:
        source(httpserver).fetch(None)

    assert "AuthMissing: Authentication Required" in str(raised.value)


def test_an_unknown_actor_is_misconfigured(httpserver: HTTPServer) -> None:
    serve(
        httpserver,
        {"error": "InvalidRequest", "message": "Profile not found"},
        path=AUTHOR_FEED,
        query={"actor": "nobody.bsky.social", "limit": "100"},
        status=400,
    )

    with pytest.raises(Misconfigured, match="Profile not found"):
        source(httpserver, actor="nobody.bsky.social").fetch(None)


def test_401_is_misconfigured(httpserver: HTTPServer) -> None:
    serve(
        httpserver,
        {"error": "AuthMissing", "message": "Authentication Required"},
        path=AUTHOR_FEED,
        query={"actor": "vip-bihar.bsky.social", "limit": "100"},
        status=401,
    )

    with pytest.raises(Misconfigured, match="check the service"):
        source(httpserver, actor="vip-bihar.bsky.social").fetch(None)


def test_429_waits_until_the_rate_limit_resets(httpserver: HTTPServer) -> None:
    reset = int((NOW + timedelta(minutes=5)).timestamp())
    serve(
        httpserver,
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        status=429,
        headers={
            "RateLimit-Limit": "3000",
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(reset),
        },
    )

    with pytest.raises(RateLimited) as raised:
        source(httpserver).fetch(None)

    assert raised.value.retry_after == 300


def test_a_server_error_is_unreachable(httpserver: HTTPServer) -> None:
    serve(
        httpserver,
        {"error": "InternalServerError", "message": "Internal Server Error"},
        status=500,
    )

    with pytest.raises(Unreachable, match=r"HTTP 500.*InternalServerError"):
        source(httpserver).fetch(None)


def test_a_service_that_does_not_answer_in_time_is_unreachable(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response('{"posts": []}', content_type="application/json")

    httpserver.expect_oneshot_request(SEARCH).respond_with_handler(slow)

    with pytest.raises(Unreachable, match="Timeout"):
        source(httpserver, timeout=0.2).fetch(None)
    time.sleep(1.0)  # let the server finish the slow answer before the next test


def test_broken_json_is_malformed(httpserver: HTTPServer) -> None:
    serve(httpserver, b'{"posts": [{"uri": "at://did:plc:x/app.bsky.feed.post/1", "rec')

    with pytest.raises(Malformed, match="not JSON"):
        source(httpserver).fetch(None)


def test_an_answer_without_its_list_is_malformed(httpserver: HTTPServer) -> None:
    serve(httpserver, {"feed": [{"post": SABHA}]})  # an author feed's shape, for a search

    with pytest.raises(Malformed, match="'posts' list"):
        source(httpserver).fetch(None)


def test_a_huge_announced_body_is_refused_before_reading(httpserver: HTTPServer) -> None:
    serve(httpserver, b'{"posts": [' + b" " * 2_000_000 + b"]}")

    with pytest.raises(TooLarge, match="announced"):
        source(httpserver, max_bytes=1_000_000).fetch(None)


def test_a_huge_streamed_body_stops_at_the_limit(httpserver: HTTPServer) -> None:
    sent = []

    def endless(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            yield b'{"posts": ['
            for _ in range(50 * 1024):  # 50 MB in 1 KB chunks, no Content-Length
                sent.append(1024)
                yield json.dumps(SABHA).encode().ljust(1023)[:1023] + b","

        return Response(chunks(), content_type="application/json")

    httpserver.expect_oneshot_request(SEARCH).respond_with_handler(endless)

    with pytest.raises(TooLarge, match="read"):
        source(httpserver, max_bytes=1_000_000).fetch(None)
    assert sum(sent) < 10 * 1024 * 1024, sum(sent)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"service": "http://bsky.example", "query": "Bihar"}, "https://"),
        ({"query": "Bihar", "actor": "vip-bihar.bsky.social"}, "either"),
        ({}, "either"),
        ({"query": "Bihar", "limit": 101}, "limit"),
        ({"query": "Bihar", "max_pages": 0}, "max_pages"),
    ],
)
def test_wrong_options_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(Misconfigured, match=message):
        BlueskySource(**options)


def test_a_poll_stores_the_posts_then_nothing_twice_and_keeps_them_on_error(
    httpserver: HTTPServer, bihar: Election
) -> None:
    tracked = create_source(
        election=bihar,
        name="Bluesky: राघोपुर",
        backend="bluesky",
        options={"service": httpserver.url_for("/"), "query": "राघोपुर"},
    )
    serve(httpserver, {"cursor": "2", "posts": [SABHA, RELIEF]})
    first = poll_source(source=tracked, now=NOW)
    serve(httpserver, {"cursor": "2", "posts": [SABHA, RELIEF]})
    second = poll_source(source=tracked, now=NOW + timedelta(minutes=5))
    serve(httpserver, b"<html>502 Bad Gateway</html>", status=502)
    third = poll_source(source=tracked, now=NOW + timedelta(minutes=10))

    tracked = Source.objects.get(pk=tracked.pk)
    assert first.ok
    assert first.ingested
    assert first.ingested.new == 2
    assert second.ok
    assert second.ingested
    assert second.ingested.new == 0
    assert not third.ok
    assert "HTTP 502" in tracked.last_error
    assert tracked.cursor == {"newest": "2020-10-26T07:50:00.000000+00:00", "seen": [SABHA["uri"]]}
    assert set(Item.objects.values_list("platform", "external_id")) == {
        ("bluesky", SABHA["uri"]),
        ("bluesky", RELIEF["uri"]),
    }
