"""Printing HTML to PDF with WeasyPrint, with the bundled fonts.

The PDFs carry their own fonts (Noto Sans for Latin, Noto Sans Devanagari for Hindi, both
bundled under the SIL Open Font License) so Hindi prints the same on every machine, whatever
fonts the server has. A template includes ``itcell/_pdf_fonts.html`` inside its ``<style>``
with ``fonts`` from ``font_faces()`` in its context, and names the two families in its CSS.
"""

from django.contrib.staticfiles import finders

FONTS = {
    ("Noto Sans", 400): "itcell/fonts/noto-sans-latin-400-normal.woff2",
    ("Noto Sans", 700): "itcell/fonts/noto-sans-latin-700-normal.woff2",
    ("Noto Sans Devanagari", 400): "itcell/fonts/noto-sans-devanagari-devanagari-400-normal.woff2",
    ("Noto Sans Devanagari", 700): "itcell/fonts/noto-sans-devanagari-devanagari-700-normal.woff2",
}


def font_faces() -> list[tuple[str, int, str]]:
    """(family, weight, file URL) of each bundled font, for ``@font-face`` rules."""
    return [
        (family, weight, f"file://{finders.find(path)}") for (family, weight), path in FONTS.items()
    ]


def render_pdf(html: str) -> bytes:
    """``html`` (a whole document whose fonts are ``file://`` URLs) printed as a PDF."""
    from weasyprint import HTML  # a heavy import, needed only here

    return bytes(HTML(string=html).write_pdf())
