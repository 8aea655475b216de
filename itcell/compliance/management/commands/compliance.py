"""``itcell compliance check FILE.json [--election SLUG] [--at ISO]``: evaluate a post
described in JSON against an election's rules and print the findings as JSON."""

import json
import sys
from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from itcell.compliance.described import parse
from itcell.compliance.engine import at_publication, evaluate
from itcell.compliance.selectors import get_context
from itcell.core import clock
from itcell.core.clock import IST
from itcell.core.errors import InvalidInput
from itcell.elections.models import Election
from itcell.elections.selectors import get_default_election


class Command(BaseCommand):
    help = "Check a post described in JSON against an election's rules (findings as JSON)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        check = sub.add_parser("check", help="evaluate FILE.json ('-' for standard input)")
        check.add_argument("file")
        check.add_argument("--election", help="the election's slug (default: the current one)")
        check.add_argument(
            "--at", help="check as of this instant (ISO; IST if no zone); default: now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["file"]
        try:
            if source == "-":
                data = json.load(sys.stdin)
            else:
                with open(source, encoding="utf-8") as handle:
                    data = json.load(handle)
        except OSError as error:
            raise CommandError(f"{source}: {error.strerror}") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{source}, line {error.lineno}: not JSON ({error.msg})") from error
        try:
            content = parse(data, source)
        except InvalidInput as invalid:
            raise CommandError("\n".join(str(p) for p in invalid.problems)) from invalid
        now = clock.now()
        if options["at"]:
            try:
                now = datetime.fromisoformat(options["at"])
            except ValueError as error:
                raise CommandError(f"--at: not an ISO date and time: {options['at']}") from error
            now = now if now.tzinfo else now.replace(tzinfo=IST)
        slug = options["election"]
        election = (
            Election.objects.filter(slug=slug).first() if slug else get_default_election(now=now)
        )
        if election is None:
            raise CommandError(f"no election {slug!r}" if slug else "no election is loaded")
        ctx = get_context(election=election, at=at_publication(content, now))
        report = {
            "election": election.slug,
            "at": ctx.at.astimezone(IST).isoformat(),
            "findings": [f.as_json() for f in evaluate(content, ctx)],
        }
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
