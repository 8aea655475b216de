"""Plays a bundled sample corpus as if it were being posted now, for the demo.

``data/replay.jsonl`` holds items written for the purpose (not real posts), one JSON object a
line, each with ``offset``: seconds after the replay starts at which it "appears"::

    {"id": "rp-0001", "offset": 35, "platform": "x", "author": "...", "author_kind": "public",
     "text": "...", "likes": 12, "shares": 3}

The first fetch starts the clock; each fetch returns the items whose time has come. With
``loop`` the corpus starts again after its last item, with new ids (``rp-0001.1``), so the
feed never runs dry; ``speed`` plays it faster (2.0: twice as fast).
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from itcell.core import clock
from itcell.monitoring.errors import Malformed, Misconfigured
from itcell.monitoring.sources.base import Batch, Cursor, RawItem, SourceBackend

CORPUS = Path(__file__).resolve().parent.parent / "data" / "replay.jsonl"
GAP_SECONDS = 60  # between the last item of one round and the first of the next


@dataclass(frozen=True)
class _Line:
    offset: float
    item: dict[str, object]


@cache
def load_corpus(path: Path) -> tuple[_Line, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Misconfigured(
            _("the replay corpus cannot be read: %(error)s") % {"error": exc}
        ) from exc
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
            lines.append(_Line(float(row.pop("offset")), row))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise Malformed(
                _("%(file)s, line %(line)d: %(error)s")
                % {"file": path.name, "line": number, "error": exc}
            ) from exc
    return tuple(sorted(lines, key=lambda line: line.offset))


class ReplaySource(SourceBackend):
    platform = "replay"
    supports_engagement = True
    default_interval = timedelta(seconds=30)

    def __init__(
        self,
        *,
        path: str = "",
        speed: float = 1.0,
        loop: bool = True,
        batch_size: int = 1000,
    ) -> None:
        if speed <= 0:
            raise Misconfigured(_("speed must be above 0"))
        self.path = Path(path) if path else CORPUS
        self.speed = speed
        self.loop = loop
        self.batch_size = batch_size

    def fetch(self, cursor: Cursor) -> Batch:
        corpus = load_corpus(self.path)
        now = clock.now()
        if not cursor:
            cursor = {"started_at": now.isoformat(), "round": 0, "position": 0}
        started_at = datetime.fromisoformat(cursor["started_at"])
        round_, position = int(cursor["round"]), int(cursor["position"])
        if not corpus:
            return Batch(items=[], cursor=cursor)
        length = corpus[-1].offset + GAP_SECONDS  # one round, in corpus seconds
        elapsed = (now - started_at).total_seconds() * self.speed
        items: list[RawItem] = []
        while len(items) < self.batch_size:
            if position >= len(corpus):
                if not self.loop:
                    break
                round_, position = round_ + 1, 0
            line = corpus[position]
            at = round_ * length + line.offset
            if at > elapsed:
                break
            items.append(self._item(line, round_, started_at + timedelta(seconds=at / self.speed)))
            position += 1
        return Batch(
            items=items,
            cursor={"started_at": started_at.isoformat(), "round": round_, "position": position},
        )

    def _item(self, line: _Line, round_: int, published_at: datetime) -> RawItem:
        row = line.item
        external_id = str(row["id"]) if round_ == 0 else f"{row['id']}.{round_}"

        def count(name: str) -> int | None:
            value = row.get(name)
            return int(value) if isinstance(value, int | float) else None

        return RawItem(
            external_id=external_id,
            text=str(row["text"]),
            published_at=published_at,
            url=str(row.get("url", "")),
            author=str(row.get("author", "")),
            author_kind=str(row.get("author_kind", "public")),
            author_followers=count("author_followers"),
            platform=str(row.get("platform", "")),
            likes=count("likes"),
            shares=count("shares"),
            replies=count("replies"),
            views=count("views"),
        )
