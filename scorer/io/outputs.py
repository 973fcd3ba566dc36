"""Writing results: CSV, XLSX, JSON, Markdown; atomically, never over inputs.

A file is written to a temporary name beside the target and renamed into
place, so a failure never leaves half a file. An existing output is only
replaced with ``force=True``. Text cells that a spreadsheet would run as a
formula (=, +, -, @, tab, CR) are prefixed with an apostrophe.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scorer.errors import OutputError, Problem
from scorer.io.workbook import Table
from scorer.io.writer import (
    OutputTransaction,
    check_target,
    make_dir,
    output_transaction,
    write_atomic,
    write_bytes,
)
from scorer.render.formatting import yes_no

__all__ = [
    "OUTPUT_FORMATS",
    "OutputFormat",
    "OutputTransaction",
    "check_target",
    "make_dir",
    "output_format",
    "output_transaction",
    "write_atomic",
    "write_bytes",
    "write_text",
    "write_workbook",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class OutputFormat:
    """One kind of output file, known by its suffix."""

    suffix: str
    name: str
    description: str


# The one registry of result file formats: a format is added here (and rendered by each result's writer);
# any other suffix is refused, never written as something else.
OUTPUT_FORMATS: dict[str, OutputFormat] = {
    f.suffix: f
    for f in (
        OutputFormat(".csv", "CSV", "the ranking table, one row per country"),
        OutputFormat(".xlsx", "Excel workbook", "every table, one sheet each, with provenance"),
        OutputFormat(".json", "JSON", "the full result, machine-readable, with provenance"),
        OutputFormat(".md", "Markdown", "a summary to paste into a document"),
    )
}
FORMATS = tuple(OUTPUT_FORMATS)


def output_format(path: Path, *, allowed: tuple[str, ...] | None = None) -> OutputFormat:
    """The registered format a file name asks for; any other suffix is an OutputError.

    >>> output_format(Path("r.XLSX")).name
    'Excel workbook'
    >>> output_format(Path("r.xslx"))
    Traceback (most recent call last):
    ...
    scorer.errors.OutputError: r.xslx: should end in one of .csv, .xlsx, .json, .md, but it ends in '.xslx'
    """
    suffixes = allowed or FORMATS
    suffix = path.suffix.lower()
    if suffix not in suffixes or suffix not in OUTPUT_FORMATS:
        raise OutputError(
            Problem(
                "output.format",
                f"should end in one of {', '.join(suffixes)}, but it ends in {suffix or 'nothing'!r}",
                file=str(path),
            )
        )
    return OUTPUT_FORMATS[suffix]


def neutralise(value: Any) -> Any:
    """Make a text cell inert in Excel; numbers stay numbers.

    >>> neutralise("=HYPERLINK(1)"), neutralise(-1.5), neutralise("Chad")
    ("'=HYPERLINK(1)", -1.5, 'Chad')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def excel_text(value: Any) -> Any:
    """Text Excel can store: control characters it refuses (BEL, ESC, ...) become their visible symbols.

    >>> excel_text("Chad\\x07\\x1b"), excel_text(2)
    ('Chad␇␛', 2)
    """
    if isinstance(value, str) and _EXCEL_ILLEGAL.search(value):
        return _EXCEL_ILLEGAL.sub(lambda m: chr(0x2400 + ord(m.group())), value)
    return value


def safe_frame(df: pd.DataFrame, *, excel: bool = False) -> pd.DataFrame:
    """A copy with every text cell and header neutralised (and, for Excel, control characters made visible).

    Booleans become ``yes``/``no`` (:func:`scorer.render.formatting.yes_no`), as in every output a person reads.
    """
    out = df.copy()

    def clean(v: Any) -> Any:
        if isinstance(v, bool | np.bool_):
            return yes_no(v)
        return neutralise(excel_text(v) if excel else v)

    out.columns = [clean(str(c)) for c in out.columns]
    for c in out.columns:
        if pd.api.types.is_bool_dtype(out[c]):
            out[c] = pd.Series([yes_no(v) for v in out[c]], index=out.index, dtype=object)
        elif out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(clean)
    return out


def write_text(path: Path, text: str, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Write UTF-8 text all-or-nothing (see :mod:`scorer.io.writer`), LF line endings as given."""
    write_bytes(path, text.encode("utf-8"), force=force, inputs=inputs)


def frame_to_csv(df: pd.DataFrame) -> str:
    """CSV text of a frame, neutralised, full float precision, LF endings."""
    return safe_frame(df).to_csv(index=False, lineterminator="\n", float_format="%.12g")


def frame_to_markdown(df: pd.DataFrame, *, float_digits: int = 4, right_align: tuple[str, ...] = ()) -> str:
    """A GitHub-flavoured Markdown table (no extra dependency); blanks empty, booleans yes/no.

    Text is escaped so that a name holding HTML stays text when the Markdown is rendered.
    Numeric columns, and the text columns named in ``right_align`` (numbers already formatted), align right.

    >>> print(frame_to_markdown(pd.DataFrame({"id": ["<b>A</b>"], "in": [True], "g": [None]})), end="")
    | id | in | g |
    | --- | --- | --- |
    | &lt;b&gt;A&lt;/b&gt; | yes |  |
    """

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, (bool, np.bool_)):
            return yes_no(v)
        if isinstance(v, float):
            return "" if pd.isna(v) else f"{v:.{float_digits}f}"
        text = str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return text.replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(c) for c in df.columns) + " |"
    rule = (
        "| "
        + " | ".join(
            "---:"
            if c in right_align or (pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]))
            else "---"
            for c in df.columns
        )
        + " |"
    )
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([header, rule, *body]) + "\n"


_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\->!=]|\d+[.)])")


def markdown_text(value: Any) -> str:
    """Any text, made inert for Markdown prose: HTML and Markdown syntax shown as typed, on one line.

    HTML characters become entities (so ``<img onerror=...>`` stays text in
    renderers that pass HTML through); emphasis, code, link and table
    punctuation is backslash-escaped; line breaks and other control characters
    become spaces, so a value cannot start a heading, a list or a YAML key.

    >>> markdown_text("<img src=x onerror=alert(1)> *bold* [x](y)\\n# h")
    '&lt;img src=x onerror=alert(1)&gt; \\\\*bold\\\\* \\\\[x\\\\](y) # h'
    >>> markdown_text("# Title"), markdown_text("1. first")
    ('\\\\# Title', '1\\\\. first')
    """
    text = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    match = _MD_LINE_START.match(text)
    if match:
        head = match.group(2)
        escaped = head[:-1] + "\\" + head[-1] if head[:-1].isdigit() else "\\" + head
        text = match.group(1) + escaped + text[match.end() :]
    return text


def markdown_code(value: Any) -> str:
    """Any text as an inline code span (copyable as typed; HTML inside stays text), on one line.

    The fence is one backtick longer than the longest run of backticks inside (CommonMark).

    >>> markdown_code("unct-scorer rank 'a b.csv'"), markdown_code("a`b")
    ("`unct-scorer rank 'a b.csv'`", '``a`b``')
    """
    text = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", str(value))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def to_json(data: Any) -> str:
    """Stable JSON: sorted keys off (order is meaningful), UTF-8, 2-space indent."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_workbook(
    path: Path, sheets: Mapping[str, pd.DataFrame | Table], *, force: bool, inputs: tuple[Path, ...] = ()
) -> None:
    """An .xlsx workbook, one sheet per frame: frozen header, filters, widths, number formats.

    Text cells are neutralised (see :func:`neutralise`); numbers are written as
    numbers: floats shown with 4 decimals, whole numbers without, unless a
    :class:`~scorer.io.workbook.Table` gives the column's header and number
    format (e.g. ``0.0%``: the value stays 0.53, Excel shows 53.0%). Column
    widths follow the displayed text (capped at 60 characters).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    header_fill = PatternFill("solid", fgColor="DCE6F0")
    header_border = Border(bottom=Side(style="thin", color="7F8C99"))

    def shown(v: Any, is_float: bool) -> str:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return ""
        if is_float and isinstance(v, (float, int)) and not isinstance(v, bool):
            return f"{v:.4f}"
        return str(v)

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        output_format(path, allowed=(".xlsx",))

    def build() -> bytes:
        wb = Workbook()
        wb.remove(wb.active)  # type: ignore[arg-type]
        for title, item in sheets.items():
            ws = wb.create_sheet(title=title[:31])
            frame = item.frame if isinstance(item, Table) else item
            described = [item.column(str(c)) if isinstance(item, Table) else None for c in frame.columns]
            safe = safe_frame(frame, excel=True)
            headers = [
                neutralise(excel_text(d.header if d else str(c))) for c, d in zip(frame.columns, described, strict=True)
            ]
            ws.append(headers)
            for cell in ws[1]:
                cell.font = Font(bold=True)
                cell.fill = header_fill
                cell.border = header_border
                cell.alignment = Alignment(vertical="top")
            for row in safe.itertuples(index=False):
                ws.append([_excel_value(v) for v in row])
            ws.freeze_panes = "A2"
            if len(safe.columns):
                ws.auto_filter.ref = f"A1:{get_column_letter(len(safe.columns))}{max(1, len(safe) + 1)}"
            for j, (col, header, d) in enumerate(zip(safe.columns, headers, described, strict=True), start=1):
                is_float = pd.api.types.is_float_dtype(safe[col])
                is_int = pd.api.types.is_integer_dtype(safe[col]) and not pd.api.types.is_bool_dtype(safe[col])
                values = [str(header), *(shown(v, is_float) for v in safe[col].head(500))]
                width = min(60, max(8, max(len(v) for v in values) + 2))
                ws.column_dimensions[get_column_letter(j)].width = width
                given = d.number_format if d is not None and (is_float or is_int) else None
                number_format = given or ("0.0000" if is_float else "0" if is_int else None)
                if number_format:
                    for r in range(2, len(safe) + 2):
                        ws.cell(row=r, column=j).number_format = number_format
        wb.properties.creator = "unct-scorer"
        buffer = io.BytesIO()
        wb.save(buffer)
        return fixed_zip_bytes(buffer.getvalue())

    def writer(tmp: Path) -> None:  # built inside the writer: openpyxl's own temporary files may hit a full disk
        data = build()
        with open(tmp, "wb") as fh:
            fh.write(data)

    write_atomic(path, writer, force=force, inputs=inputs)


def _excel_value(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and pd.isna(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def fix_zip_times(path: Path) -> None:
    """Rewrite an .xlsx file with fixed timestamps and metadata so its bytes are reproducible."""
    data = fixed_zip_bytes(path.read_bytes())
    with open(path, "wb") as fh:
        fh.write(data)


def fixed_zip_bytes(data: bytes) -> bytes:
    """The same .xlsx with fixed timestamps and no creation dates, so its bytes are reproducible."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as src:
        items = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name, content in items:
            if name == "docProps/core.xml":
                content = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", content)
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, content)
    return out.getvalue()
