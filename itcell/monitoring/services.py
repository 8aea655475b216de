"""Writes of the monitoring app: sources (created, enabled, disabled: each audited), and the
ingest of what they read.

``poll_source`` is the one path from a platform to the database: fetch from the source's
cursor (outside any transaction: it waits on the network), then ``ingest`` the batch, move
the cursor and record the source's health in one transaction. A failed fetch keeps the
cursor, records the error and backs off exponentially, so nothing is skipped and a broken
site is not hammered.
"""

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Model, Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from itcell.audit.services import record
from itcell.core import clock
from itcell.core.errors import InvalidInput, Problem
from itcell.elections.models import Election
from itcell.monitoring.alerts import alert_large_accounts, match_claims, matches_by_meaning
from itcell.monitoring.errors import RateLimited, SourceError
from itcell.monitoring.gazetteers import get_gazetteer
from itcell.monitoring.models import (
    ALL_ACS,
    ALL_PARTIES,
    NO_AC_KEY,
    EngagementSnapshot,
    HourlyCount,
    Item,
    ItemTag,
    Source,
    TopicCount,
    hour_of,
)
from itcell.monitoring.nlp import Gazetteer, Kind, Tags, tag_many
from itcell.monitoring.sources import Batch, RawItem, backend_class, open_source, seal_secrets
from itcell.monitoring.stance import classify_stances

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)  # the longest wait after failures in a row
LEASE = timedelta(minutes=10)  # a claimed source is not claimed again for this long
INSERT_BATCH = 2000  # rows per INSERT, at most
MAX_ERROR_CHARS = 4000
MAX_PROBLEMS_SHOWN = 20
_KINDS = tuple(Kind)


# Sources -----------------------------------------------------------------------------------


@transaction.atomic
def create_source(
    *,
    election: Election,
    name: str,
    backend: str,
    options: dict[str, Any] | None = None,
    interval_seconds: int | None = None,
    enabled: bool = True,
    actor: Any = None,
    source_address: str | None = None,
) -> Source:
    """A new source, checked by building its backend (an unknown alias or a wrong option is
    refused with ``InvalidInput`` naming the field)."""
    options = dict(options or {})
    try:
        backend_obj = open_source(backend, options)
    except SourceError as exc:
        raise InvalidInput([Problem(str(exc), field="options")]) from exc
    if Source.objects.filter(election=election, name=name).exists():
        raise InvalidInput(
            [Problem(_("This election already has a source of that name."), field="name")]
        )
    options = seal_secrets(options)  # stored and audited sealed, never in clear
    source = Source.objects.create(
        election=election,
        name=name,
        backend=backend,
        options=options,
        enabled=enabled,
        interval_seconds=interval_seconds or int(backend_obj.default_interval.total_seconds()),
    )
    record(
        actor=actor,
        action="monitoring.source_created",
        obj=source,
        after={"backend": backend, "options": options, "enabled": enabled},
        source_address=source_address,
    )
    return source


@transaction.atomic
def set_source_enabled(
    *, source: Source, enabled: bool, actor: Any = None, source_address: str | None = None
) -> Source:
    """Enable (polled at once, failures forgotten) or disable a source. Its items stay."""
    if source.enabled == enabled:
        return source
    source.enabled = enabled
    fields = ["enabled"]
    if enabled:
        source.next_poll_at = None
        source.consecutive_failures = 0
        fields += ["next_poll_at", "consecutive_failures"]
    source.save(update_fields=fields)
    record(
        actor=actor,
        action="monitoring.source_enabled" if enabled else "monitoring.source_disabled",
        obj=source,
        after={"enabled": enabled},
        source_address=source_address,
    )
    return source


def claim_due_sources(*, now: datetime) -> list[int]:
    """The ids of enabled sources due a poll, each claimed for ``LEASE`` by a conditional
    update, so two schedulers (or a slow poll) never poll one source twice at once."""
    claimed = []
    due = Source.objects.filter(enabled=True).filter(
        Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
    )
    for pk, next_poll_at in due.values_list("pk", "next_poll_at"):
        won = Source.objects.filter(pk=pk, next_poll_at=next_poll_at).update(
            next_poll_at=now + LEASE
        )
        if won:
            claimed.append(pk)
    return claimed


# Polling -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ingested:
    new: int  # items stored for the first time
    duplicates: int  # items already stored (or twice in the batch)
    snapshots: int  # engagement snapshots written
    tags: int


@dataclass(frozen=True)
class Polled:
    ok: bool
    ingested: Ingested | None = None
    error: str = ""


def poll_source(*, source: Source, now: datetime) -> Polled:
    """Fetch what is new from the source's cursor and store it; on failure keep the cursor,
    record the error and set the next poll after an exponential backoff."""
    try:
        backend = open_source(source.backend, source.options)
        batch = backend.fetch(source.cursor)
    except SourceError as error:
        retry_after = error.retry_after if isinstance(error, RateLimited) else None
        _record_failure(source=source, message=str(error), now=now, retry_after=retry_after)
        return Polled(ok=False, error=str(error))
    try:
        with transaction.atomic():
            store = import_string(backend.stored_by) if backend.stored_by else ingest
            ingested = store(source=source, batch=batch, now=now)
            source.cursor = batch.cursor
            source.last_polled_at = now
            source.last_ok_at = now
            if batch.items or batch.problems or source.consecutive_failures:
                # An empty batch (an unchanged file or feed) keeps the report of the rows or
                # entries left out when it was read, so a person still sees it.
                source.last_error = _problems_text(batch.problems)
            source.consecutive_failures = 0
            source.next_poll_at = now + timedelta(seconds=source.interval_seconds)
            source.save(
                update_fields=[
                    "cursor",
                    "last_polled_at",
                    "last_ok_at",
                    "consecutive_failures",
                    "last_error",
                    "next_poll_at",
                ]
            )
    except DatabaseError as exc:
        # Nothing of the batch was stored (another poll stored some of its items first, or
        # the database refused): the same cursor is read again after the backoff.
        log.exception("storing a batch of source %s failed", source.pk)
        message = _("Storing what the source sent failed; it will be read again: %(error)s") % {
            "error": f"{type(exc).__name__}: {exc}"
        }
        _record_failure(source=source, message=message, now=now)
        return Polled(ok=False, error=message)
    return Polled(ok=True, ingested=ingested)


def backoff(*, interval: timedelta, failures: int, retry_after: float | None = None) -> timedelta:
    """The wait before the next poll after ``failures`` failed polls in a row: the interval
    doubled per failure, at most ``MAX_BACKOFF``, and never less than the platform asked."""
    wait = min(interval * 2 ** min(failures, 20), MAX_BACKOFF)
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    return wait


def _record_failure(
    *, source: Source, message: str, now: datetime, retry_after: float | None = None
) -> None:
    failures = source.consecutive_failures + 1
    wait = backoff(
        interval=timedelta(seconds=source.interval_seconds),
        failures=failures,
        retry_after=retry_after,
    )
    source.last_polled_at = now
    source.last_error = message[:MAX_ERROR_CHARS]
    source.consecutive_failures = failures
    source.next_poll_at = now + wait
    # The cursor is left as it was: the next poll reads again what this one could not.
    source.save(
        update_fields=["last_polled_at", "last_error", "consecutive_failures", "next_poll_at"]
    )


def _problems_text(problems: Sequence[Problem]) -> str:
    if not problems:
        return ""
    shown = "\n".join(str(p) for p in problems[:MAX_PROBLEMS_SHOWN])
    more = len(problems) - MAX_PROBLEMS_SHOWN
    if more > 0:
        shown += "\n" + _("… and %(n)d more") % {"n": more}
    header = _("%(n)d entries were left out; the others were stored:") % {"n": len(problems)}
    return f"{header}\n{shown}"[:MAX_ERROR_CHARS]


# Ingest ------------------------------------------------------------------------------------


@transaction.atomic
def ingest(
    *,
    source: Source,
    batch: Batch,
    now: datetime | None = None,
    gazetteer: Gazetteer | None = None,
) -> Ingested:
    """Store the batch's new items with their tags and engagement, and add them to the
    hourly counts, in one transaction. Items already stored (same platform and id) are not
    stored again; their engagement, when the batch carries it, is added as a new snapshot."""
    now = now or clock.now()
    platform_default = _default_platform(source)
    fresh: dict[tuple[str, str], RawItem] = {}
    for raw in batch.items:
        fresh.setdefault((raw.platform or platform_default, _external_id(raw.external_id)), raw)
    existing = _existing_ids(fresh)
    new_keys = [key for key in fresh if key not in existing]
    duplicates = len(batch.items) - len(new_keys)
    new_raw = [fresh[key] for key in new_keys]
    tags = tag_many((raw.text for raw in new_raw), gazetteer or get_gazetteer(source.election))
    stances = classify_stances(election=source.election, texts=[raw.text for raw in new_raw])
    meaning_matched = not matches_by_meaning()  # else matched after ingest, in the background
    # Plain INSERTs with the values as the database takes them: building and compiling a
    # model instance per row costs more than the database's own work (bench/ingest.py).
    at = connection.ops.adapt_datetimefield_value
    fetched_at = at(now)
    item_ids = insert_rows(
        Item,
        ITEM_COLUMNS,
        [
            (
                source.election_id,
                source.pk,
                platform,
                external_id,
                raw.url[:1000],
                raw.author[:200],
                raw.author_kind,
                raw.author_followers,
                raw.text,
                found.language[:10],
                found.script[:8],
                at(raw.published_at),
                fetched_at,
                stance,
                confidence,
                meaning_matched,
            )
            for (platform, external_id), raw, found, (stance, confidence) in zip(
                new_keys, new_raw, tags, stances, strict=True
            )
        ],
        returning_ids=True,
    )
    tag_rows = [
        (item_id, kind.value, key[:160], confidence)
        for item_id, found in zip(item_ids, tags, strict=True)
        for kind in _KINDS
        for key, confidence in found.of(kind).items()
    ]
    insert_rows(ItemTag, ("item_id", "kind", "key", "confidence"), tag_rows)
    snapshot_rows = [
        (item_id, fetched_at, raw.likes, raw.shares, raw.replies, raw.views)
        for item_id, raw in zip(item_ids, new_raw, strict=True)
        if raw.has_engagement
    ] + [
        (existing[key], fetched_at, raw.likes, raw.shares, raw.replies, raw.views)
        for key, raw in fresh.items()
        if key in existing and raw.has_engagement
    ]
    insert_rows(
        EngagementSnapshot, ("item_id", "at", "likes", "shares", "replies", "views"), snapshot_rows
    )
    add_to_hourly_counts(
        election_id=source.election_id,
        source_id=source.pk,
        cells=rollup_cells(
            (raw.published_at, found, stance)
            for raw, found, (stance, _confidence) in zip(new_raw, tags, stances, strict=True)
        ),
    )
    add_to_topic_counts(
        election_id=source.election_id,
        cells=topic_cells(
            (raw.published_at, found) for raw, found in zip(new_raw, tags, strict=True)
        ),
    )
    match_claims(
        election=source.election,
        items=[(item_id, raw.text) for item_id, raw in zip(item_ids, new_raw, strict=True)],
    )
    alert_large_accounts(
        election=source.election,
        items=[
            (item_id, raw.author_followers, found)
            for item_id, raw, found in zip(item_ids, new_raw, tags, strict=True)
        ],
    )
    return Ingested(
        new=len(item_ids),
        duplicates=duplicates,
        snapshots=len(snapshot_rows),
        tags=len(tag_rows),
    )


ITEM_COLUMNS = (
    "election_id",
    "source_id",
    "platform",
    "external_id",
    "url",
    "author",
    "author_kind",
    "author_followers",
    "text",
    "language",
    "script",
    "published_at",
    "fetched_at",
    "stance",
    "stance_confidence",
    "meaning_matched",
)


def insert_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning_ids: bool = False,
    suffix: str = "",
) -> list[int]:
    """Insert ``rows`` (values already adapted for the database) into ``model``'s table in as
    few statements as the database allows; with ``returning_ids``, return the new rows' ids
    in the order of ``rows`` (as Django's ``bulk_create`` does). ``suffix`` follows the rows
    (an ON CONFLICT clause)."""
    if not rows:
        return []
    if connection.vendor == "postgresql" and not suffix:
        return _copy_rows(model, columns, rows, returning_ids=returning_ids)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    returning = f" RETURNING {quote(str(model._meta.pk.column))}" if returning_ids else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, len(columns)):
            rows_sql, params = _rows_sql(model, columns, chunk)
            sql = f"INSERT INTO {table} ({names}) {rows_sql}{suffix}{returning}"
            cursor.execute(sql, params)
            if returning_ids:
                ids += [row[0] for row in cursor.fetchall()]
    return ids


def _copy_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning_ids: bool,
) -> list[int]:
    """PostgreSQL: the rows through COPY, whose rows psycopg writes in C (about eight times
    faster than binding arrays). COPY returns nothing, so new ids are taken from the table's
    sequence first and written with the rows."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning_ids:
            pk = str(model._meta.pk.column)
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), pk, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            columns = (pk, *columns)
            rows = [(pk_value, *row) for pk_value, row in zip(ids, rows, strict=True)]
        names = ", ".join(quote(c) for c in columns)
        psycopg_cursor: Any = cursor.cursor
        # Django's own errors (IntegrityError...), as its cursor would raise them.
        with (
            connection.wrap_database_errors,
            psycopg_cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    return ids


def _chunks(rows: Sequence[Sequence[Any]], width: int) -> Iterable[Sequence[Sequence[Any]]]:
    if connection.vendor == "postgresql":  # one array per column: no parameter limit to mind
        yield rows
        return
    limit = connection.features.max_query_params or 999
    size = max(1, min(INSERT_BATCH, limit // width))
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _rows_sql(
    model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[str, list[Any]]:
    """The rows as SQL and parameters: on PostgreSQL one array per column through UNNEST
    (as Django's own ``bulk_create`` does: a query with thousands of placeholders costs
    more to prepare than to run), elsewhere a multi-row VALUES."""
    if connection.vendor == "postgresql":
        fields = {f.column: f for f in model._meta.concrete_fields}
        arrays = ", ".join(f"%s::{fields[c].db_type(connection)}[]" for c in columns)
        # Names and types come from the model; the values travel as parameters.
        return f"SELECT * FROM UNNEST({arrays})", [  # noqa: S608
            list(column) for column in zip(*rows, strict=True)
        ]
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return "VALUES " + ", ".join([placeholder] * len(rows)), [v for row in rows for v in row]


def _default_platform(source: Source) -> str:
    """The platform a source's items come from when they do not say."""
    try:
        return backend_class(source.backend).platform or source.backend
    except SourceError:
        return source.backend


def _external_id(value: str) -> str:
    # An id longer than the column (some exports use whole URLs) is stored as its digest.
    return value if len(value) <= 255 else "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def _existing_ids(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The ids of the items already stored among ``keys``, one query per platform (and per
    parameter limit on SQLite), through the (platform, external_id) unique index."""
    by_platform: dict[str, list[str]] = {}
    for platform, external_id in keys:
        by_platform.setdefault(platform, []).append(external_id)
    found: dict[tuple[str, str], int] = {}
    table = connection.ops.quote_name(Item._meta.db_table)
    with connection.cursor() as cursor:
        for platform, ids in by_platform.items():
            if connection.vendor == "postgresql":
                # One array, not thousands of placeholders (see ``_rows_sql``).
                chunks = [ids]
                test = "= ANY(%s)"
            else:
                size = (connection.features.max_query_params or 999) - 1
                chunks = [ids[start : start + size] for start in range(0, len(ids), size)]
                test = ""
            for chunk in chunks:
                where = test or "IN (" + ", ".join(["%s"] * len(chunk)) + ")"
                params: list[Any] = [platform, chunk] if test else [platform, *chunk]
                cursor.execute(
                    f"SELECT external_id, id FROM {table} "  # noqa: S608  (no value in the SQL)
                    f"WHERE platform = %s AND external_id {where}",
                    params,
                )
                found.update(((platform, external_id), pk) for external_id, pk in cursor)
    return found


# Hourly counts -----------------------------------------------------------------------------

Cell = tuple[datetime, int | None, str, str]  # hour, AC number (None: none), party, stance


def rollup_cells(items: Iterable[tuple[datetime, Tags, str]]) -> Counter[Cell]:
    """How many items (publication time, tags, stance) fall in each hourly cell (see
    ``HourlyCount``): pure, so the upsert's input can be checked against a recount."""
    cells: Counter[Cell] = Counter()
    for published_at, found, stance in items:
        hour = hour_of(published_at)
        acs: list[int | None] = [ALL_ACS]
        numbers = [int(key) for key in found.acs if key.isdigit()]
        acs += numbers or [None]
        parties = [ALL_PARTIES, *found.parties]
        for ac in acs:
            for party in parties:
                cells[(hour, ac, party[:80], stance)] += 1
    return cells


TopicCell = tuple[datetime, str, str]  # hour, kind, key
#: The tags counted per topic: what spikes per district and per topic read.
TOPIC_KINDS = (Kind.DISTRICT, Kind.PARTY, Kind.CANDIDATE, Kind.LEADER)


def topic_cells(items: Iterable[tuple[datetime, Tags]]) -> Counter[TopicCell]:
    """How many items (publication time, tags) name each district, party, candidate and
    leader in each hour (see ``TopicCount``): pure, like ``rollup_cells``."""
    cells: Counter[TopicCell] = Counter()
    for published_at, found in items:
        hour = hour_of(published_at)
        for kind in TOPIC_KINDS:
            for key in found.of(kind):
                cells[(hour, kind.value, key[:160])] += 1
    return cells


def add_to_topic_counts(*, election_id: int, cells: Counter[TopicCell]) -> None:
    _upsert_counts(
        TopicCount,
        ("election_id", "hour", "kind", "key", "count"),
        [(election_id, hour, kind, key, count) for (hour, kind, key), count in cells.items()],
        conflict="election_id, hour, kind, key",
    )


def add_to_hourly_counts(*, election_id: int, source_id: int, cells: Counter[Cell]) -> None:
    """Add ``cells`` to the hourly counts with INSERT ... ON CONFLICT DO UPDATE (one
    statement per batch on PostgreSQL; as few as the parameter limit allows on SQLite), so
    concurrent ingests add up instead of overwriting."""
    _upsert_counts(
        HourlyCount,
        ("election_id", "hour", "ac_number", "party", "stance", "source_id", "count"),
        [
            (election_id, hour, ac, party, stance, source_id, count)
            for (hour, ac, party, stance), count in cells.items()
        ],
        conflict=f"election_id, hour, COALESCE(ac_number, {NO_AC_KEY}), party, stance, source_id",
    )


def _upsert_counts(
    model: type[Model], columns: Sequence[str], rows: list[tuple[Any, ...]], *, conflict: str
) -> None:
    """Insert count rows (the hour second, the count last), adding each count to the row
    already in its cell."""
    table = connection.ops.quote_name(model._meta.db_table)
    at = connection.ops.adapt_datetimefield_value
    insert_rows(
        model,
        columns,
        [(row[0], at(row[1]), *row[2:]) for row in rows],
        suffix=f" ON CONFLICT ({conflict}) DO UPDATE SET count = {table}.count + excluded.count",
    )
