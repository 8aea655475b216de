"""Each platform's limits on a post, and how it counts text. Pure: the compose screen shows
the same counts live (``static/publishing/compose.js`` reads ``as_json``) and services refuse
a variant that breaks them.

Sources (November 2026): X counts with twitter-text's weighted length (URLs 23, most scripts
including Devanagari 1, others — emoji, CJK — 2) up to 280, 4 images of 5 MB or one video of
512 MB; Bluesky 300 graphemes, 4 images of 1,000,000 bytes or one video of 100 MB; Mastodon
(mastodon.social defaults) 500 characters with URLs as 23, 4 images of 16 MB or one video of
99 MB; Telegram Bot API 4,096 characters of text or 1,024 of caption, 10 media, photos 10 MB and
videos 50 MB by upload; Facebook Pages 63,206 characters, 10 photos of 10 MB or one video.
"""

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

from itcell.core.errors import Problem

MB = 1_000_000
URL = re.compile(r"https?://\S+")
# A hashtag runs to the next space or punctuation (Devanagari vowel signs are not \w).
HASHTAG = re.compile(r"(?<!\w)#([^\s#.,!?;:।॥\"'()]+)")
VIRAMA = "\u094d"  # Devanagari sign virama: joins two consonants into one grapheme (GB9c)
CONTENT_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4")


@dataclass(frozen=True)
class Limits:
    chars: int  # the text limit, in the platform's own unit
    counts: str  # "weighted" (X), "graphemes" (Bluesky), "urls23" (Mastodon), "chars"
    caption_chars: int | None = None  # a shorter limit when media are attached
    images: int = 4
    image_bytes: int = 5 * MB
    videos: int = 1
    video_bytes: int = 512 * MB
    mixed: bool = False  # may images and a video go in one post


LIMITS: dict[str, Limits] = {
    "x": Limits(280, "weighted"),
    "bluesky": Limits(300, "graphemes", image_bytes=MB, video_bytes=100 * MB),
    "mastodon": Limits(500, "urls23", image_bytes=16 * MB, video_bytes=99 * MB),
    "telegram": Limits(
        4096,
        "chars",
        1024,
        images=10,
        image_bytes=10 * MB,
        videos=10,
        video_bytes=50 * MB,
        mixed=True,
    ),
    "facebook": Limits(63206, "chars", images=10, image_bytes=10 * MB, video_bytes=1000 * MB),
    "whatsapp": Limits(
        4096, "chars", 1024, images=10, image_bytes=16 * MB, video_bytes=16 * MB, mixed=True
    ),
    "website": Limits(100_000, "chars", images=20, image_bytes=20 * MB, mixed=True),
}


def _x_weight(char: str) -> int:
    code = ord(char)
    light = (
        code <= 0x10FF
        or 0x2000 <= code <= 0x200D
        or 0x2010 <= code <= 0x201F
        or 0x2032 <= code <= 0x2037
    )
    return 1 if light else 2


def graphemes(text: str) -> int:
    """User-perceived characters, as Bluesky counts them (Unicode's extended grapheme
    clusters) for the scripts and emoji itcell writes: combining marks, joiners, a consonant
    after a virama, anything after a zero-width joiner, skin-tone modifiers and the second of
    a pair of regional indicators (a flag) belong to the character before them."""
    count, previous, open_flag = 0, "", False
    for char in text:
        code = ord(char)
        regional = 0x1F1E6 <= code <= 0x1F1FF
        joins = (
            unicodedata.category(char) in ("Mn", "Mc", "Me")
            or char in "\u200c\u200d\ufe0f"
            or previous == "\u200d"
            or 0x1F3FB <= code <= 0x1F3FF
            or (previous == VIRAMA and unicodedata.category(char) == "Lo")
            or (regional and open_flag)
        )
        open_flag = regional and not open_flag
        if not joins:
            count += 1
        previous = char
    return count


def length(platform: str, text: str) -> int:
    """``text``'s length as ``platform`` counts it."""
    counts = LIMITS[platform].counts
    if counts == "graphemes":
        return graphemes(text)
    if counts in ("weighted", "urls23"):
        rest = URL.sub("", text)
        urls = len(URL.findall(text))
        weigh = _x_weight if counts == "weighted" else (lambda _char: 1)
        return 23 * urls + sum(weigh(char) for char in rest)
    return len(text)


def text_limit(platform: str, *, with_media: bool) -> int:
    limits = LIMITS[platform]
    return limits.caption_chars if with_media and limits.caption_chars else limits.chars


@dataclass(frozen=True)
class MediumFacts:
    content_type: str
    size: int
    name: str = ""


def check(platform: str, text: str, media: list[MediumFacts], *, field: str = "") -> list[Problem]:
    """Everything about one variant that ``platform`` would refuse."""
    limits = LIMITS[platform]
    problems: list[Problem] = []
    if not text.strip() and not media:
        problems.append(Problem(_("There is nothing to post."), field=field))
    used, limit = length(platform, text), text_limit(platform, with_media=bool(media))
    if used > limit:
        problems.append(
            Problem(
                _("%(used)d of %(limit)d characters: shorten it by %(over)d.")
                % {"used": used, "limit": limit, "over": used - limit},
                field=field,
            )
        )
    images = [m for m in media if m.content_type.startswith("image/")]
    videos = [m for m in media if m.content_type.startswith("video/")]
    if images and videos and not limits.mixed:
        problems.append(
            Problem(_("This platform takes images or a video, not both in one post."), field=field)
        )
    for kind, items, most, largest in (
        (_("images"), images, limits.images, limits.image_bytes),
        (_("videos"), videos, limits.videos, limits.video_bytes),
    ):
        if len(items) > most:
            problems.append(
                Problem(
                    _("At most %(most)d %(kind)s per post here.") % {"most": most, "kind": kind},
                    field=field,
                )
            )
        for medium in items:
            if medium.size > largest:
                problems.append(
                    Problem(
                        _("“%(name)s” is %(size).1f MB; this platform takes at most %(max)d MB.")
                        % {"name": medium.name, "size": medium.size / MB, "max": largest // MB},
                        field=field,
                    )
                )
    return problems


def as_json() -> dict[str, Any]:
    return {platform: asdict(limits) for platform, limits in LIMITS.items()}


def hashtags(text: str) -> list[str]:
    return HASHTAG.findall(URL.sub(" ", text))  # a link's #fragment is no hashtag
