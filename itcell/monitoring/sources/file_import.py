"""Exports from platform tools (CSV, JSON or JSON lines), read with a column mapping.

Options::

    {"path": "monitoring/ct-export-2020-10-26.csv",     # under MEDIA_ROOT
     "platform": "facebook",
     "mapping": {"external_id": "Post ID", "text": "Message", "published_at": "Post Created",
                 "url": "URL", "author": "Page Name", "likes": "Likes", "shares": "Shares"}}

The mapping names, for each item field, the column (or JSON key) that holds it; a field not
mapped is read from a column of its own name. ``external_id``, ``text`` and ``published_at``
are required; ``url``, ``author``, ``author_kind``, ``author_followers``, ``likes``,
``shares``, ``replies`` and ``views`` are optional. Times are ISO 8601 or Unix seconds; a time
without an offset is read in ``timezone`` (India's, unless said otherwise), as the tools export
local time.

A row missing a required field is left out and reported with its line (the header is line 1)
and field; an unreadable optional field is reported and left empty; the good rows are kept.
The cursor is the file's hash and the next row, so a long file is read ``batch_size`` rows a
poll, and a file replaced by a new export is read again from its first row (the ingest
dedupes what was seen).
"""

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils.translation import gettext as _

from itcell.core.errors import Problem
from itcell.monitoring.errors import Malformed, Misconfigured, TooLarge, Unreachable
from itcell.monitoring.sources.base import Batch, Cursor, RawItem, SourceBackend

FIELDS = (
    "external_id",
    "text",
    "published_at",
    "url",
    "author",
    "author_kind",
    "author_followers",
    "likes",
    "shares",
    "replies",
    "views",
)
REQUIRED = ("external_id", "text", "published_at")
COUNTS = ("author_followers", "likes", "shares", "replies", "views")
# The largest count each column stores (likes, shares and replies are 32-bit columns).
MAX_COUNTS = {"author_followers": 2**63 - 1, "views": 2**63 - 1} | dict.fromkeys(
    ("likes", "shares", "replies"), 2**31 - 1
)
AUTHOR_KINDS = frozenset({"party", "candidate", "media", "public"})
FORMATS = ("csv", "json", "jsonl")
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
TZ_SUFFIXES = {"IST": "+05:30", "UTC": "+00:00", "GMT": "+00:00", "Z": "+00:00"}


class FileImportSource(SourceBackend):
    platform = "import"
    supports_engagement = True
    finite = True

    def __init__(
        self,
        *,
        path: str,
        platform: str = "import",
        format: str = "",
        mapping: Mapping[str, str] | None = None,
        author_kind: str = "public",
        timezone: str = "Asia/Kolkata",
        encoding: str = "utf-8",
        batch_size: int = 5000,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.path = _inside_media_root(path)
        self.format = format or self.path.suffix.lstrip(".").lower()
        if self.format not in FORMATS:
            raise Misconfigured(
                _("format must be one of %(formats)s, not %(format)r")
                % {"formats": ", ".join(FORMATS), "format": self.format}
            )
        unknown = set(mapping or {}) - set(FIELDS)
        if unknown:
            raise Misconfigured(
                _("the mapping names fields items do not have: %(fields)s (they have: %(all)s)")
                % {"fields": ", ".join(sorted(unknown)), "all": ", ".join(FIELDS)}
            )
        if author_kind not in AUTHOR_KINDS:
            raise Misconfigured(_("author_kind must be party, candidate, media or public"))
        try:
            self.timezone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise Misconfigured(_("unknown timezone %(tz)r") % {"tz": timezone}) from exc
        self.platform = platform
        self.mapping = {name: (mapping or {}).get(name, name) for name in FIELDS}
        self.author_kind = author_kind
        self.encoding = encoding
        self.batch_size = batch_size
        self.max_bytes = max_bytes

    def fetch(self, cursor: Cursor) -> Batch:
        raw = self._read()
        digest = hashlib.sha256(raw).hexdigest()
        cursor = dict(cursor or {})
        start = int(cursor.get("row", 0)) if cursor.get("sha256") == digest else 0
        try:
            text = raw.decode(self.encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise Malformed(
                _(
                    "%(file)s is not %(encoding)s text (byte %(at)d): export it as UTF-8, "
                    "or set the source's encoding option"
                )
                % {"file": self.path.name, "encoding": self.encoding, "at": exc.start}
            ) from exc
        items: list[RawItem] = []
        problems: list[Problem] = []
        position = start
        for position, (line, row) in enumerate(self._rows(text), start=1):
            if position <= start:
                continue
            item = self._item(line, row, problems)
            if item is not None:
                items.append(item)
            if position - start >= self.batch_size:
                break
        else:
            position = max(position, start)
        return Batch(items=items, cursor={"sha256": digest, "row": position}, problems=problems)

    def _read(self) -> bytes:
        try:
            size = self.path.stat().st_size
            if size > self.max_bytes:
                raise TooLarge(f"{self.path.name}: {size} bytes, limit {self.max_bytes}")
            return self.path.read_bytes()
        except FileNotFoundError as exc:
            raise Unreachable(_("%(file)s does not exist") % {"file": self.path.name}) from exc
        except OSError as exc:
            raise Unreachable(f"{self.path.name}: {exc}") from exc

    def _rows(self, text: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
        """Each record with the line it starts on (the header, or the array, is line 1)."""
        name = self.path.name
        if self.format == "csv":
            # newline="": a file whose lines end in a bare CR (old spreadsheets) splits too.
            reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
            try:
                header = reader.fieldnames or []
            except csv.Error as exc:
                raise Malformed(
                    _("%(file)s, line %(line)d: %(error)s")
                    % {"file": name, "line": reader.line_num, "error": exc}
                ) from exc
            missing = [self.mapping[f] for f in REQUIRED if self.mapping[f] not in header]
            if missing:
                raise Malformed(
                    _("%(file)s has no column %(columns)s: fix the file or the source's mapping")
                    % {"file": name, "columns": ", ".join(repr(c) for c in missing)}
                )
            line = reader.line_num
            try:
                for row in reader:
                    yield line + 1, row
                    line = reader.line_num
            except csv.Error as exc:
                raise Malformed(
                    _("%(file)s, line %(line)d: %(error)s")
                    % {"file": name, "line": line + 1, "error": exc}
                ) from exc
        elif self.format == "jsonl":
            for number, raw in enumerate(text.splitlines(), start=1):
                if not raw.strip():
                    continue
                try:
                    row = json.loads(raw)
                except ValueError as exc:
                    raise Malformed(
                        _("%(file)s, line %(line)d: %(error)s")
                        % {"file": name, "line": number, "error": exc}
                    ) from exc
                yield number, row if isinstance(row, dict) else {}
        else:
            try:
                data = json.loads(text)
            except ValueError as exc:
                raise Malformed(f"{name}: {exc}") from exc
            if isinstance(data, dict):  # {"data": [...]} or {"items": [...]}
                data = next((v for v in data.values() if isinstance(v, list)), None)
            if not isinstance(data, list):
                raise Malformed(_("%(file)s holds no list of records") % {"file": name})
            for number, row in enumerate(data, start=1):
                yield number, row if isinstance(row, dict) else {}

    def _item(self, line: int, row: Mapping[str, Any], problems: list[Problem]) -> RawItem | None:
        name = self.path.name

        def report(message: str, field: str) -> None:
            problems.append(Problem(message, name, line, self.mapping[field]))

        values = {f: _cell(row.get(self.mapping[f])) for f in FIELDS}
        for field in REQUIRED:
            if not values[field]:
                report(_("empty: every row needs it"), field)
        published_at = None
        if values["published_at"]:
            published_at = self._time(values["published_at"])
            if published_at is None:
                report(
                    _("“%(value)s” is not a time: use ISO 8601 (2020-10-26 18:30) or Unix seconds")
                    % {"value": values["published_at"][:40]},
                    "published_at",
                )
        if not values["external_id"] or not values["text"] or published_at is None:
            return None
        counts: dict[str, int | None] = {}
        for field in COUNTS:
            counts[field] = None
            if values[field]:
                try:
                    number = max(int(float(values[field].replace(",", ""))), 0)
                    if number > MAX_COUNTS[field]:
                        raise OverflowError(number)
                    counts[field] = number
                except (ValueError, OverflowError):  # "inf", "1e400": no count to store
                    report(
                        _("“%(value)s” is not a number; left empty")
                        % {"value": values[field][:40]},
                        field,
                    )
        author_kind = values["author_kind"].lower() or self.author_kind
        if author_kind not in AUTHOR_KINDS:
            report(_("must be party, candidate, media or public; read as public"), "author_kind")
            author_kind = "public"
        url = values["url"]
        return RawItem(
            external_id=values["external_id"],
            text=values["text"],
            published_at=published_at,
            url=url if url.startswith(("http://", "https://")) else "",
            author=values["author"],
            author_kind=author_kind,
            author_followers=counts["author_followers"],
            platform=self.platform,
            likes=counts["likes"],
            shares=counts["shares"],
            replies=counts["replies"],
            views=counts["views"],
        )

    def _time(self, value: str) -> datetime | None:
        try:
            seconds = float(value)
        except ValueError:
            pass
        else:
            if seconds > 1e11:  # milliseconds, as some tools write
                seconds /= 1000
            try:
                return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
            except (OverflowError, ValueError):  # "1e300", "nan"
                return None
        head, _space, suffix = value.rpartition(" ")
        if head and suffix.upper() in TZ_SUFFIXES:
            value = head + TZ_SUFFIXES[suffix.upper()]
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            return None
        at = at.replace(tzinfo=self.timezone) if at.tzinfo is None else at
        try:
            # In UTC, as it is stored: "9999-12-31T23:00-05:00" has no such instant.
            return at.astimezone(UTC)
        except OverflowError:
            return None


def _cell(value: object) -> str:
    # PostgreSQL stores no NUL: one in a row would fail every poll of the file.
    return "" if value is None else str(value).replace("\x00", "").strip()


def _inside_media_root(path: str) -> Path:
    """The file, which must lie under MEDIA_ROOT: a source's options come from a form, and
    must not open the server's other files."""
    root = Path(settings.MEDIA_ROOT).resolve()
    resolved = (root / path).resolve()
    if not path or not resolved.is_relative_to(root):
        raise Misconfigured(
            _("the file must be under the media folder (MEDIA_ROOT); give its path inside it")
        )
    return resolved
