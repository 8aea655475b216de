"""Importing a content calendar from CSV: one draft post per row, at its date and time in IST.

    date,time,title,text_hi,text_en,channels,acs,fast_lane
    2020-10-27,18:30,Relief camps,राहत शिविर खुले हैं।,Camps are open.,@vip_bihar;VIP Bihar,52,no

The header names the columns, in any case and order: ``date``, ``time``, ``title``,
``text_hi``, ``text_en`` and ``channels`` always; ``acs``, ``talking_point``,
``paid_promotion``, ``mcmc_certificate`` and ``fast_lane`` when wanted. Lists are separated by
``;``. Every bad row is reported with its line number (the header is line 1) and column; when
any row is bad, nothing is imported. A row passes the same rules as the compose screen
(``posts.check_post``)."""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from itcell.accounts.models import User
from itcell.audit.services import record
from itcell.core.clock import IST
from itcell.core.errors import Problem
from itcell.organisation.models import Desk
from itcell.playbook.models import TalkingPoint
from itcell.playbook.training import missing_core_modules
from itcell.publishing.errors import Blocked, NotTrained, PostInvalid
from itcell.publishing.models import Channel, Platform, Post
from itcell.publishing.services.posts import PostInput, check_post, create_post, submit_post
from itcell.publishing.workflow import PostState

REQUIRED = ("date", "time", "title", "text_hi", "text_en", "channels")
OPTIONAL = ("acs", "talking_point", "paid_promotion", "mcmc_certificate", "fast_lane")
COLUMNS = REQUIRED + OPTIONAL
MAX_ROWS = 1000
SEPARATOR = ";"
YES, NO = frozenset({"yes", "true", "1"}), frozenset({"no", "false", "0", ""})
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
FINAL = (PostState.REJECTED, PostState.WITHDRAWN)  # posts that no longer count as the desk's

Report = Callable[[str, str], None]  # (message, column): one problem on the current row


@dataclass(frozen=True)
class _Row:
    line: int
    data: PostInput


@transaction.atomic
def import_calendar(
    *,
    desk: Desk,
    author: User,
    csv_text: str,
    source: str = "calendar.csv",
    submit: bool = False,
    source_address: str | None = None,
) -> list[Post]:
    """One draft per row of ``csv_text`` for ``desk``, each sent for review when ``submit``.
    Raises ``PostInvalid`` with every problem of every row; then nothing is written. An author
    who has not passed the core training modules may import drafts but not send them."""
    if submit and (missing := missing_core_modules(author, desk.election_id)):
        raise PostInvalid([Problem(str(NotTrained(missing)), source)])
    records, problems = _read(csv_text, source)
    if not records:
        raise PostInvalid(problems or [Problem(_empty_file_message(), source)])
    columns, header_problems = _columns(*records[0], source=source)
    if header_problems:
        raise PostInvalid(header_problems)
    body = records[1:]
    if len(body) > MAX_ROWS:
        # Checking each row costs several queries; a file this long is refused before that.
        raise PostInvalid(
            [
                Problem(
                    _(
                        "The file has %(rows)d posts; import at most %(most)d at a time: "
                        "split it into smaller files."
                    )
                    % {"rows": len(body), "most": MAX_ROWS},
                    source,
                    body[MAX_ROWS][0],
                )
            ]
        )
    if not body and not problems:
        problems.append(
            Problem(
                _("The file has a header but no posts: add one post on each line below it."),
                source,
            )
        )
    rows = _parse(
        desk=desk,
        body=body,
        columns=columns,
        width=len(records[0][1]),
        source=source,
        problems=problems,
    )
    if problems:
        raise PostInvalid(sorted(problems, key=lambda p: p.row or 0))
    posts = []
    for row in rows:
        try:
            post = create_post(
                desk=desk, author=author, data=row.data, source_address=source_address
            )
            if submit:
                submit_post(post=post, author=author, source_address=source_address)
                post.refresh_from_db()
        except PostInvalid as invalid:  # the clock passed a row's time while importing
            problems += [replace(p, source=source, row=row.line) for p in invalid.problems]
        except Blocked as blocked:  # a compliance rule stops it going for review
            problems += [Problem(str(f), source, row.line) for f in blocked.findings]
        else:
            posts.append(post)
    if problems:
        raise PostInvalid(problems)
    record(
        actor=author,
        action="post.calendar_imported",
        obj=desk,
        after={
            "rows": len(rows),
            "posts": [p.pk for p in posts],
            "source": source,
            "submitted": submit,
        },
        source_address=source_address,
    )
    return posts


def _empty_file_message() -> str:
    return _(
        "The file is empty: put the header (%(columns)s) on the first line and one post on "
        "each line below it."
    ) % {"columns": ", ".join(COLUMNS)}


def _read(csv_text: str, source: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """The file's records as (line where it starts, cells), blank ones left out."""
    # Strict: an unclosed quote would otherwise swallow every line after it into one cell.
    reader = csv.reader(io.StringIO(csv_text.removeprefix("\ufeff")), strict=True)
    records: list[tuple[int, list[str]]] = []
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            # A text written over several lines may carry the file's CRLF: keep one kind.
            cells = [cell.replace("\r\n", "\n") for cell in cells]
            # Spreadsheets write ",,,," for rows that were once touched: as blank as "".
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
    except csv.Error:
        problem = Problem(
            _(
                "This line cannot be read: a double quote is missing or misplaced. Put a text "
                "with commas, quotes or line breaks in double quotes, and double each quote "
                'inside it ("").'
            ),
            source,
            end + 1,
        )
        return records, [problem]
    return records, []


def _columns(line: int, header: list[str], *, source: str) -> tuple[dict[str, int], list[Problem]]:
    """Each named column's position. A column without a name is left out (its cells must be
    empty: spreadsheets write such columns after the last one used)."""
    names = [cell.strip().casefold() for cell in header]
    if not set(names) & set(COLUMNS):
        message = _("The first line must be the header, naming the columns: %(columns)s.")
        return {}, [Problem(message % {"columns": ", ".join(COLUMNS)}, source, line)]
    problems, columns = [], {}
    for position, (name, written) in enumerate(zip(names, header, strict=True)):
        if name and name not in COLUMNS:
            problems.append(
                Problem(
                    _("“%(column)s” is not a column of a calendar: rename or delete it.")
                    % {"column": written.strip()}
                    + " "
                    + _("The columns are: %(columns)s.") % {"columns": ", ".join(COLUMNS)},
                    source,
                    line,
                )
            )
        elif name in columns:
            problems.append(
                Problem(
                    _("The column “%(column)s” appears twice: keep one.") % {"column": name},
                    source,
                    line,
                )
            )
        elif name:
            columns[name] = position
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(
            Problem(
                _("Columns missing: %(columns)s. Add them to the header (the first line).")
                % {"columns": ", ".join(missing)},
                source,
                line,
            )
        )
    return columns, problems


def _parse(
    *,
    desk: Desk,
    body: list[tuple[int, list[str]]],
    columns: dict[str, int],
    width: int,
    source: str,
    problems: list[Problem],
) -> list[_Row]:
    """The good rows as post inputs; the bad ones' problems are added to ``problems``."""
    channels = _ChannelNames(desk)
    talking_points = _TalkingPointTitles(desk)
    named = set(columns.values())
    seen: dict[tuple[object, str], int] = {}
    rows = []
    for line, cells in body:
        before = len(problems)
        report: Report = partial(_report, problems, source, line)
        if len(cells) != width:
            report(
                _(
                    "This row has %(cells)d cells but the header has %(columns)d: look for a "
                    "stray comma, and put a text with commas in double quotes."
                )
                % {"cells": len(cells), "columns": width},
                "",
            )
            continue
        if any(cells[i].strip() for i in range(width) if i not in named):
            report(_("A cell is under a column with no name: name the column or empty it."), "")
        for name, position in columns.items():
            # PostgreSQL stores no NUL, no database a lone surrogate; a form refuses both too.
            cell = cells[position]
            if "\x00" in cell or cell.encode("utf-8", "replace") != cell.encode("utf-8", "ignore"):
                report(_("The cell holds a NUL or a broken character: delete it."), name)
                cells[position] = cell.encode("utf-8", "ignore").decode().replace("\x00", "")
        values = {name: cells[position] for name, position in columns.items()}
        title = values["title"].strip()
        certificate = values.get("mcmc_certificate", "").strip()
        publish_at = _publish_at(values["date"], values["time"], report)
        chosen = channels.resolve(values["channels"], report)
        data = PostInput(
            title=title,
            text_hi=values["text_hi"].strip(),
            text_en=values["text_en"].strip(),
            variants={channel.pk: "" for channel in chosen},
            ac_numbers=_ac_numbers(values.get("acs", ""), report),
            talking_point_id=talking_points.resolve(values.get("talking_point", ""), report),
            paid_promotion=_yes_no(values.get("paid_promotion", ""), "paid_promotion", report),
            mcmc_certificate=certificate,
            fast_lane=_yes_no(values.get("fast_lane", ""), "fast_lane", report),
            publish_at=publish_at,
        )
        unknown_channels = any(p.field == "channels" for p in problems[before:])
        try:
            check_post(desk=desk, data=data, source=source)
        except PostInvalid as invalid:
            by_pk = {channel.pk: channel for channel in chosen}
            no_text = any(p.field == "text_hi" for p in invalid.problems)
            for p in invalid.problems:
                if p.field == "channels" and unknown_channels and not chosen:
                    continue  # "choose a channel" says less than "no such handle" already did
                if p.field.startswith("variant_") and no_text:
                    continue  # each channel's "nothing to post" repeats "write the post"
                message = p.message
                if p.field.startswith("variant_"):
                    channel = by_pk[int(p.field.removeprefix("variant_"))]
                    message = _("%(channel)s: %(problem)s") % {
                        "channel": channel,
                        "problem": p.message,
                    }
                problems.append(replace(p, message=message, source=source, row=line))
        if title:
            key = (publish_at or (values["date"].strip(), values["time"].strip()), title.casefold())
            if key in seen:
                report(
                    _("Row %(row)d has the same date, time and title: delete one of them.")
                    % {"row": seen[key]},
                    "title",
                )
            else:
                seen[key] = line
        if len(problems) == before:
            rows.append(_Row(line, data))
    return _without_existing(desk=desk, rows=rows, source=source, problems=problems)


def _report(problems: list[Problem], source: str, line: int, message: str, field: str) -> None:
    problems.append(Problem(message, source, line, field))


def _without_existing(
    *, desk: Desk, rows: list[_Row], source: str, problems: list[Problem]
) -> list[_Row]:
    """``rows`` less those the desk already has (same time and title, still live): importing
    the same file twice must not schedule everything twice."""
    times = {row.data.publish_at for row in rows}
    live = Post.objects.filter(desk=desk, publish_at__in=times).exclude(state__in=FINAL)
    existing = {
        (at, title.strip().casefold()) for at, title in live.values_list("publish_at", "title")
    }
    kept = []
    for row in rows:
        if (row.data.publish_at, row.data.title.casefold()) in existing:
            problems.append(
                Problem(
                    _(
                        "The desk already has a post with this title at this time (imported "
                        "before?): delete this row, or change that post."
                    ),
                    source,
                    row.line,
                    "title",
                )
            )
        else:
            kept.append(row)
    return kept


def _publish_at(day: str, at: str, report: Report) -> datetime | None:
    day, at = day.strip(), at.strip()
    parsed_day: date | None = None
    parsed_time: time | None = None
    if not day:
        report(_("Give the date, as YYYY-MM-DD."), "date")
    else:
        try:
            if not DATE.fullmatch(day):
                raise ValueError(day)
            parsed_day = date.fromisoformat(day)
        except ValueError:
            report(
                _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2020-10-27.")
                % {"value": day},
                "date",
            )
    if not at:
        report(_("Give the time (IST), as HH:MM on the 24-hour clock."), "time")
    else:
        match = TIME.fullmatch(at)
        try:
            if match is None:
                raise ValueError(at)
            parsed_time = time(int(match[1]), int(match[2]))
        except ValueError:
            report(
                _("“%(value)s” is not a time: write it as HH:MM on the 24-hour clock, e.g. 18:30.")
                % {"value": at},
                "time",
            )
    if parsed_day is None or parsed_time is None:
        return None
    # India keeps one offset all year, so every IST wall-clock time names exactly one instant.
    return datetime.combine(parsed_day, parsed_time, tzinfo=IST)


def _ac_numbers(written: str, report: Report) -> frozenset[int] | None:
    """The constituencies by number; None (the desk's whole area) when the cell is empty."""
    numbers, bad = set(), []
    for part in written.split(SEPARATOR):
        part = part.strip()
        if part.isascii() and part.isdigit():
            numbers.add(int(part))
        elif part:
            bad.append(part)
    for part in bad:
        report(
            _(
                "“%(value)s” is not a constituency number: write numbers separated by “;”, "
                "e.g. 52;53."
            )
            % {"value": part},
            "acs",
        )
    # With only bad numbers, check the rest of the row against the desk's area.
    return frozenset(numbers) if numbers else None


def _yes_no(written: str, field: str, report: Report) -> bool:
    value = written.strip().casefold()
    if value not in YES | NO:
        report(
            _("“%(value)s” is not yes or no: write yes or no (empty means no).")
            % {"value": written.strip()},
            field,
        )
    return value in YES


class _ChannelNames:
    """The election's channels by handle, exactly as written on the channels page."""

    def __init__(self, desk: Desk) -> None:
        self.by_handle: dict[str, list[Channel]] = {}
        for channel in Channel.objects.filter(election_id=desk.election_id):
            self.by_handle.setdefault(channel.handle, []).append(channel)
        self.folded = {handle.casefold(): handle for handle in self.by_handle}

    def resolve(self, written: str, report: Report) -> list[Channel]:
        chosen: dict[int, Channel] = {}
        for handle in (part.strip() for part in written.split(SEPARATOR)):
            if not handle:
                continue
            found = self.by_handle.get(handle, [])
            platform, colon, rest = handle.partition(":")
            if not found and colon and platform.casefold() in Platform.values:
                # "telegram:@vip_bihar": one handle can be the party's on two platforms.
                found = [
                    c
                    for c in self.by_handle.get(rest.strip(), [])
                    if c.platform == platform.casefold()
                ]
            if len(found) == 1:
                chosen[found[0].pk] = found[0]
            elif found:
                report(
                    _(
                        "“%(handle)s” is a channel on more than one platform: write the "
                        "platform before it, as one of %(choices)s."
                    )
                    % {
                        "handle": handle,
                        "choices": ", ".join(f"{c.platform}:{handle}" for c in found),
                    },
                    "channels",
                )
            elif handle.casefold() in self.folded:
                report(
                    _("No channel has the handle “%(handle)s”; did you mean “%(match)s”?")
                    % {"handle": handle, "match": self.folded[handle.casefold()]},
                    "channels",
                )
            else:
                report(
                    _(
                        "No channel of this election has the handle “%(handle)s”: copy it "
                        "from the channels page; separate handles with “;”."
                    )
                    % {"handle": handle},
                    "channels",
                )
        return list(chosen.values())


class _TalkingPointTitles:
    """The election's active talking points (those the compose screen offers) by English title."""

    def __init__(self, desk: Desk) -> None:
        self.by_title: dict[str, list[int]] = {}
        points = TalkingPoint.objects.filter(election_id=desk.election_id, is_active=True)
        for pk, title in points.values_list("pk", "title_en"):
            self.by_title.setdefault(title.strip().casefold(), []).append(pk)

    def resolve(self, written: str, report: Report) -> int | None:
        title = written.strip()
        if not title:
            return None
        found = self.by_title.get(title.casefold(), [])
        if len(found) == 1:
            return found[0]
        if found:
            report(
                _(
                    "More than one talking point is titled “%(title)s”: ask the playbook's "
                    "editor to tell them apart, or leave the cell empty."
                )
                % {"title": title},
                "talking_point",
            )
        else:
            report(
                _(
                    "No active talking point is titled “%(title)s”: copy its English title "
                    "from the playbook, or leave the cell empty."
                )
                % {"title": title},
                "talking_point",
            )
        return None
