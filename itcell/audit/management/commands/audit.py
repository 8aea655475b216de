"""``itcell audit verify`` and ``itcell audit export``.

``verify`` walks the whole chain (streaming) and checks it against its head. Intact: prints
the count and the last hash, exits 0. Broken: raises ``CommandError`` naming the first event
that does not fit (id, time, action, why), so the command exits with status 1.

``export --format csv|jsonl [--since DATE] [--until DATE] [--action PREFIX] [--output FILE]``
writes every field, ``prev_hash`` and ``hash`` included, so the file can be re-verified
without itcell (``docs/audit.md``).
"""

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from itcell.audit import selectors
from itcell.audit.export import WRITERS
from itcell.audit.selectors import EventFilter
from itcell.core.clock import IST


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from error


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain, or export the trail for re-verification."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("verify", help="check every event; exit status 1 at the first break")
        export = sub.add_parser("export", help="write events with their hashes (CSV or JSONL)")
        export.add_argument("--format", choices=sorted(WRITERS), default="jsonl")
        export.add_argument("--since", help="first day, IST (YYYY-MM-DD)")
        export.add_argument("--until", help="last day, IST (YYYY-MM-DD), included")
        export.add_argument("--action", default="", help="action prefix, e.g. post.")
        export.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "verify":
            self.verify()
        else:
            self.export(options)

    def verify(self) -> None:
        verdict = selectors.verify_chain()
        count = f"{verdict.count:,} event{'' if verdict.count == 1 else 's'}"
        if verdict.broken_id is None:
            self.stdout.write(
                f"{count}, chain intact, last #{verdict.last_id} hash {verdict.last_hash[:12]}…"
            )
            return
        event = selectors.get_event(event_id=verdict.broken_id)
        what = (
            f"{event.at.astimezone(IST):%Y-%m-%d %H:%M:%S} IST, {event.action}"
            if event
            else "no such event"
        )
        raise CommandError(
            f"chain broken at #{verdict.broken_id} ({what}): {verdict.why}. "
            f"Intact before it: {count}."
        )

    def export(self, options: dict[str, Any]) -> None:
        where = EventFilter(
            action=options["action"],
            since=_day(options["since"]) if options["since"] else None,
            until=_day(options["until"]) if options["until"] else None,
        )
        rows = selectors.chain_rows(selectors.list_events(where=where))
        chunks = WRITERS[options["format"]](rows)
        path = options["output"]
        if not path:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        try:
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.writelines(chunks)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
