"""The dossier as files: CSV for a spreadsheet, PDF for the observer's desk (printed with the
bundled fonts by ``itcell.core.pdf``, so Hindi prints the same on every machine)."""

import csv
import io

from django.template.loader import render_to_string
from django.utils.translation import get_language

from itcell.compliance.selectors import Dossier
from itcell.core import clock, pdf
from itcell.elections.models import Election


def as_csv(dossier: Dossier) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 (Hindi) only with the mark
    writer = csv.writer(out)
    writer.writerows(dossier.posts)
    writer.writerow([])
    writer.writerows(dossier.spends)
    return out.getvalue().encode()


def as_html(dossier: Dossier, *, election: Election) -> str:
    return render_to_string(
        "compliance/dossier.pdf.html",
        {
            "dossier": dossier,
            "election": election,
            "fonts": pdf.font_faces(),
            "now": clock.now(),
            "lang": get_language(),
        },
    )


def as_pdf(dossier: Dossier, *, election: Election) -> bytes:
    return pdf.render_pdf(as_html(dossier, election=election))
