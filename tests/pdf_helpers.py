"""A report printed to A4 by Chromium, read back as text (the browser tests' view of paper).

pypdfium2 reads the text of the demo report's 35 pages in about 0.07 s, where pypdf took
1.7 s (issue 18: the README's test command within 75 s). Its text also spells ligatures
out ("fi", not U+FB01), as a reader searching the PDF would type them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def printed_text(page: Any, path: Path, *, pages: int | None = None) -> str:
    """Print ``page`` (a Playwright page) to ``path`` as A4; the text of its first ``pages`` pages
    (all when None), white space removed."""
    import pypdfium2 as pdfium

    page.pdf(path=str(path), format="A4")
    pdf = pdfium.PdfDocument(str(path))
    try:
        count = len(pdf) if pages is None else min(pages, len(pdf))
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(count))
    finally:
        pdf.close()
    return "".join(text.split())
