"""Reading Cooperation Framework documents: plain text, PDF (pypdf) and DOCX (python-docx).

Each reader returns a :class:`~scorer.evidence.model.DocumentText`, one
string per page. PDF and DOCX need the optional extra ``evidence``
(``pip install 'unct-scorer[evidence]'``); a folder holding such files
without it is refused at once, with that command.

A file that cannot be read (damaged, encrypted, too large, too many pages)
becomes a located :class:`~scorer.errors.Problem`; the rest of the folder
is still read. Pages with images but no text layer (scanned) are listed,
not read: there is no OCR. DOCX has no fixed pages: a page starts at each
page break Word recorded; a document without any is page 1 throughout.
Plain text pages are separated by form feeds, as ``pdftotext`` writes them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scorer.errors import ConfigError, DataError, Problem
from scorer.evidence.analysis import analyse_document
from scorer.evidence.identify import identify_country
from scorer.evidence.model import DocumentEvidence, DocumentText, EvidenceResult
from scorer.evidence.suggestion import country_evidence
from scorer.evidence.terms import Matcher, TermList
from scorer.io.spreadsheet import decode_text
from scorer.prepare.countries import CountryResolver, default_resolver

SUFFIXES = (".pdf", ".docx", ".txt")
MAX_DOCUMENT_BYTES = 100_000_000
MAX_DOCUMENT_PAGES = 2_000
_EXTRAS = {".pdf": ("pypdf", "pypdf", "PDF"), ".docx": ("docx", "python-docx", "DOCX")}
_INSTALL = "pip install 'unct-scorer[evidence]'"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class DocumentLimits:
    """Size limits for one document; each can be set by an environment variable.

    ``UNCT_SCORER_MAX_DOCUMENT_BYTES``, ``UNCT_SCORER_MAX_DOCUMENT_PAGES``.

    >>> DocumentLimits.from_env({"UNCT_SCORER_MAX_DOCUMENT_PAGES": "10"}).max_pages
    10
    """

    max_bytes: int = MAX_DOCUMENT_BYTES
    max_pages: int = MAX_DOCUMENT_PAGES

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DocumentLimits:
        """Limits from the environment (defaults where unset or not a positive integer)."""
        env = os.environ if env is None else env

        def get(name: str, default: int) -> int:
            text = env.get(name, "").strip().replace("_", "")
            return int(text) if text.isdigit() and int(text) > 0 else default

        return cls(
            get("UNCT_SCORER_MAX_DOCUMENT_BYTES", MAX_DOCUMENT_BYTES),
            get("UNCT_SCORER_MAX_DOCUMENT_PAGES", MAX_DOCUMENT_PAGES),
        )


class UnreadableDocument(DataError):
    """One document cannot be read; the others still are."""


def _unreadable(file: str, message: str) -> UnreadableDocument:
    return UnreadableDocument(Problem("data.document", message, file=file))


def list_documents(folder: Path) -> list[Path]:
    """The PDF, DOCX and text files under a folder, sorted; hidden and Office lock files skipped.

    >>> list_documents(Path("no/such/folder"))
    Traceback (most recent call last):
    ...
    scorer.errors.DataError: no/such/folder: should be a folder of documents, but it does not exist
    """
    if not folder.is_dir():
        found = "it is a file" if folder.exists() else "it does not exist"
        raise DataError(Problem("data.folder", f"should be a folder of documents, but {found}", file=str(folder)))
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.suffix.lower() in SUFFIXES
        and not any(part.startswith((".", "~$")) for part in path.relative_to(folder).parts)
    )


def require_readers(paths: Sequence[Path]) -> None:
    """Refuse at once when PDF or DOCX files are present but their optional library is not."""
    import importlib.util

    for suffix, (module, package, label) in _EXTRAS.items():
        if any(p.suffix.lower() == suffix for p in paths) and importlib.util.find_spec(module) is None:
            raise ConfigError(
                Problem(
                    "config.extra",
                    f"reading {label} files needs the optional package {package}, "
                    f"but it is not installed; run: {_INSTALL}",
                )
            )


def read_document(path: Path, *, name: str | None = None, limits: DocumentLimits | None = None) -> DocumentText:
    """The text of one document, page by page; :class:`UnreadableDocument` when it cannot be read."""
    limits = limits or DocumentLimits()
    file = name or path.name
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise _unreadable(file, f"should be at most {limits.max_bytes:,} bytes, but it is {size:,}")
    if size == 0:
        raise _unreadable(file, "should hold a document, but it is empty")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        text = decode_text(path.read_bytes(), file=file)
        pages = tuple(text.split("\f"))
        document = DocumentText(file, pages)
    elif suffix == ".pdf":
        document = _read_pdf(path, file, limits)
    elif suffix == ".docx":
        document = _read_docx(path, file)
    else:
        raise _unreadable(file, f"should be a .pdf, .docx or .txt file, but it is {suffix or 'without extension'}")
    if len(document.pages) > limits.max_pages:
        raise _unreadable(file, f"should have at most {limits.max_pages:,} pages, but it has {len(document.pages):,}")
    return document


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs and warns about every repaired flaw; the user gets one clear line instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _read_pdf(path: Path, file: str, limits: DocumentLimits) -> DocumentText:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    with _quiet_pypdf():
        try:
            reader = PdfReader(path)
            if reader.is_encrypted and not reader.decrypt(""):
                raise _unreadable(
                    file, "should be a readable PDF, but it is encrypted with a password; save a copy without one"
                )
            count = len(reader.pages)
            if count > limits.max_pages:
                raise _unreadable(file, f"should have at most {limits.max_pages:,} pages, but it has {count:,}")
            pages: list[str] = []
            scanned: list[int] = []
            for number, page in enumerate(reader.pages, start=1):
                text = page.extract_text() or ""
                if not text.strip() and _has_images(page):
                    scanned.append(number)
                pages.append(text)
            title = _pdf_title(reader)
        except UnreadableDocument:
            raise
        except DependencyError as exc:
            raise _unreadable(
                file, f"should be a readable PDF, but it is encrypted in a way that needs {exc}"
            ) from None
        except Exception as exc:  # pypdf raises many types (PdfReadError, ValueError, KeyError...) on damaged files
            raise _unreadable(file, f"should be a readable PDF, but it is damaged ({_reason(exc)})") from None
    return DocumentText(file, tuple(pages), title, tuple(scanned))


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _pdf_title(reader: Any) -> str:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # a broken info dictionary is no reason to lose the text
        return ""
    title = " ".join(str(title or "").split())
    return (
        ""
        if title.lower() in {"", "untitled", "microsoft word"} or title.lower().endswith((".doc", ".docx"))
        else title
    )


def _has_images(page: Any) -> bool:
    """Whether a page draws an image or a form (a scan is an image filling the page)."""
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            return False
        return any(obj.get_object().get("/Subtype") in ("/Image", "/Form") for obj in xobjects.get_object().values())
    except Exception:
        return False


def _read_docx(path: Path, file: str) -> DocumentText:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == _OLE_MAGIC:
        raise _unreadable(
            file, "should be a DOCX file, but it is encrypted with a password or an old .doc file; save it as .docx"
        )
    try:
        document = docx.Document(str(path))
        pages: list[list[str]] = [[]]
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                text = Paragraph(child, document).text
                where = _page_break(child)
                if where == "before" and any(pages[-1]):
                    pages.append([])
                pages[-1].append(text)
                if where == "after":
                    pages.append([])
            elif tag == "tbl":
                pages[-1].extend(_table_lines(Table(child, document)))
        if len(pages) > 1 and not any(pages[-1]):
            pages.pop()
        title = " ".join((document.core_properties.title or "").split())
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors... on damaged files
        raise _unreadable(file, f"should be a readable DOCX file, but it is damaged ({_reason(exc)})") from None
    return DocumentText(file, tuple("\n".join(lines) for lines in pages), title)


_BREAKS = ("br", "lastRenderedPageBreak")


def _page_break(paragraph: Any) -> str:
    """Whether a paragraph starts a new page ("before"), ends one ("after") or neither ("")."""
    seen_text = False
    for element in paragraph.iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag == "t" and element.text:
            seen_text = True
        elif tag in _BREAKS and (tag != "br" or element.get(f"{{{_W}}}type") == "page"):
            return "after" if seen_text else "before"
    return ""


def _table_lines(table: Any) -> list[str]:
    """Each cell's text on its own line, row by row (a merged cell once)."""
    lines: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            lines.extend(cell.text.split("\n"))
        lines.append("")
    return lines


def collect_evidence(
    folder: Path,
    terms: TermList,
    *,
    mapping: Mapping[str, str] | None = None,
    resolver: CountryResolver | None = None,
    limits: DocumentLimits | None = None,
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> EvidenceResult:
    """Read every document of a folder and return the evidence per country.

    ``mapping`` (file name -> ISO3) overrides the country found in a file
    name or title page. ``progress(1)`` is called after each document.
    ``jobs`` > 1 reads that many documents at once in worker processes; the
    result is the same, in the same order. Unreadable documents and
    documents without a country are reported in ``problems``; they never
    stop the others.
    """
    resolver = resolver or default_resolver()
    paths = list_documents(folder)
    if not paths:
        raise DataError(
            Problem("data.folder", "should hold .pdf, .docx or .txt documents, but it holds none", file=str(folder))
        )
    require_readers(paths)
    names = [path.relative_to(folder).as_posix() for path in paths]
    limits = limits or DocumentLimits()
    by_country: dict[str, list[DocumentEvidence]] = {}
    unassigned: list[DocumentEvidence] = []
    problems: list[Problem] = []
    for name, outcome in zip(names, _analysed(paths, names, terms, limits, jobs), strict=True):
        if isinstance(outcome, DocumentEvidence):
            evidence = _assign(outcome, resolver, mapping)
            if evidence.iso3 is None:
                unassigned.append(evidence)
                problems.append(
                    Problem(
                        "data.document_country",
                        "should name a country in its file name or on its title page, but no country was found; "
                        "add the file to a mapping file (--countries)",
                        file=name,
                    )
                )
            else:
                by_country.setdefault(evidence.iso3, []).append(evidence)
        else:
            problems.extend(outcome)
            _add_unreadable(name, outcome[0].message, mapping, resolver, by_country)
        if progress is not None:
            progress(1)
    countries = tuple(
        country_evidence(iso3, resolver.name_of(iso3), docs, terms) for iso3, docs in sorted(by_country.items())
    )
    return EvidenceResult(countries, tuple(unassigned), tuple(problems), terms.version)


_WORKER_MATCHER: Matcher | None = None


def _start_worker(terms: TermList) -> None:
    global _WORKER_MATCHER
    _WORKER_MATCHER = Matcher(terms)


def _read_and_analyse(path: Path, name: str, limits: DocumentLimits) -> DocumentEvidence | list[Problem]:
    """One document's evidence, or its problems; runs in the calling process or in a worker."""
    assert _WORKER_MATCHER is not None
    try:
        text = read_document(path, name=name, limits=limits)
    except DataError as exc:
        return exc.problems
    return analyse_document(text, _WORKER_MATCHER)


def _analysed(
    paths: Sequence[Path], names: Sequence[str], terms: TermList, limits: DocumentLimits, jobs: int
) -> Iterator[DocumentEvidence | list[Problem]]:
    """Each document's evidence in folder order, read by ``jobs`` processes."""
    if jobs <= 1 or len(paths) < 2:
        _start_worker(terms)
        for path, name in zip(paths, names, strict=True):
            yield _read_and_analyse(path, name, limits)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(terms,)) as pool:
        yield from pool.map(_read_and_analyse, paths, names, [limits] * len(paths))


def default_jobs() -> int:
    """The number of CPUs this process may use (at least 1).

    >>> default_jobs() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _add_unreadable(
    name: str,
    reason: str,
    mapping: Mapping[str, str] | None,
    resolver: CountryResolver,
    by_country: dict[str, list[DocumentEvidence]],
) -> None:
    """An unreadable file still shows under its country (no text), so that country gets no false "none"."""
    iso3, source = identify_country(name, "", resolver, mapping)
    if iso3 is not None:
        placeholder = DocumentEvidence(name, "", "", "", 0, (), 0, (), iso3=iso3, country_source=source, problem=reason)
        by_country.setdefault(iso3, []).append(placeholder)


def _assign(
    evidence: DocumentEvidence, resolver: CountryResolver, mapping: Mapping[str, str] | None
) -> DocumentEvidence:
    iso3, source = identify_country(evidence.file, evidence.title_page, resolver, mapping)
    return replace(evidence, iso3=iso3, country_source=source)
