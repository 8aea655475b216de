"""The dossier as files: CSV for a spreadsheet, PDF for the observer's desk.

The PDF carries its own fonts (Noto Sans for Latin, Noto Sans Devanagari for Hindi, both bundled
under the SIL Open Font License) so Hindi prints the same on every machine, whatever fonts the
server has.
"""

import csv
import io

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import get_language

from itcell.compliance.selectors import Dossier
from itcell.core import clock
from itcell.elections.models import Election

FONTS = {
    ("Noto Sans", 400): "itcell/fonts/noto-sans-latin-400-normal.woff2",
    ("Noto Sans", 700): "itcell/fonts/noto-sans-latin-700-normal.woff2",
    ("Noto Sans Devanagari", 400): "itcell/fonts/noto-sans-devanagari-devanagari-400-normal.woff2",
    ("Noto Sans Devanagari", 700): "itcell/fonts/noto-sans-devanagari-devanagari-700-normal.woff2",
}


def as_csv(dossier: Dossier) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 (Hindi) only with the mark
    writer = csv.writer(out)
    writer.writerows(dossier.posts)
    writer.writerow([])
    writer.writerows(dossier.spends)
    return out.getvalue().encode()


def as_html(dossier: Dossier, *, election: Election) -> str:
    fonts = [
        (family, weight, f"file://{finders.find(path)}") for (family, weight), path in FONTS.items()
    ]
    return render_to_string(
        "compliance/dossier.pdf.html",
        {
            "dossier": dossier,
            "election": election,
            "fonts": fonts,
            "now": clock.now(),
            "lang": get_language(),
        },
    )


def as_pdf(dossier: Dossier, *, election: Election) -> bytes:
    from weasyprint import HTML  # a heavy import, needed only here

    return bytes(HTML(string=as_html(dossier, election=election)).write_pdf())
