"""RSSSource against a local server answering as news sites' feeds do (RSS 2.0, Atom 1.0,
RFC 9110 conditional requests, 429 with Retry-After), and as broken or hostile ones do."""

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from itcell.monitoring.errors import Malformed, RateLimited, TooLarge, Unreachable
from itcell.monitoring.models import Item, Source
from itcell.monitoring.services import create_source, poll_source
from itcell.monitoring.sources.rss import RSSSource

NOW = datetime(2020, 10, 26, 8, 0, tzinfo=UTC)
ETAG = '"feed-v1"'
MODIFIED = "Mon, 26 Oct 2020 07:55:00 GMT"

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Bihar Samachar</title>
    <link>https://samachar.example/</link>
    <description>Bihar news</description>
    <item>
      <title>राघोपुर में तेजस्वी यादव की सभा</title>
      <link>https://samachar.example/raghopur-sabha</link>
      <guid isPermaLink="false">samachar-1001</guid>
      <pubDate>Mon, 26 Oct 2020 12:30:00 +0530</pubDate>
      <description>&lt;p&gt;RJD नेता ने &lt;b&gt;रोज़गार&lt;/b&gt; का वादा दोहराया।&lt;/p&gt;
      </description>
    </item>
    <item>
      <title>Flood relief yet to reach Bahadurganj villages</title>
      <link>https://samachar.example/bahadurganj-relief</link>
      <guid>https://samachar.example/bahadurganj-relief</guid>
      <pubDate>Mon, 26 Oct 2020 06:00:00 GMT</pubDate>
      <author>desk@samachar.example (City desk)</author>
    </item>
    <item>
      <link>https://samachar.example/empty</link>
      <guid>samachar-1003</guid>
    </item>
  </channel>
</rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Mithila Times</title>
  <id>urn:uuid:60a76c80-d399-11d9-b91C-0003939e0af6</id>
  <updated>2020-10-26T07:00:00Z</updated>
  <entry>
    <title>Madhubani: straight fight between RJD and VIP</title>
    <link href="https://mithila.example/madhubani-fight"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2020-10-26T07:00:00Z</updated>
    <author><name>Mithila Times</name></author>
    <summary>Samir Kumar Mahaseth faces Suman Kumar Mahaseth.</summary>
  </entry>
</feed>"""


@pytest.fixture(autouse=True)
def _no_stray_requests(httpserver: HTTPServer) -> Iterator[None]:
    yield
    httpserver.check_assertions()  # a request no handler expected fails the test


def feed(httpserver: HTTPServer, **options: object) -> RSSSource:
    return RSSSource(url=httpserver.url_for("/feed.xml"), **options)  # type: ignore[arg-type]


def serve(httpserver: HTTPServer, body: str | bytes, **headers: str) -> None:
    httpserver.expect_oneshot_request("/feed.xml").respond_with_data(
        body,
        content_type=headers.pop("content_type", "application/rss+xml; charset=utf-8"),
        headers=headers,
    )


def test_an_rss_feed_becomes_items_in_plain_text(httpserver: HTTPServer) -> None:
    serve(httpserver, RSS.encode())

    batch = feed(httpserver).fetch(None)

    first, second = batch.items
    assert first.external_id == "samachar-1001"
    assert first.text == "राघोपुर में तेजस्वी यादव की सभा\nRJD नेता ने रोज़गार का वादा दोहराया।"
    assert first.published_at == datetime(2020, 10, 26, 7, 0, tzinfo=UTC)
    assert first.url == "https://samachar.example/raghopur-sabha"
    assert (first.author, first.author_kind) == ("Bihar Samachar", "media")
    assert second.external_id == "https://samachar.example/bahadurganj-relief"
    assert second.author == "desk@samachar.example (City desk)"
    # The entry with neither title nor summary is reported, the others kept.
    assert [(p.row, "neither title nor summary" in p.message) for p in batch.problems] == [
        (3, True)
    ]


def test_an_atom_feed_becomes_items(httpserver: HTTPServer) -> None:
    serve(httpserver, ATOM.encode(), content_type="application/atom+xml")

    (item,) = feed(httpserver).fetch(None).items

    assert item.external_id == "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"
    assert item.text.startswith("Madhubani: straight fight between RJD and VIP\nSamir")
    assert item.url == "https://mithila.example/madhubani-fight"
    assert item.published_at == datetime(2020, 10, 26, 7, 0, tzinfo=UTC)


def test_an_unchanged_feed_answers_304_to_a_conditional_get(httpserver: HTTPServer) -> None:
    serve(httpserver, RSS.encode(), ETag=ETAG, **{"Last-Modified": MODIFIED})
    httpserver.expect_oneshot_request(
        "/feed.xml", headers={"If-None-Match": ETAG, "If-Modified-Since": MODIFIED}
    ).respond_with_data("", status=304)
    source = feed(httpserver)

    first = source.fetch(None)
    second = source.fetch(first.cursor)

    assert first.cursor == {"etag": ETAG, "last_modified": MODIFIED}
    assert second.items == []
    assert second.cursor == first.cursor


def test_429_is_rate_limited_with_the_sites_retry_after(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/feed.xml").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"}
    )

    with pytest.raises(RateLimited) as raised:
        feed(httpserver).fetch(None)

    assert raised.value.retry_after == 120


def test_a_server_error_is_unreachable(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/feed.xml").respond_with_data("oops", status=500)

    with pytest.raises(Unreachable, match="HTTP 500"):
        feed(httpserver).fetch(None)


def test_a_site_that_does_not_answer_in_time_is_unreachable(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response(RSS, content_type="application/rss+xml")

    httpserver.expect_oneshot_request("/feed.xml").respond_with_handler(slow)

    with pytest.raises(Unreachable, match="Timeout"):
        feed(httpserver, timeout=0.2).fetch(None)
    time.sleep(1.0)  # let the server finish the slow answer before the next test


def test_broken_xml_is_malformed(httpserver: HTTPServer) -> None:
    broken = RSS.replace("</channel>", "").replace("<title>Flood", "<title>Flood</titl>")
    serve(httpserver, broken.encode())

    with pytest.raises(Malformed, match="not a well-formed feed"):
        feed(httpserver).fetch(None)


def test_latin1_bytes_declared_as_utf8_are_malformed(httpserver: HTTPServer) -> None:
    body = RSS.replace("राघोपुर में तेजस्वी यादव की सभा", "Café politics in Patna")
    serve(httpserver, body.encode("latin-1", errors="replace"))

    with pytest.raises(Malformed, match="not in the declared encoding"):
        feed(httpserver).fetch(None)


def test_a_huge_announced_body_is_refused_before_reading(httpserver: HTTPServer) -> None:
    serve(httpserver, b"<rss>" + b" " * 2_000_000)

    with pytest.raises(TooLarge, match="announced"):
        feed(httpserver, max_bytes=1_000_000).fetch(None)


def test_a_50_mb_stream_stops_at_the_limit(httpserver: HTTPServer) -> None:
    sent = []

    def endless(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
            for _ in range(50 * 1024):  # 50 MB in 1 KB chunks, no Content-Length
                sent.append(1024)
                yield b"<!--" + b"x" * 1017 + b"-->"

        return Response(chunks(), content_type="application/rss+xml")

    httpserver.expect_oneshot_request("/feed.xml").respond_with_handler(endless)

    with pytest.raises(TooLarge, match="read"):
        feed(httpserver, max_bytes=1_000_000).fetch(None)

    # Reading stopped near the limit: the server could push only what the sockets buffer.
    assert sum(sent) < 10 * 1024 * 1024, sum(sent)


def test_an_unreadable_feed_keeps_what_was_stored_and_the_cursor(
    httpserver: HTTPServer,
    bihar,  # type: ignore[no-untyped-def]
) -> None:
    source = create_source(
        election=bihar,
        name="Samachar",
        backend="rss",
        options={"url": httpserver.url_for("/feed.xml")},
    )
    serve(httpserver, RSS.encode(), ETag=ETAG)
    poll_source(source=source, now=NOW)
    serve(httpserver, b"<rss><channel><item><title>half", ETag='"feed-v2"')

    polled = poll_source(source=source, now=NOW + timedelta(minutes=10))

    source = Source.objects.get(pk=source.pk)
    assert not polled.ok
    assert "cannot read" in polled.error
    assert sorted(Item.objects.values_list("external_id", flat=True)) == [
        "https://samachar.example/bahadurganj-relief",
        "samachar-1001",
    ]
    assert source.cursor == {"etag": ETAG, "last_modified": ""}
    assert source.consecutive_failures == 1
    assert "not a well-formed feed" in source.last_error
    assert Item.objects.get(external_id="samachar-1001").platform == "web"
