from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import Election
from itcell.elections.selectors import get_default_election
from itcell.organisation.selectors import get_on_duty


def parse_instant(text: str) -> datetime:
    """An ISO date-time; without an offset it is read as IST."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--at {text!r} is not a date-time like 2020-10-27T14:30") from error
    return at.replace(tzinfo=IST) if at.tzinfo is None else at


class Command(BaseCommand):
    help = "Who is on duty for a constituency, and who approves (now, or --at an instant)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ac", type=int, required=True, help="constituency number")
        parser.add_argument("--at", help="ISO date-time (IST unless an offset is given)")
        parser.add_argument("--election", help="election slug (default: the current one)")

    def handle(
        self, *args: Any, ac: int, at: str | None, election: str | None, **options: Any
    ) -> None:
        instant = parse_instant(at) if at else clock.now()
        found = (
            Election.objects.filter(slug=election).first()
            if election
            else get_default_election(now=instant)
        )
        if found is None:
            raise CommandError("no such election; load one with: itcell load-election bihar-2020")
        try:
            answer = get_on_duty(election=found, ac_number=ac, at=instant)
        except Http404 as error:
            raise CommandError(
                f"no constituency {ac} or no desks in {found.slug} (itcell create-desks)"
            ) from error
        local = timezone.localtime(instant, IST)
        self.stdout.write(
            f"AC {answer.ac.number} {answer.ac.name_en} at {local:%Y-%m-%d %H:%M} IST"
        )
        self.stdout.write(f"responsible desk: {answer.desk.name_en} ({answer.level})")
        names = ", ".join(f"{u} ({u.phone})" if u.phone else str(u) for u in answer.members)
        self.stdout.write(f"on duty: {names or 'nobody'}")
        approver = answer.approvers[0] if answer.approvers else None
        self.stdout.write(f"approver: {approver or 'none'}")
        if len(answer.approvers) > 1:
            self.stdout.write("then: " + ", ".join(str(u) for u in answer.approvers[1:]))
