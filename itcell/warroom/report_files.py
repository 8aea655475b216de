"""The daily report as files: CSV (UTF-8 with a byte-order mark, so Excel reads Hindi) and PDF
(``itcell.core.pdf``, with the bundled fonts), and the nightly set kept under
``MEDIA_ROOT/reports/<election>/<date>/``: the state's and each district's, in each language.

Kept files are never served from a media URL: ``views.stored_report`` checks the reader's
reach first, and names are parsed (``parse_name``), never joined to a path as given.
"""

import csv
import io
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import get_language

from itcell.core import pdf
from itcell.elections.models import District, Election
from itcell.warroom.reports import Area, DailyReport, get_area, get_daily_report, rows

FORMATS = ("pdf", "csv")
#: A kept file's name: whose report, in which language, which format.
# ASCII digits, at most nine: "\d+" took any script's digits and numbers int() refuses.
NAME = re.compile(
    r"^(?:state|district-(?P<district>[0-9]{1,9}))-(?P<lang>[a-z]{2})\.(?P<fmt>pdf|csv)\Z"
)


def download_name(report: DailyReport, fmt: str) -> str:
    """``report-bihar-2020-2020-10-27[-kishanganj].pdf``"""
    area = f"-{slugify(report.area.name_en)}" if not report.area.is_state else ""
    return f"report-{report.election.slug}-{report.day.isoformat()}{area}.{fmt}"


def as_csv(report: DailyReport) -> bytes:
    """Section, metric and value, one figure a row, under a header row."""
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 (Hindi) only with the mark
    writer = csv.writer(out)
    writer.writerow(["section", "metric", "value"])
    writer.writerows((row.section_label, row.metric, row.value) for row in rows(report))
    return out.getvalue().encode()


def as_html(report: DailyReport) -> str:
    """The report as the HTML document the PDF is printed from."""
    return render_to_string(
        "warroom/report.pdf.html",
        {
            "report": report,
            "rows": rows(report),
            "fonts": pdf.font_faces(),
            "lang": get_language(),
        },
    )


def as_pdf(report: DailyReport) -> bytes:
    return pdf.render_pdf(as_html(report))


# The nightly set -----------------------------------------------------------------------------


def report_dir(election: Election, day: date) -> Path:
    return Path(settings.MEDIA_ROOT) / "reports" / election.slug / day.isoformat()


def kept_name(area: Area, lang: str, fmt: str) -> str:
    who = "state" if area.is_state else f"district-{area.district_id}"
    return f"{who}-{lang}.{fmt}"


def _write(path: Path, body: bytes) -> None:
    # Written aside and renamed, so a reader (or a second run) never sees half a file.
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(body)
    partial.replace(path)


def keep_daily_reports(*, election: Election, day: date) -> list[Path]:
    """Write the state's report of ``day`` and each district's, as PDF and CSV in each of the
    site's languages, leaving files already written alone; returns the files written."""
    folder = report_dir(election, day)
    folder.mkdir(parents=True, exist_ok=True)
    districts = District.objects.filter(state_id=election.state_id).only("name_en", "name_hi")
    areas = [Area(), *(get_area(district=d) for d in districts.order_by("name_en"))]
    written = []
    for area in areas:
        wanted = [
            (lang, fmt, folder / kept_name(area, lang, fmt))
            for lang, _name in settings.LANGUAGES
            for fmt in FORMATS
        ]
        missing = [(lang, fmt, path) for lang, fmt, path in wanted if not path.exists()]
        if not missing:
            continue
        report = get_daily_report(election=election, day=day, area=area)
        for lang, fmt, path in missing:
            with translation.override(lang):
                _write(path, as_pdf(report) if fmt == "pdf" else as_csv(report))
            written.append(path)
    return written


@dataclass(frozen=True)
class KeptReport:
    day: date
    name: str
    fmt: str


def list_kept_reports(*, election: Election, area: Area, lang: str) -> list[KeptReport]:
    """The kept reports of ``area`` in ``lang``, newest day first (reads the folder)."""
    root = Path(settings.MEDIA_ROOT) / "reports" / election.slug
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir(), reverse=True):
        try:
            day = date.fromisoformat(folder.name)
        except ValueError:
            continue
        for fmt in FORMATS:
            name = kept_name(area, lang, fmt)
            if (folder / name).is_file():
                found.append(KeptReport(day, name, fmt))
    return found


def parse_name(name: str) -> tuple[int | None, str, str] | None:
    """(district id or None for the state, language, format) of a kept file's name."""
    match = NAME.match(name)
    if match is None:
        return None
    district = match["district"]
    return (int(district) if district else None, match["lang"], match["fmt"])
