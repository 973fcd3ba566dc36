"""CSV text before it is a table: its encoding, its delimiter and its records, each verified, never trusted.

:func:`decode_text` refuses a file that mixes encodings, :func:`sniff_delimiter` picks the
separator and :func:`read_csv_records` splits the text into records, reporting a stray
double quote with the rows it swallowed. :mod:`scorer.io.spreadsheet` builds the frame.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from typing import cast

import numpy as np

from scorer.errors import DataError, Problem

HEADER_SEARCH_ROWS = 30


def read_error(file: str, message: str, **kw: object) -> DataError:
    return DataError(Problem("data.read", message, file=file, **kw))  # type: ignore[arg-type]


def decode_text(raw: bytes, *, file: str) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1.

    A file that is UTF-8 in some lines and not in others is refused with the
    first line that is not, rather than read as mojibake ("AlgÃ©rie").

    >>> decode_text("a;b\\n".encode("utf-16"), file="x.csv")
    'a;b\\n'
    >>> decode_text("Algérie\\n".encode() + "Pérou\\n".encode("latin-1"), file="x.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scorer.errors.DataError: x.csv: row 2: should use one text encoding, but this line is not UTF-8 while line 1 is ...
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise read_error(file, f"should be valid UTF-16 text, but byte {exc.start} is not") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if b"\x00" in raw:
            raise read_error(file, "should be a text (CSV) file, but it holds binary data") from None
        _refuse_mixed_encoding(raw, exc.start, file=file)
        return raw.decode("cp1252", errors="strict") if _cp1252_ok(raw) else raw.decode("latin-1")


def _refuse_mixed_encoding(raw: bytes, bad: int, *, file: str) -> None:
    """Raise when some line holds valid multi-byte UTF-8 although the byte at ``bad`` is not UTF-8."""
    text = raw.decode("utf-8", errors="surrogateescape")
    utf8_line = next((i for i, line in enumerate(text.split("\n"), start=1) if _has_utf8(line)), None)
    if utf8_line is None:
        return
    bad_line = raw[:bad].count(b"\n") + 1
    raise DataError(
        Problem(
            "data.encoding",
            f"should use one text encoding, but this line is not UTF-8 while line {utf8_line} is",
            file=file,
            row=bad_line,
            fix="save the file again as UTF-8",
        )
    )


def _has_utf8(line: str) -> bool:
    return any(ord(ch) > 0x7F and not 0xDC80 <= ord(ch) <= 0xDCFF for ch in line)


def _cp1252_ok(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever splits the most lines into the same number of fields.

    >>> sniff_delimiter("iso3;score\\nDZA;1,5\\n")
    ';'
    """
    lines = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    scores: dict[str, tuple[int, int, bool]] = {}
    for d in (",", ";", "\t"):
        counts = Counter(n for n in (line.count(d) for line in lines) if n)
        common, lines_agreeing = counts.most_common(1)[0] if counts else (0, 0)
        scores[d] = (lines_agreeing, common, d == ",")
    best = max(scores, key=lambda d: scores[d])
    return best if scores[best][1] else ","


def split_columns(lines: list[str], delimiter: str, fields: int, *, chunk_bytes: int = 1 << 18) -> list[np.ndarray]:
    """The cells of ``lines``, column by column: ``fields`` object arrays of ``len(lines)`` strings.

    Each line must hold exactly ``fields - 1`` of the one-character ASCII ``delimiter``. Each
    column's strings are made together, so they lie side by side in memory: a later pass down
    one column (every indicator is read a column at a time) touches neighbouring memory, where
    strings made line by line lie a whole line apart, a cache miss per cell on a wide sheet.
    The bytes are regrouped column by column a chunk of lines at a time, with array indexing.

    >>> [c.tolist() for c in split_columns(["a,1", "b,2", "é,"], ",", 2)]
    [['a', 'b', 'é'], ['1', '2', '']]
    """
    width = sum(map(len, lines[:100])) // max(1, min(len(lines), 100)) + 1
    step = max(1, chunk_bytes // width)
    pieces: list[list[bytes]] = [[] for _ in range(fields)]
    for start in range(0, len(lines), step):
        text = "\n".join(lines[start : start + step]) + "\n"
        chunk = np.frombuffer(bytearray(text.encode("utf-8", "surrogatepass")), dtype=np.uint8)
        index = np.int32 if len(chunk) < 2**31 else np.int64
        ends = np.flatnonzero((chunk == ord(delimiter)) | (chunk == 10)).astype(index)  # each cell's separator
        if len(ends) != fields * len(lines[start : start + step]):
            raise ValueError(f"each line should hold {fields - 1} {delimiter!r}, but one does not")
        chunk[ends] = 10  # every cell then ends with a line break, to split on
        size = np.diff(ends, prepend=-1).reshape(-1, fields)  # bytes of each cell with its separator
        first = (ends + 1 - size.ravel()).reshape(size.shape).T.ravel()  # each cell's first byte, column by column
        length = size.T.ravel()
        after = np.cumsum(length)
        source = np.repeat(first - (after - length), length)
        source += np.arange(after[-1], dtype=index)
        moved = chunk[source]
        bounds = [0, *np.cumsum(size.sum(axis=0)).tolist()]
        for j in range(fields):
            pieces[j].append(moved[bounds[j] : bounds[j + 1]].tobytes())
    columns = []
    for j in range(fields):
        cells = b"".join(pieces[j]).decode("utf-8", "surrogatepass").split("\n")
        pieces[j].clear()
        cells.pop()  # after the last line break
        columns.append(np.array(cells, dtype=object))
    return columns


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
OTHER_BREAK = re.compile("[\v\f\x1c-\x1e\x85\u2028\u2029]")  # str.splitlines() also breaks there, csv does not


def read_csv_records(text: str, *, file: str, delimiter: str) -> tuple[list[list[object]], list[int]]:
    r"""Split CSV text into records and the line each starts on, or raise a located DataError.

    The structure is verified, not trusted: a double quote that is never closed,
    or whose cell swallows whole lines shaped like rows (a stray ``"`` before a
    name), is reported with its row and the rows it swallowed instead of being
    read as one long name; so is a quoted cell that swallows separators and
    leaves its row short. A cell with a line break but no swallowed rows (a
    note typed with Alt+Enter) is read as it is.

    >>> read_csv_records('id,x\n"Chad,1\nPeru,2\nMali,3\n', file="a.csv", delimiter=",")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scorer.errors.DataError: a.csv: row 2: column 1: the double quote that opens this cell ('Chad,1') is never ...
    >>> read_csv_records('id,x\n"Chad\nNdjamena",1\n', file="a.csv", delimiter=",")
    ([['id', 'x'], ['Chad\nNdjamena', '1']], [1, 2])
    """
    if '"' not in text:  # nothing quoted: each line is one record, split at each delimiter (as csv reads it)
        lines = _LINE_BREAK.split(text) if OTHER_BREAK.search(text) else [*text.splitlines(), ""]
        if lines[-1] == "":
            lines.pop()
        split = [line.split(delimiter) if line else [] for line in lines]
        return cast(list[list[object]], split), list(range(1, len(lines) + 1))
    lines = _LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    usual = Counter(line.count(delimiter) for line in lines if line.count(delimiter)).most_common(1)
    row_shaped = usual[0][0] if usual else 0
    records: list[list[str]] = []
    starts: list[int] = []
    problems: list[Problem] = []
    line = 0
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if line > start:
                problem = _spanning_problem(
                    record, start, line, file=file, lines=lines, row_shaped=row_shaped, delimiter=delimiter
                )
                if problem is not None:
                    problems.append(problem)
            records.append(record)
            starts.append(start)
    except csv.Error as exc:
        raise read_error(file, f"should be valid CSV, but {exc}", row=line + 1) from None
    if problems:
        raise DataError(problems)
    if line != len(lines):
        raise read_error(file, f"should be read to its last line, {len(lines):,}, but reading stopped on line {line:,}")
    width = Counter(len(r) for r in records if len(r) > 1).most_common(1)
    usual_width = width[0][0] if width else 0
    for n, record in zip(starts, records, strict=True):
        if 0 < len(record) < usual_width and any(delimiter in str(c) for c in record):
            problems.append(
                _swallowed_delimiter_problem(
                    record, n, usual_width, file=file, delimiter=delimiter, open_quote=lines[n - 1].count('"') % 2 == 1
                )
            )
    # a quote opening the file's last cell ('"5') swallows only the final line break: still never closed
    if not problems and records and starts[-1] == line and _open_at_end(lines[line - 1], delimiter):
        cell = records[-1][-1].rstrip("\r\n")
        problems.append(
            Problem(
                "data.csv_quote",
                f"column {len(records[-1])}: the double quote that opens this cell ({cell[:40]!r}) is never closed",
                file=file,
                row=line,
                value=cell[:40],
                fix='remove the stray " or close it',
            )
        )
    if problems:
        raise DataError(problems)
    return [list[object](r) for r in records], starts


def _spanning_problem(
    record: list[str], start: int, end: int, *, file: str, lines: list[str], row_shaped: int, delimiter: str
) -> Problem | None:
    """The problem with a record spanning lines ``start``-``end``, or None when it is a genuine multi-line cell."""
    column = next((i for i, c in enumerate(record) if "\n" in c or "\r" in c), 0)
    never_closed = end == len(lines) and _open_at_end("\n".join(lines[start - 1 : end]), delimiter)
    inner = _LINE_BREAK.split(record[column] if record else "")
    swallowed_rows = row_shaped > 0 and any(part.count(delimiter) >= row_shaped for part in inner[1:])
    if not (never_closed or swallowed_rows):
        return None
    swallowed = f"row {start + 1}" if end == start + 1 else f"rows {start + 1}-{end}"
    what = "is never closed" if never_closed else f"closes only on row {end}"
    return Problem(
        "data.csv_quote",
        f"column {column + 1}: the double quote that opens this cell ({inner[0][:40]!r}) {what}, "
        f"so it swallows {swallowed} into one cell",
        file=file,
        row=start,
        value=inner[0][:40],
        fix='remove the stray " or close it',
    )


def _open_at_end(text: str, delimiter: str) -> bool:
    """Whether CSV text ends inside a quoted field (a double quote never closed).

    >>> _open_at_end('a,"b\\nc', ","), _open_at_end('a,"b\\nc",d', ",")
    (True, False)
    """
    try:
        for _record in csv.reader(io.StringIO(text + "\n", newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "end of data" in str(exc) or "EOF" in str(exc)
    return False


def _swallowed_delimiter_problem(
    record: list[str], row: int, width: int, *, file: str, delimiter: str, open_quote: bool
) -> Problem:
    column = next(i for i, c in enumerate(record) if delimiter in str(c))
    shown = "tab" if delimiter == "\t" else repr(delimiter)
    cell = str(record[column]).rstrip("\r\n")
    what = "is never closed" if open_quote else f"holds {cell.count(delimiter)} {shown} separator(s)"
    return Problem(
        "data.csv_quote",
        f"column {column + 1}: the double quote that opens this cell ({cell[:40]!r}) {what}, "
        f"leaving {len(record)} cell(s) where the header has {width}",
        file=file,
        row=row,
        value=cell[:40],
        fix='remove the stray " or close it',
    )
