"""MastodonSource against a local server answering as a Mastodon instance's REST API does
(docs.joinmastodon.org: timelines/tag, accounts/:id/statuses, the Status entity, Link-header
paging, Error bodies, rate limits), and as a broken or hostile one does."""

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
from itcell.monitoring.models import EngagementSnapshot, Item, Source
from itcell.monitoring.services import create_source, poll_source
from itcell.monitoring.sources.mastodon import MastodonSource

NOW = datetime(2020, 10, 26, 8, 0, tzinfo=UTC)
TAG = "/api/v1/timelines/tag/BiharElection"
ACCOUNT = "/api/v1/accounts/109345/statuses"


@pytest.fixture(autouse=True)
def _no_stray_requests(httpserver: HTTPServer) -> Iterator[None]:
    clock.set_now(NOW)
    yield
    clock.set_now(None)
    httpserver.check_assertions()  # a request no handler expected fails the test


def account(acct: str, name: str) -> dict[str, Any]:
    return {
        "id": "109345",
        "username": acct.split("@")[0],
        "acct": acct,
        "display_name": name,
        "url": f"https://mastodon.example/@{acct}",
        "followers_count": 1520,
    }


def status(status_id: str, content: str, **more: Any) -> dict[str, Any]:
    """A Status as the docs show it (the fields this reader uses, and some it does not)."""
    return {
        "id": status_id,
        "uri": f"https://mastodon.example/users/patnawala/statuses/{status_id}",
        "url": f"https://mastodon.example/@patnawala/{status_id}",
        "created_at": "2020-10-26T07:30:00.000Z",
        "account": account("patnawala", "पटना वाला"),
        "content": content,
        "spoiler_text": "",
        "visibility": "public",
        "sensitive": False,
        "language": "hi",
        "media_attachments": [],
        "reblog": None,
        "replies_count": 2,
        "reblogs_count": 5,
        "favourites_count": 11,
        **more,
    }


RAGHOPUR = status(
    "105100",
    '<p>राघोपुर में तेजस्वी यादव की सभा, <a href="https://mastodon.example/tags/BiharElection"'
    ' class="mention hashtag" rel="tag">#<span>BiharElection</span></a></p>'
    "<p>रोज़गार &amp; शिक्षा पर बात<br />भीड़ भारी</p>",
)
BAHADURGANJ = status(
    "105099",
    "<p>Flood relief yet to reach Bahadurganj villages, says VIP worker</p>",
    created_at="2020-10-26T07:10:00.000Z",
    language="en",
    account=account("kishanganj_news@news.example", "Kishanganj News"),
)


def source(httpserver: HTTPServer, **options: Any) -> MastodonSource:
    options.setdefault("hashtag", "BiharElection")
    return MastodonSource(instance=httpserver.url_for("/"), **options)


def serve(
    httpserver: HTTPServer,
    statuses: Any,
    *,
    path: str = TAG,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    status_code: int = 200,
) -> None:
    httpserver.expect_oneshot_request(
        path, method="GET", query_string=query or {"limit": "40"}
    ).respond_with_data(
        json.dumps(statuses) if not isinstance(statuses, bytes) else statuses,
        status=status_code,
        content_type="application/json; charset=utf-8",
        headers=headers,
    )


def link(httpserver: HTTPServer, newest: str, oldest: str) -> dict[str, str]:
    url = httpserver.url_for(TAG)
    return {"Link": f'<{url}?max_id={oldest}>; rel="next", <{url}?min_id={newest}>; rel="prev"'}


def test_the_first_poll_reads_the_newest_page_as_plain_text(httpserver: HTTPServer) -> None:
    serve(httpserver, [RAGHOPUR, BAHADURGANJ], headers=link(httpserver, "105100", "105099"))

    batch = source(httpserver).fetch(["a cursor kept from another backend"])

    first, second = batch.items
    assert first.external_id == "https://mastodon.example/users/patnawala/statuses/105100"
    assert first.text == (
        "राघोपुर में तेजस्वी यादव की सभा, #BiharElection\nरोज़गार & शिक्षा पर बात\nभीड़ भारी"
    )
    assert first.url == "https://mastodon.example/@patnawala/105100"
    assert first.author.startswith("पटना वाला (@patnawala@")  # a local account, named in full
    assert first.published_at == datetime(2020, 10, 26, 7, 30, tzinfo=UTC)
    assert (first.likes, first.shares, first.replies) == (11, 5, 2)
    assert first.author_followers == 1520  # for the large-account alerts
    assert second.author == "Kishanganj News (@kishanganj_news@news.example)"
    assert batch.cursor == {"min_id": "105100"}
    assert batch.problems == []


def test_the_next_poll_asks_for_what_came_after_the_cursor(httpserver: HTTPServer) -> None:
    serve(httpserver, [], query={"limit": "40", "min_id": "105100"})

    batch = source(httpserver).fetch({"min_id": "105100"})

    assert batch.items == []
    assert batch.cursor == {"min_id": "105100"}


def test_a_burst_is_read_page_by_page_along_the_link_header(httpserver: HTTPServer) -> None:
    older = [status(str(105110 - n), f"<p>Darbhanga post {n}</p>") for n in range(2)]
    newer = [status("105112", "<p>Darbhanga post newest</p>")]
    serve(
        httpserver,
        older,
        query={"limit": "2", "min_id": "105100"},
        headers=link(httpserver, "105110", "105109"),
    )
    serve(
        httpserver,
        newer,
        query={"limit": "2", "min_id": "105110"},
        headers=link(httpserver, "105112", "105112"),
    )

    batch = source(httpserver, limit=2).fetch({"min_id": "105100"})

    assert [i.text for i in batch.items] == [
        "Darbhanga post 0",
        "Darbhanga post 1",
        "Darbhanga post newest",
    ]
    assert batch.cursor == {"min_id": "105112"}


def test_paging_stops_at_max_pages_and_resumes_from_there(httpserver: HTTPServer) -> None:
    serve(
        httpserver,
        [status("105111", "<p>one</p>")],
        query={"limit": "1", "min_id": "105100"},
        headers=link(httpserver, "105111", "105111"),
    )

    batch = source(httpserver, limit=1, max_pages=1).fetch({"min_id": "105100"})

    # The page was full, so more may be waiting: the next poll starts after this one.
    assert [i.text for i in batch.items] == ["one"]
    assert batch.cursor == {"min_id": "105111"}


def test_a_boost_is_stored_as_the_status_it_boosts_with_its_warning(
    httpserver: HTTPServer,
) -> None:
    original = status(
        "99001",
        "<p>Madhubani: straight fight between RJD and VIP</p>",
        spoiler_text="चुनाव / election",
        uri="https://other.example/users/mithila/statuses/99001",
        url="https://other.example/@mithila/99001",
        account=account("mithila@other.example", "Mithila Times"),
        favourites_count=40,
    )
    boost = status("105101", "", reblog=original, favourites_count=0)
    serve(httpserver, [boost])

    (item,) = source(httpserver).fetch(None).items

    assert item.external_id == "https://other.example/users/mithila/statuses/99001"
    assert item.text == "चुनाव / election\nMadhubani: straight fight between RJD and VIP"
    assert item.url == "https://other.example/@mithila/99001"
    assert item.author == "Mithila Times (@mithila@other.example)"
    assert item.likes == 40


def test_an_accounts_statuses_are_read_from_its_own_endpoint(httpserver: HTTPServer) -> None:
    serve(httpserver, [RAGHOPUR], path=ACCOUNT, query={"limit": "20"})

    batch = source(httpserver, hashtag="", account_id="109345", limit=20).fetch(None)

    assert [i.external_id for i in batch.items] == [RAGHOPUR["uri"]]


def test_a_bad_status_is_left_out_and_reported_the_rest_kept(httpserver: HTTPServer) -> None:
    no_date = status("105098", "<p>Samastipur</p>", created_at="yesterday")
    image_only = status("105097", "", media_attachments=[{"type": "image", "description": None}])
    serve(httpserver, [RAGHOPUR, "not a status", no_date, image_only, BAHADURGANJ])

    batch = source(httpserver).fetch(None)

    assert [i.external_id for i in batch.items] == [RAGHOPUR["uri"], BAHADURGANJ["uri"]]
    assert [(p.row, p.field) for p in batch.problems] == [
        (2, ""),
        (3, "created_at"),
        (4, "content"),
    ]
    assert batch.cursor == {"min_id": "105100"}


def test_a_broken_newest_status_is_passed_by_the_link_header(httpserver: HTTPServer) -> None:
    serve(
        httpserver,
        [{"content": "<p>id and uri lost</p>"}, RAGHOPUR],
        query={"limit": "40", "min_id": "105099"},
        headers=link(httpserver, "105101", "105100"),
    )

    batch = source(httpserver).fetch({"min_id": "105099"})

    assert [p.row for p in batch.problems] == [1]
    # The Link header names the page's newest id even when that status cannot be read, so
    # the next poll does not ask for it again.
    assert batch.cursor == {"min_id": "105101"}


def test_a_refused_token_is_misconfigured(httpserver: HTTPServer) -> None:
    serve(httpserver, {"error": "The access token is invalid"}, status_code=401)

    with pytest.raises(Misconfigured, match="access_token") as raised:
        source(httpserver, access_token="revoked").fetch(None)

    assert "The access token is invalid" in str(raised.value)


def test_the_token_is_sent_as_a_bearer(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        TAG, headers={"Authorization": "Bearer s3cret"}
    ).respond_with_json([])

    assert source(httpserver, access_token="s3cret").fetch(None).items == []


def test_an_unknown_account_is_misconfigured(httpserver: HTTPServer) -> None:
    serve(httpserver, {"error": "Record not found"}, path=ACCOUNT, status_code=404)

    with pytest.raises(Misconfigured, match="Record not found"):
        source(httpserver, hashtag="", account_id="109345").fetch(None)


def test_429_waits_until_the_rate_limit_resets(httpserver: HTTPServer) -> None:
    reset = (NOW + timedelta(minutes=3)).isoformat().replace("+00:00", "Z")
    serve(
        httpserver,
        {"error": "Too many requests"},
        status_code=429,
        headers={
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset,
        },
    )

    with pytest.raises(RateLimited) as raised:
        source(httpserver).fetch(None)

    assert raised.value.retry_after == 180


def test_429_with_only_retry_after(httpserver: HTTPServer) -> None:
    serve(
        httpserver, {"error": "Too many requests"}, status_code=429, headers={"Retry-After": "30"}
    )

    with pytest.raises(RateLimited) as raised:
        source(httpserver).fetch(None)

    assert raised.value.retry_after == 30


def test_a_server_error_is_unreachable(httpserver: HTTPServer) -> None:
    serve(httpserver, b"<html>We're sorry, something went wrong</html>", status_code=500)

    with pytest.raises(Unreachable, match="HTTP 500"):
        source(httpserver).fetch(None)


def test_an_instance_that_does_not_answer_in_time_is_unreachable(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("[]", content_type="application/json")

    httpserver.expect_oneshot_request(TAG).respond_with_handler(slow)

    with pytest.raises(Unreachable, match="Timeout"):
        source(httpserver, timeout=0.2).fetch(None)
    time.sleep(1.0)  # let the server finish the slow answer before the next test


def test_broken_json_is_malformed(httpserver: HTTPServer) -> None:
    serve(httpserver, b'[{"id": "105100", "content": "<p>\xe0\xa4 cut')

    with pytest.raises(Malformed, match="not JSON"):
        source(httpserver).fetch(None)


def test_an_object_where_a_list_belongs_is_malformed(httpserver: HTTPServer) -> None:
    serve(httpserver, {"statuses": [RAGHOPUR]})

    with pytest.raises(Malformed, match="expected a list"):
        source(httpserver).fetch(None)


def test_a_huge_streamed_body_stops_at_the_limit(httpserver: HTTPServer) -> None:
    sent = []

    def endless(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            yield b"["
            for _ in range(50 * 1024):  # 50 MB in 1 KB chunks, no Content-Length
                sent.append(1024)
                yield json.dumps(status("1", "x" * 900)).encode()[:1023] + b","

        return Response(chunks(), content_type="application/json")

    httpserver.expect_oneshot_request(TAG).respond_with_handler(endless)

    with pytest.raises(TooLarge, match="read"):
        source(httpserver, max_bytes=1_000_000).fetch(None)
    assert sum(sent) < 10 * 1024 * 1024, sum(sent)


def test_a_huge_announced_body_is_refused_before_reading(httpserver: HTTPServer) -> None:
    serve(httpserver, b"[" + b" " * 2_000_000 + b"]")

    with pytest.raises(TooLarge, match="announced"):
        source(httpserver, max_bytes=1_000_000).fetch(None)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"instance": "http://mastodon.example"}, "https://"),
        ({"instance": "https://mastodon.example", "hashtag": "a", "account_id": "1"}, "either"),
        ({"instance": "https://mastodon.example"}, "either"),
        ({"instance": "https://mastodon.example", "hashtag": "a", "limit": 41}, "limit"),
    ],
)
def test_wrong_options_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(Misconfigured, match=message):
        MastodonSource(**options)


def test_a_poll_stores_the_statuses_and_the_cursor_then_nothing_twice(
    httpserver: HTTPServer,
    bihar: Election,
) -> None:
    tracked = create_source(
        election=bihar,
        name="#BiharElection on mastodon.example",
        backend="mastodon",
        options={"instance": httpserver.url_for("/"), "hashtag": "BiharElection"},
    )
    serve(httpserver, [RAGHOPUR, BAHADURGANJ], headers=link(httpserver, "105100", "105099"))
    first = poll_source(source=tracked, now=NOW)
    serve(httpserver, [RAGHOPUR], query={"limit": "40", "min_id": "105100"})
    second = poll_source(source=tracked, now=NOW + timedelta(minutes=5))
    serve(
        httpserver,
        {"error": "Too many requests"},
        query={"limit": "40", "min_id": "105100"},
        status_code=429,
        headers={"Retry-After": "60"},
    )
    third = poll_source(source=tracked, now=NOW + timedelta(minutes=10))

    tracked = Source.objects.get(pk=tracked.pk)
    assert first.ok
    assert second.ok
    assert not third.ok
    assert first.ingested
    assert first.ingested.new == 2
    assert second.ingested
    assert second.ingested.new == 0
    assert tracked.cursor == {"min_id": "105100"}
    assert tracked.consecutive_failures == 1
    stored = Item.objects.get(external_id=RAGHOPUR["uri"])
    assert stored.platform == "mastodon"
    assert stored.text.startswith("राघोपुर में तेजस्वी यादव")
    assert EngagementSnapshot.objects.filter(item=stored).count() == 2  # seen twice
    assert Item.objects.count() == 2
