"""Cooperation Framework documents written by the tests: PDF (fpdf2), DOCX (python-docx), text.

Each page is a list of lines written one by one at fixed positions, so the
line breaks a PDF reader sees are exactly the ones written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

IMAGE_PAGE = "<image only>"
PageSpec = Sequence[str] | str


def write_pdf(path: Path, pages: Sequence[PageSpec], *, title: str | None = None) -> Path:
    """A PDF with one page per item: a list of lines (Latin-1 text), or IMAGE_PAGE for a scan-like page."""
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.set_compression(True)
    pdf.set_font("Helvetica", size=10)
    if title:
        pdf.set_title(title)
    for page in pages:
        pdf.add_page()
        if page == IMAGE_PAGE:
            pdf.image(Image.new("L", (64, 64), 128), x=10, y=10, w=180)
            continue
        for index, line in enumerate(page):
            if line:
                pdf.text(15, 20 + index * 5, line)
    pdf.output(str(path))
    return path


def write_docx(path: Path, pages: Sequence[Sequence[str | Sequence[Sequence[str]]]], *, title: str = "") -> Path:
    """A DOCX: each page a list of paragraphs (str) or tables (rows of cells); a page break between pages."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for number, page in enumerate(pages):
        if number:
            document.add_page_break()
        for block in page:
            if isinstance(block, str):
                document.add_paragraph(block)
            else:
                rows = [list(row) for row in block]
                table = document.add_table(rows=len(rows), cols=len(rows[0]))
                for r, row in enumerate(rows):
                    for c, text in enumerate(row):
                        table.cell(r, c).text = text
    document.save(str(path))
    return path


def write_text(path: Path, pages: Sequence[Sequence[str]]) -> Path:
    """Plain UTF-8 text, pages separated by form feeds."""
    path.write_text("\f".join("\n".join(lines) for lines in pages), encoding="utf-8")
    return path
