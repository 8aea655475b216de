from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from itcell.accounts.models import User
from itcell.accounts.services import reset_two_factor


class Command(BaseCommand):
    help = (
        "Forget a person's two-factor device (a lost or replaced phone); they set up a new "
        "one at their next sign-in. Usage: itcell reset-two-factor USERNAME"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if reset_two_factor(user=user):
            self.stdout.write(f"{username}: two-factor device forgotten; they enrol again.")
        else:
            self.stdout.write(f"{username} had no two-factor device.")
