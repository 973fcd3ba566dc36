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
import hashlib
import io
import logging
import os
import stat
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scorer.errors import ConfigError, DataError, Problem
from scorer.evidence.analysis import analyse_document
from scorer.evidence.identify import file_name_countries, identify_country
from scorer.evidence.model import DocumentEvidence, DocumentText, EvidenceResult
from scorer.evidence.suggestion import country_evidence
from scorer.evidence.terms import Matcher, TermList
from scorer.io.limits import _CONTROL, LIMITS, Limits, file_kind, os_reason, printable_name, raise_hint, read_limited
from scorer.io.spreadsheet import decode_text
from scorer.prepare.countries import CountryResolver, default_resolver

SUFFIXES = (".pdf", ".docx", ".txt")
_EXTRAS = {".pdf": ("pypdf", "pypdf", "PDF"), ".docx": ("docx", "python-docx", "DOCX")}
_INSTALL = "pip install 'unct-scorer[evidence]'"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class DocumentLimits:
    """Size limits for one document, from :class:`~scorer.io.limits.Limits` (SECURITY.md lists them).

    ``max_bytes`` bounds the file; ``max_pages`` its pages; ``max_chars`` the
    text extracted; ``max_unpacked_bytes`` what a PDF's page contents or a
    DOCX's parts unpack to (a small file can unpack to gigabytes, or draw one
    large content stream on every page); ``max_mentions`` the term mentions.
    Each is set by ``UNCT_SCORER_MAX_DOCUMENT_<NAME>``; a value that is not a
    whole number is an error, as for every limit.

    >>> DocumentLimits.from_env({"UNCT_SCORER_MAX_DOCUMENT_PAGES": "10"}).max_pages
    10
    """

    max_bytes: int = LIMITS["max_document_bytes"][0]
    max_pages: int = LIMITS["max_document_pages"][0]
    max_chars: int = LIMITS["max_document_chars"][0]
    max_unpacked_bytes: int = LIMITS["max_document_unpacked_bytes"][0]
    max_mentions: int = LIMITS["max_document_mentions"][0]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DocumentLimits:
        """Limits from the environment (:meth:`Limits.from_env`: a ConfigError for a value it cannot read)."""
        limits = Limits.from_env(env)
        return cls(
            limits.max_document_bytes,
            limits.max_document_pages,
            limits.max_document_chars,
            limits.max_document_unpacked_bytes,
            limits.max_document_mentions,
        )


class UnreadableDocument(DataError):
    """One document cannot be read; the others still are."""


def _unreadable(file: str, message: str, *, limit: str | None = None) -> UnreadableDocument:
    return UnreadableDocument(Problem("data.document", message, file=file, fix=raise_hint(limit) if limit else None))


def _skipped(path: Path, folder: Path) -> bool:
    return any(part.startswith((".", "~$")) for part in path.relative_to(folder).parts)


def scan_folder(folder: Path, *, max_documents: int | None = None) -> tuple[list[Path], list[Problem]]:
    """The PDF, DOCX and text files under a folder, sorted, and a problem for each one that cannot be read.

    Hidden files and folders and Office lock files (``~$``) are skipped.
    Symbolic links to folders are not followed (no loops); a link to a file is
    read only if the file is inside the folder. A name with a document suffix
    that is not a regular file (a FIFO, a device, a broken or looping link, a
    link out of the folder) is a located problem, never read and never
    silently dropped. More than ``max_documents`` documents is refused.

    >>> scan_folder(Path("no/such/folder"))
    Traceback (most recent call last):
    ...
    scorer.errors.DataError: no/such/folder: should be a folder of documents, but it does not exist
    """
    if not folder.is_dir():
        found = "it is a file" if folder.exists() else "it does not exist"
        raise DataError(Problem("data.folder", f"should be a folder of documents, but {found}", file=str(folder)))
    limit = max_documents or Limits.from_env().max_documents
    root = folder.resolve()
    paths: list[Path] = []
    problems: list[Problem] = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "~$")))
        for name in sorted(files):
            path = Path(top) / name
            if path.suffix.lower() not in SUFFIXES or _skipped(path, folder):
                continue
            reason = _not_a_document(path, root, path.relative_to(folder).as_posix())
            if reason:
                shown = printable_name(path.relative_to(folder).as_posix())
                problems.append(Problem("data.document", reason, file=shown))
                continue
            paths.append(path)
            if len(paths) > limit:
                raise DataError(
                    Problem(
                        "data.too_large",
                        f"should hold at most {limit:,} documents, but it holds more",
                        file=str(folder),
                        fix=raise_hint("max_documents"),
                    )
                )
    return sorted(paths), problems


def _not_a_document(path: Path, root: Path, name: str) -> str:
    """Why a path with a document's suffix cannot be read as one ("" when it can); ``name``: its name in the folder."""
    control = _CONTROL.search(name)
    if control:  # the name is written into every output and message: a line break could forge a line
        return f"should have a name without line breaks or control characters, but it has {control.group()!r}"
    try:
        info = path.stat()
    except OSError as exc:
        what = "a symbolic link that leads nowhere" if path.is_symlink() else "unreadable"
        return f"should be a readable document, but it is {what} ({os_reason(exc)})"
    if not stat.S_ISREG(info.st_mode):
        return f"should be a document, but it is {file_kind(info.st_mode)}"
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        return "should be a document inside the folder, but it is a symbolic link to a file outside it"
    return ""


def list_documents(folder: Path) -> list[Path]:
    """The documents :func:`scan_folder` finds (without its problems).

    >>> list_documents(Path("no/such/folder"))
    Traceback (most recent call last):
    ...
    scorer.errors.DataError: no/such/folder: should be a folder of documents, but it does not exist
    """
    return scan_folder(folder)[0]


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


def _read_bytes(path: Path, file: str, limits: DocumentLimits) -> bytes:
    """The file's bytes, within the byte limit, as a located problem of this document when it cannot be read."""
    try:
        data = read_limited(
            path, limit=limits.max_bytes, limit_name="max_document_bytes", error=DataError, code="data.document"
        )
    except DataError as exc:
        raise UnreadableDocument(replace(exc.problems[0], file=printable_name(file))) from None
    if not data:
        raise _unreadable(file, "should hold a document, but it is empty")
    return data


def read_document(path: Path, *, name: str | None = None, limits: DocumentLimits | None = None) -> DocumentText:
    """The text of one document, page by page; :class:`UnreadableDocument` when it cannot be read."""
    limits = limits or DocumentLimits()
    file = name or path.name
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _unreadable(file, f"should be a .pdf, .docx or .txt file, but it is {suffix or 'without extension'}")
    data = _read_bytes(path, file, limits)
    digest = hashlib.sha256(data).hexdigest()
    if suffix == ".txt":
        text = decode_text(data, file=file)
        _check_chars(len(text), file, limits)
        document = DocumentText(file, tuple(text.split("\f")))
    elif suffix == ".pdf":
        document = _read_pdf(data, file, limits)
    else:
        document = _read_docx(data, file, limits)
    if len(document.pages) > limits.max_pages:
        raise _unreadable(
            file,
            f"should have at most {limits.max_pages:,} pages, but it has {len(document.pages):,}",
            limit="max_document_pages",
        )
    _check_chars(sum(map(len, document.pages)), file, limits)
    return replace(document, sha256=digest)


def _check_chars(count: int, file: str, limits: DocumentLimits) -> None:
    if count > limits.max_chars:
        raise _unreadable(
            file,
            f"should hold at most {limits.max_chars:,} characters of text, but it holds more",
            limit="max_document_chars",
        )


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


def _read_pdf(data: bytes, file: str, limits: DocumentLimits) -> DocumentText:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, LimitReachedError

    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise _unreadable(
                    file, "should be a readable PDF, but it is encrypted with a password; save a copy without one"
                )
            count = len(reader.pages)
            if count > limits.max_pages:
                raise _unreadable(
                    file,
                    f"should have at most {limits.max_pages:,} pages, but it has {count:,}",
                    limit="max_document_pages",
                )
            pages: list[str] = []
            scanned: list[int] = []
            unpacked = chars = 0
            for number, page in enumerate(reader.pages, start=1):
                unpacked += _content_bytes(page)
                if unpacked > limits.max_unpacked_bytes:
                    raise _unreadable(
                        file,
                        f"should unpack to at most {limits.max_unpacked_bytes:,} bytes of page content, but it "
                        f"unpacks to more by page {number} (a PDF built to be slow to read?)",
                        limit="max_document_unpacked_bytes",
                    )
                text = page.extract_text() or ""
                chars += len(text)
                _check_chars(chars, file, limits)
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
        except LimitReachedError:
            raise _unreadable(
                file, "should be a PDF whose parts each unpack to at most 75 MB, but one unpacks to more (a zip bomb?)"
            ) from None
        except Exception as exc:  # pypdf raises many types (PdfReadError, ValueError, KeyError...) on damaged files
            raise _unreadable(file, f"should be a readable PDF, but it is damaged ({_reason(exc)})") from None
    return DocumentText(file, tuple(pages), title, tuple(scanned))


def _content_bytes(page: Any) -> int:
    """Bytes of a page's content streams and of the forms its resources hold, unpacked (what text extraction reads)."""
    from pypdf.generic import ArrayObject

    total = 0
    contents = page.get("/Contents")
    if contents is not None:
        streams = contents.get_object()
        for stream in streams if isinstance(streams, ArrayObject) else [streams]:
            total += len(stream.get_object().get_data())
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    for obj in xobjects.get_object().values() if xobjects is not None else ():
        form = obj.get_object()
        if form.get("/Subtype") == "/Form":
            total += len(form.get_data())
    return total


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


def _read_docx(data: bytes, file: str, limits: DocumentLimits) -> DocumentText:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if data[:4] == _OLE_MAGIC:
        raise _unreadable(
            file, "should be a DOCX file, but it is encrypted with a password or an old .doc file; save it as .docx"
        )
    _check_docx_archive(data, file, limits)
    try:
        document = docx.Document(io.BytesIO(data))
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


def _check_docx_archive(data: bytes, file: str, limits: DocumentLimits) -> None:
    """Refuse a DOCX whose parts would unpack beyond the limit, from its zip directory, before any is read."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _unreadable(file, f"should be a readable DOCX file, but it is damaged ({_reason(exc)})") from None
    total = sum(info.file_size for info in infos)
    if len(infos) > Limits().max_zip_parts or total > limits.max_unpacked_bytes:
        raise _unreadable(
            file,
            f"should unpack to at most {limits.max_unpacked_bytes:,} bytes in at most {Limits().max_zip_parts:,} "
            f"parts, but it unpacks to {total:,} bytes in {len(infos):,} parts (a zip bomb?)",
            limit="max_document_unpacked_bytes",
        )


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
    limits = limits or DocumentLimits.from_env()
    paths, problems = scan_folder(folder)
    if not paths and not problems:
        raise DataError(
            Problem("data.folder", "should hold .pdf, .docx or .txt documents, but it holds none", file=str(folder))
        )
    require_readers(paths)
    names = [path.relative_to(folder).as_posix() for path in paths]
    by_country: dict[str, list[DocumentEvidence]] = {}
    unassigned: list[DocumentEvidence] = []
    for problem in problems:
        _add_unreadable(str(problem.file), problem.message, mapping, resolver, by_country)
    for name, outcome in zip(names, _analysed(paths, names, terms, limits, jobs), strict=True):
        if isinstance(outcome, DocumentEvidence):
            evidence = _assign(outcome, resolver, mapping)
            if evidence.iso3 is None:
                unassigned.append(evidence)
                several = file_name_countries(name, resolver)
                found = (
                    f"its file name names {len(several)} ({', '.join(several)}) and its title page none"
                    if len(several) > 1
                    else "no country was found"
                )
                problems.append(
                    Problem(
                        "data.document_country",
                        f"should name one country in its file name or on its title page, but {found}; "
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
    known = {*names, *(name.rsplit("/", 1)[-1] for name in names), *(str(p.file) for p in problems)}
    notes = tuple(
        f"the mapping file names {name!r}, but the folder has no such document"
        for name in mapping or {}
        if name not in known
    )
    return EvidenceResult(countries, tuple(unassigned), tuple(problems), terms.version, notes)


_WORKER_MATCHER: Matcher | None = None


def _start_worker(terms: TermList) -> None:
    global _WORKER_MATCHER
    _WORKER_MATCHER = Matcher(terms)


def _read_and_analyse(path: Path, name: str, limits: DocumentLimits) -> DocumentEvidence | list[Problem]:
    """One document's evidence, or its problems; runs in the calling process or in a worker."""
    assert _WORKER_MATCHER is not None
    try:
        text = read_document(path, name=name, limits=limits)
        return analyse_document(text, _WORKER_MATCHER, max_mentions=limits.max_mentions)
    except DataError as exc:
        return exc.problems


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
