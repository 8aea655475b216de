import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from itcell.monitoring.nlp import Kind, bundled_gazetteer, tag
from itcell.monitoring.nlp.gazetteer import Gazetteer

SECTIONS = {
    "acs": Kind.AC,
    "districts": Kind.DISTRICT,
    "parties": Kind.PARTY,
    "candidates": Kind.CANDIDATE,
    "leaders": Kind.LEADER,
}


class Command(BaseCommand):
    help = (
        "Print, as JSON, what the language pipeline finds in one text: language, script, "
        "ACs, districts, parties, candidates and leaders, each with its confidence."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", help="the text to tag")
        parser.add_argument(
            "--election",
            default="",
            help="slug of a loaded election (default: the bundled Bihar 2020 data)",
        )

    def handle(self, *args: Any, text: str, election: str, **options: Any) -> None:
        gazetteer = self._gazetteer(election) if election else bundled_gazetteer()
        tags = tag(text, gazetteer)
        out: dict[str, Any] = {"language": tags.language, "script": tags.script}
        for section, kind in SECTIONS.items():
            found = sorted(tags.of(kind).items(), key=lambda item: (-item[1], item[0]))
            out[section] = [
                {"key": key, "name": gazetteer.name_of(kind, key), "confidence": confidence}
                for key, confidence in found
            ]
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))

    def _gazetteer(self, slug: str) -> Gazetteer:
        from itcell.elections.models import Election
        from itcell.monitoring.gazetteers import get_gazetteer

        try:
            found = Election.objects.filter(slug=slug).first()
        except DatabaseError as error:
            raise CommandError(
                f"cannot read elections from the database ({error}); run `itcell migrate`, "
                f"or leave out --election to use the bundled data"
            ) from error
        if found is None:
            known = ", ".join(Election.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(
                f"no election {slug!r} in the database (loaded: {known}); load it with "
                f"`itcell load-election`, or leave out --election to use the bundled data"
            )
        return get_gazetteer(found)
