"""FileImportSource: CSV, JSON and JSON-lines exports with a column mapping; bad rows reported
with line and column, good rows kept; resumed by cursor; files outside MEDIA_ROOT refused."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from itcell.monitoring.errors import Malformed, Misconfigured, TooLarge, Unreachable
from itcell.monitoring.models import EngagementSnapshot, Item
from itcell.monitoring.services import create_source, poll_source
from itcell.monitoring.sources.file_import import FileImportSource

NOW = datetime(2020, 10, 26, 8, 0, tzinfo=UTC)
MAPPING = {
    "external_id": "Post ID",
    "text": "Message",
    "published_at": "Post Created",
    "url": "URL",
    "author": "Page Name",
    "likes": "Likes",
    "shares": "Shares",
    "author_followers": "Page Followers",
}
CSV = """Page Name,Post ID,Post Created,Message,URL,Likes,Shares,Page Followers
Patna Live,fb-1,2020-10-26 10:15:00 IST,"राघोपुर में सभा, भारी भीड़",https://fb.example/1,"1,204",33,"250,000"
Patna Live,fb-2,2020-10-26 10:20:00,Bahadurganj flood relief delayed,https://fb.example/2,17,many,
Patna Live,,2020-10-26 10:25:00,No id here,https://fb.example/3,1,1,
Patna Live,fb-4,yesterday,Bad time here,https://fb.example/4,1,1,
Patna Live,fb-5,1603687800,"A message
over two lines",https://fb.example/5,,,
"""


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "monitoring").mkdir()
    return tmp_path


def write(media_root: Path, name: str, content: str | bytes) -> str:
    path = media_root / "monitoring" / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return f"monitoring/{name}"


def test_a_csv_export_is_read_with_its_column_mapping(media_root: Path) -> None:
    path = write(media_root, "export.csv", CSV)

    batch = FileImportSource(path=path, platform="facebook", mapping=MAPPING).fetch(None)

    assert [i.external_id for i in batch.items] == ["fb-1", "fb-2", "fb-5"]
    first, second, fifth = batch.items
    assert first.text == "राघोपुर में सभा, भारी भीड़"
    assert first.published_at == datetime(2020, 10, 26, 4, 45, tzinfo=UTC)
    assert (first.likes, first.shares, first.platform) == (1204, 33, "facebook")
    assert first.author == "Patna Live"
    assert (first.author_followers, second.author_followers) == (250_000, None)
    # A time without an offset is India's; Unix seconds are UTC.
    assert second.published_at == datetime(2020, 10, 26, 4, 50, tzinfo=UTC)
    assert fifth.published_at == datetime(2020, 10, 26, 4, 50, tzinfo=UTC)
    assert fifth.text == "A message\nover two lines"
    assert second.shares is None


def test_bad_rows_are_reported_with_line_and_column_and_the_rest_kept(media_root: Path) -> None:
    path = write(media_root, "export.csv", CSV)

    batch = FileImportSource(path=path, mapping=MAPPING).fetch(None)

    assert [(p.row, p.field) for p in batch.problems] == [
        (3, "Shares"),  # "many": left empty, the row kept
        (4, "Post ID"),  # no id: the row left out
        (5, "Post Created"),  # "yesterday": the row left out
    ]
    assert "not a number" in batch.problems[0].message
    assert str(batch.problems[1]).startswith("export.csv, row 4, field 'Post ID': ")


def test_a_poll_stores_the_good_rows_and_shows_the_bad_ones(media_root: Path, bihar) -> None:  # type: ignore[no-untyped-def]
    path = write(media_root, "export.csv", CSV)
    source = create_source(
        election=bihar,
        name="CrowdTangle export",
        backend="file_import",
        options={"path": path, "platform": "facebook", "mapping": MAPPING},
    )

    polled = poll_source(source=source, now=NOW)
    again = poll_source(source=source, now=NOW + timedelta(minutes=5))

    source.refresh_from_db()
    assert polled.ok
    assert sorted(Item.objects.values_list("external_id", flat=True)) == ["fb-1", "fb-2", "fb-5"]
    assert EngagementSnapshot.objects.count() == 2  # fb-5 says no counts
    assert "3 entries were left out" in source.last_error
    assert "row 4, field 'Post ID'" in source.last_error
    assert again.ingested is not None
    assert again.ingested.new == 0  # the same file is not read again
    assert Item.objects.filter(platform="facebook").count() == 3


def test_a_long_file_is_read_a_batch_at_a_time_and_a_new_export_from_the_start(
    media_root: Path,
) -> None:
    rows = [
        {"id": f"t-{n}", "text": f"post {n}", "time": "2020-10-26T10:00:00+05:30"} for n in range(5)
    ]
    path = write(media_root, "export.jsonl", "\n".join(json.dumps(r) for r in rows))
    source = FileImportSource(
        path=path, mapping={"external_id": "id", "published_at": "time"}, batch_size=2
    )

    first = source.fetch(None)
    second = source.fetch(first.cursor)
    third = source.fetch(second.cursor)
    done = source.fetch(third.cursor)
    write(media_root, "export.jsonl", json.dumps({**rows[0], "id": "t-new"}))
    replaced = source.fetch(done.cursor)

    assert [[i.external_id for i in b.items] for b in (first, second, third, done, replaced)] == [
        ["t-0", "t-1"],
        ["t-2", "t-3"],
        ["t-4"],
        [],
        ["t-new"],
    ]


def test_a_json_export_with_a_list_inside_an_object(media_root: Path) -> None:
    data = {
        "data": [
            {
                "external_id": "y-1",
                "text": "Tarapur me rally",
                "published_at": "2020-10-26T04:00:00Z",
            },
            {"external_id": "y-2", "text": "", "published_at": "2020-10-26T04:00:00Z"},
            "not an object",
        ]
    }
    path = write(media_root, "export.json", json.dumps(data))

    batch = FileImportSource(path=path).fetch(None)

    assert [i.external_id for i in batch.items] == ["y-1"]
    assert [(p.row, p.field) for p in batch.problems] == [
        (2, "text"),
        (3, "external_id"),
        (3, "text"),
        (3, "published_at"),
    ]


def test_a_file_without_a_mapped_column_is_malformed(media_root: Path) -> None:
    path = write(media_root, "export.csv", CSV)

    with pytest.raises(Malformed, match="no column 'Body'"):
        FileImportSource(path=path, mapping={**MAPPING, "text": "Body"}).fetch(None)


def test_a_file_not_in_utf8_is_malformed(media_root: Path) -> None:
    path = write(
        media_root,
        "export.csv",
        "external_id,text,published_at\n1,Café,2020-10-26\n".encode("latin-1"),
    )

    with pytest.raises(Malformed, match="not utf-8 text"):
        FileImportSource(path=path).fetch(None)


def test_broken_json_is_malformed_with_its_line(media_root: Path) -> None:
    path = write(media_root, "export.jsonl", '{"external_id": "1"}\n{"external_id": \n')

    with pytest.raises(Malformed, match="line 2"):
        FileImportSource(path=path).fetch(None)


def test_a_file_over_the_limit_is_too_large(media_root: Path) -> None:
    path = write(media_root, "export.csv", CSV)

    with pytest.raises(TooLarge):
        FileImportSource(path=path, max_bytes=100).fetch(None)


def test_a_missing_file_is_unreachable(media_root: Path) -> None:
    with pytest.raises(Unreachable, match="does not exist"):
        FileImportSource(path="monitoring/gone.csv").fetch(None)


@pytest.mark.parametrize("path", ["../secrets.csv", "/etc/passwd", ""])
def test_a_file_outside_the_media_folder_is_refused(media_root: Path, path: str) -> None:
    with pytest.raises(Misconfigured, match="media folder"):
        FileImportSource(path=path)


def test_a_mapping_naming_an_unknown_field_is_refused(media_root: Path) -> None:
    with pytest.raises(Misconfigured, match="colour"):
        FileImportSource(path="monitoring/x.csv", mapping={"colour": "Colour"})
