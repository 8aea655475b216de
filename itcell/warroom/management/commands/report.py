"""``itcell report daily [--date 2020-10-27] [--district Kishanganj] [--election bihar-2020]
[--format pdf|csv|html] [--language en|hi] [--output PATH]``: one daily report on demand
(default: yesterday's, the state's, as PDF, named as the download is, in the current folder;
``--output -`` writes CSV or HTML to standard output). ``itcell report daily --keep`` writes
the whole nightly set (the state and every district) under ``MEDIA_ROOT/reports/``."""

from argparse import ArgumentParser
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import Election
from itcell.elections.selectors import get_default_election
from itcell.warroom import report_files, reports


class Command(BaseCommand):
    help = "Make a daily report of the war room (the state's or a district's) on demand."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        daily = sub.add_parser("daily", help="one IST day's report")
        daily.add_argument("--date", help="the IST day, YYYY-MM-DD (default: yesterday)")
        daily.add_argument("--district", default="", help="a district's id or name")
        daily.add_argument("--election", help="the election's slug (default: the current one)")
        daily.add_argument("--format", choices=["pdf", "csv", "html"], default="pdf")
        daily.add_argument("--language", choices=["en", "hi"], default="en")
        daily.add_argument("--output", help="the file to write ('-': standard output)")
        daily.add_argument(
            "--keep", action="store_true", help="write the nightly set under MEDIA_ROOT/reports/"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = clock.now()
        try:
            day = (
                date.fromisoformat(options["date"])
                if options["date"]
                else now.astimezone(IST).date() - timedelta(days=1)
            )
        except ValueError as error:
            raise CommandError(f"--date: not a date (YYYY-MM-DD): {options['date']}") from error
        slug = options["election"]
        election = (
            Election.objects.filter(slug=slug).first() if slug else get_default_election(now=now)
        )
        if election is None:
            raise CommandError(f"no election {slug!r}" if slug else "no election is loaded")
        if options["keep"]:
            written = report_files.keep_daily_reports(election=election, day=day)
            self.stdout.write(
                f"{len(written)} files written under {report_files.report_dir(election, day)}"
            )
            return
        district = None
        if options["district"]:
            district = reports.find_district(election=election, ref=options["district"])
            if district is None:
                raise CommandError(f"no district {options['district']!r} in {election.slug}")
        report = reports.get_daily_report(
            election=election, day=day, area=reports.get_area(district=district)
        )
        fmt = options["format"]
        with translation.override(options["language"]):
            if fmt == "pdf":
                body = report_files.as_pdf(report)
            elif fmt == "csv":
                body = report_files.as_csv(report)
            else:
                body = report_files.as_html(report).encode()
        output = options["output"] or report_files.download_name(report, fmt)
        if output == "-":
            if fmt == "pdf":
                raise CommandError("a PDF is not written to standard output: name a file")
            self.stdout.write(body.decode("utf-8-sig"), ending="")
            return
        Path(output).write_bytes(body)
        self.stdout.write(f"{output}: {len(body)} bytes")
