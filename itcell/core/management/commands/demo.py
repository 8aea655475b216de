"""Prepare the demo: the Bihar 2020 election, an exercise copy whose first phase polls in a
few days, the demo party, and one account to log in with."""

from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from itcell.accounts.models import User
from itcell.accounts.services import create_user
from itcell.api import demo as api_demo
from itcell.compliance import demo as compliance_demo
from itcell.core import clock
from itcell.elections.models import Party
from itcell.elections.services import create_or_shift_exercise, load_election, set_own_party
from itcell.monitoring import demo as monitoring_demo
from itcell.organisation import demo as organisation_demo
from itcell.playbook import demo as playbook_demo
from itcell.playbook import training_demo
from itcell.publishing import demo as publishing_demo

DEMO_PASSWORD = "itcell-demo-2020"  # noqa: S105  (the demo's, printed on purpose)


class Command(BaseCommand):
    help = "Load the demo election and accounts (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days-to-poll",
            type=int,
            default=4,
            help="days from today to the exercise's phase 1 poll",
        )

    def handle(self, *args: Any, days_to_poll: int, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():
            election = load_election(name="bihar-2020").election
            set_own_party(election=election, party=Party.objects.get(short_name="VIP"))
            exercise = create_or_shift_exercise(
                source=election, first_poll_on=clock.today_ist() + timedelta(days=days_to_poll)
            )
            set_own_party(election=exercise, party=Party.objects.get(short_name="VIP"))
            if not User.objects.filter(username="head").exists():
                create_user(
                    username="head",
                    password=DEMO_PASSWORD,
                    display_name="Cell Head",
                    is_staff=True,
                    is_superuser=True,
                )
            organisation_demo.build(
                election=exercise, password=DEMO_PASSWORD, first_day=clock.today_ist()
            )
            playbook_demo.build(election=exercise)
            publishing_demo.build(election=exercise)
            compliance_demo.build(election=exercise)
            training_demo.build(election=exercise)  # after the posts writer.bahadurganj sent
            monitoring_demo.build(election=exercise)
            token = api_demo.build(election=exercise)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {election.name_en} and its exercise copy "
                f"(phase 1 polls on {exercise.phases.get(number=1).poll_date:%d %b %Y}).\n"
                f"Log in at http://127.0.0.1:8000/ as  head / {DEMO_PASSWORD}\n"
                f"  (the head and the spokesperson then set up an authenticator app: any TOTP\n"
                f"  app, e.g. FreeOTP or Google Authenticator, takes the key the page shows)\n"
                f"Other demo users (same password): spokesperson, analyst, trainer, legal,\n"
                f"  lead.kishanganj, lead.bahadurganj, writer.bahadurganj"
            )
        )
        if token:
            self.stdout.write(
                f"A read-only API token (shown this once; more under Integrations):\n"
                f"  curl -H 'Authorization: Bearer {token}' "
                f"http://127.0.0.1:8000/api/election\n"
                f"  API docs: http://127.0.0.1:8000/api/docs"
            )
