"""Writing results: CSV, XLSX, JSON, Markdown; atomically, never over inputs.

A file is written to a temporary name beside the target and renamed into
place, so a failure never leaves half a file. An existing output is only
replaced with ``force=True``. Text cells that a spreadsheet would run as a
formula (=, +, -, @, tab, CR) are prefixed with an apostrophe.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scorer.errors import OutputError, Problem

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = (".csv", ".xlsx", ".json", ".md")


def neutralise(value: Any) -> Any:
    """Make a text cell inert in Excel; numbers stay numbers.

    >>> neutralise("=HYPERLINK(1)"), neutralise(-1.5), neutralise("Chad")
    ("'=HYPERLINK(1)", -1.5, 'Chad')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header neutralised."""
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralise)
    return out


def check_target(path: Path, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse to overwrite an input, or an existing file without force."""
    resolved = path.resolve()
    for src in inputs:
        if src.exists() and src.resolve() == resolved:
            raise OutputError(
                Problem("output.is_input", "should not be one of the input files; choose another name", file=str(path))
            )
    if path.exists() and not force:
        raise OutputError(Problem("output.exists", "already exists; use --force to replace it", file=str(path)))
    if not path.parent.exists():
        raise OutputError(Problem("output.folder", f"the folder {str(path.parent)!r} does not exist", file=str(path)))


def write_atomic(path: Path, writer: Callable[[Path], None], *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Run ``writer`` on a temporary file beside ``path``, then rename it into place."""
    check_target(path, force=force, inputs=inputs)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        writer(tmp_path)
        os.chmod(tmp_path, _file_mode(path))
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def _file_mode(path: Path) -> int:
    """The mode a new file would get (0o666 less the umask), or the replaced file's mode.

    ``mkstemp`` creates 0o600 files; an output should be as readable as any other file the user makes.
    """
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_text(path: Path, text: str, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Write UTF-8 text atomically with LF line endings."""
    data = text.encode("utf-8")

    def writer(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_atomic(path, writer, force=force, inputs=inputs)


def frame_to_csv(df: pd.DataFrame) -> str:
    """CSV text of a frame, neutralised, full float precision, LF endings."""
    return safe_frame(df).to_csv(index=False, lineterminator="\n", float_format="%.12g")


def frame_to_markdown(df: pd.DataFrame, *, float_digits: int = 4) -> str:
    """A GitHub-flavoured Markdown table (no extra dependency); blanks empty, booleans yes/no.

    Text is escaped so that a name holding HTML stays text when the Markdown is rendered.

    >>> print(frame_to_markdown(pd.DataFrame({"id": ["<b>A</b>"], "in": [True], "g": [None]})), end="")
    | id | in | g |
    | --- | --- | --- |
    | &lt;b&gt;A&lt;/b&gt; | yes |  |
    """

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, (bool, np.bool_)):
            return "yes" if v else "no"
        if isinstance(v, float):
            return "" if pd.isna(v) else f"{v:.{float_digits}f}"
        text = str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return text.replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(c) for c in df.columns) + " |"
    rule = (
        "| "
        + " | ".join(
            "---:" if (pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])) else "---"
            for c in df.columns
        )
        + " |"
    )
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([header, rule, *body]) + "\n"


def to_json(data: Any) -> str:
    """Stable JSON: sorted keys off (order is meaningful), UTF-8, 2-space indent."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_workbook(
    path: Path, sheets: Mapping[str, pd.DataFrame], *, force: bool, inputs: tuple[Path, ...] = ()
) -> None:
    """An .xlsx workbook, one sheet per frame: frozen header, filters, widths, number formats.

    Text cells are neutralised (see :func:`neutralise`); numbers are written as
    numbers: floats shown with 4 decimals, whole numbers without. Column widths
    follow the displayed text (capped at 60 characters).
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

    def writer(tmp: Path) -> None:
        wb = Workbook()
        wb.remove(wb.active)  # type: ignore[arg-type]
        for title, frame in sheets.items():
            ws = wb.create_sheet(title=title[:31])
            safe = safe_frame(frame)
            ws.append([str(c) for c in safe.columns])
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
            for j, col in enumerate(safe.columns, start=1):
                is_float = pd.api.types.is_float_dtype(safe[col])
                is_int = pd.api.types.is_integer_dtype(safe[col]) and not pd.api.types.is_bool_dtype(safe[col])
                values = [str(col), *(shown(v, is_float) for v in safe[col].head(500))]
                width = min(60, max(8, max(len(v) for v in values) + 2))
                ws.column_dimensions[get_column_letter(j)].width = width
                number_format = "0.0000" if is_float else "0" if is_int else None
                if number_format:
                    for r in range(2, len(safe) + 2):
                        ws.cell(row=r, column=j).number_format = number_format
        wb.properties.creator = "unct-scorer"
        wb.save(tmp)
        fix_zip_times(tmp)

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
    """Rewrite the .xlsx zip with fixed timestamps and metadata so bytes are reproducible."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as src:
        items = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    fixed = []
    for name, data in items:
        if name == "docProps/core.xml":
            data = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", data)
        fixed.append((name, data))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name, data in fixed:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
