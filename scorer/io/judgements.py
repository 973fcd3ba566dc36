"""Reading and writing judgement workbooks, and writing weights (criteria YAML, CSV, JSON, Markdown).

A judgement workbook is made by ``unct-scorer template --judgements`` (layout
in :mod:`scorer.starter.judgements`). Reading it checks every stakeholder's
sheet against the criteria file and reports every bad cell at once, each
named by file, sheet and cell, with what was expected and what was found.
A folder is read as every ``.xlsx`` in it (one per person, or several people each).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scorer.elicitation.ahp import judgement_value
from scorer.elicitation.base import WeightResult
from scorer.elicitation.workflow import Judgements
from scorer.errors import DataError, Problem
from scorer.model.criteria import Criteria
from scorer.render.formatting import plain_number
from scorer.starter.judgements import (
    MATRIX_ROW,
    RESERVED_NAMES,
    RESERVED_SHEETS,
    TABLE_COLUMNS,
    TABLE_HEADERS,
    table_row,
)

MAX_FILES = 500

if TYPE_CHECKING:
    from scorer.elicitation.hull import Stakeholders
    from scorer.elicitation.workflow import Elicitation


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith("=")


_SHOWN_CHARS = 40


def _clip(text: object) -> str:
    """A cell's text for a one-line message: quoted, at most 40 characters, the length given when cut.

    >>> _clip("9" * 500)
    "'9999999999999999999999999999999999999999…' (500 characters)"
    """
    text = str(text)
    if len(text) <= _SHOWN_CHARS:
        return repr(text)
    return f"{text[:_SHOWN_CHARS]!r}"[:-1] + f"…' ({len(text):,} characters)"


def _shown(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return (
            f"a date ({value:%Y-%m-%d}); Excel turned the judgement into a date: format the cell as Text and retype it"
        )
    if isinstance(value, float) and math.isfinite(value) and abs(value) >= 1e15:
        return f"a number of {len(plain_number(abs(value)).split('.')[0]):,} digits"
    return _clip(value) if isinstance(value, str) else plain_number(value) if isinstance(value, float) else str(value)


class _Sheet:
    """One stakeholder's sheet, read cell by cell, problems collected."""

    def __init__(self, ws: Any, file: str, ids: list[str], problems: list[Problem]):
        self.ws, self.file, self.ids, self.problems = ws, file, ids, problems
        self.title = str(ws.title)

    def add(self, ref: str, message: str, *, code: str = "data.judgement") -> None:
        self.problems.append(Problem(code, message, file=self.file, key=f"sheet {self.title!r}: cell {ref}"))

    def value(self, row: int, column: int) -> Any:
        return self.ws.cell(row=row, column=column).value

    def ref(self, row: int, column: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(column)}{row}"

    def check_name(self) -> bool:
        """The sheet's name names the stakeholder in every output: no control or text-direction characters."""
        from scorer.starter.judgements import unsafe_name_character

        bad = unsafe_name_character(self.title)
        if bad:
            self.problems.append(
                Problem(
                    "data.judgement_layout",
                    f"should have a name without control or text-direction characters (it names the stakeholder "
                    f"in every output), but it has U+{ord(bad):04X}; rename the sheet",
                    file=self.file,
                    key=f"sheet {self.title!r}",
                )
            )
        elif self.title in RESERVED_NAMES:
            self.problems.append(
                Problem(
                    "data.judgement_layout",
                    f"should not be called {self.title!r} (the outputs use it for a row or column); rename the sheet",
                    file=self.file,
                    key=f"sheet {self.title!r}",
                )
            )
        return not bad and self.title not in RESERVED_NAMES

    def check_merged(self) -> bool:
        """No merged range over the cells read: a merge keeps only its first cell's value, silently."""
        n = len(self.ids)
        last_row, last_col = table_row(n) + n, max(n + 1, len(TABLE_HEADERS))
        before = len(self.problems)
        for merged in sorted(self.ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
            if merged.min_row <= last_row and merged.max_row >= MATRIX_ROW and merged.min_col <= last_col:
                self.add(
                    merged.coord,
                    "should be separate cells (each judgement needs its own), but they are merged; unmerge them",
                    code="data.judgement_layout",
                )
        return len(self.problems) == before

    def check_layout(self) -> bool:
        before = len(self.problems)
        n = len(self.ids)
        expected = [(MATRIX_ROW, 1, "criterion")]
        expected += [(MATRIX_ROW, 2 + j, cid) for j, cid in enumerate(self.ids)]
        expected += [(MATRIX_ROW + 1 + i, 1, cid) for i, cid in enumerate(self.ids)]
        top = table_row(n)
        expected += [(top, 1, TABLE_HEADERS[0])] + [(top + 1 + i, 1, cid) for i, cid in enumerate(self.ids)]
        for row, col, want in expected:
            got = self.value(row, col)
            if not isinstance(got, str) or got.strip() != want:
                self.add(
                    self.ref(row, col),
                    f"should be {want!r} (the layout `template --judgements` writes for this criteria file), "
                    f"but it is {'blank' if _blank(got) else _shown(got)}",
                    code="data.judgement_layout",
                )
        return len(self.problems) == before

    def pairwise(self) -> dict[tuple[str, str], float]:
        out: dict[tuple[str, str], float] = {}
        for i, a in enumerate(self.ids):
            for j in range(i + 1, len(self.ids)):
                b = self.ids[j]
                upper = self._judgement(MATRIX_ROW + 1 + i, 2 + j, a, b, typed=True)
                lower = self._judgement(MATRIX_ROW + 1 + j, 2 + i, b, a, typed=False)
                if upper is not None and lower is not None and abs(upper * lower - 1) > 1e-6:
                    self.add(
                        self.ref(MATRIX_ROW + 1 + j, 2 + i),
                        f"({b} vs {a}) should be the reciprocal of cell {self.ref(MATRIX_ROW + 1 + i, 2 + j)} "
                        f"({_fmt(1 / upper)}), but it is {_fmt(lower)}; clear one of the two",
                    )
                elif upper is not None:
                    out[(a, b)] = upper
                elif lower is not None:
                    out[(a, b)] = 1.0 / lower
        return out

    def _judgement(self, row: int, col: int, a: str, b: str, *, typed: bool) -> float | None:
        """The judgement in a cell; a formula is the template's reciprocal below the diagonal, an error above it."""
        raw = self.value(row, col)
        if _blank(raw) or (_formula(raw) and not typed):
            return None
        if _formula(raw):
            self.add(
                self.ref(row, col),
                f"({a} vs {b}) should be a value typed from Saaty's scale (9, 8, ..., 1, 1/2, ..., 1/9), "
                f"but it is the formula {_clip(raw)} (its result is not stored for reading); type the value",
            )
            return None
        try:
            return judgement_value(raw)
        except ValueError as exc:
            shown = str(exc).rsplit(", but it is ", 1)[0]
            self.add(self.ref(row, col), f"({a} vs {b}) {shown}, but it is {_shown(raw)}")
            return None

    def column(self, what: str) -> dict[str, float]:
        col = TABLE_COLUMNS[what]
        top = table_row(len(self.ids))
        cells = {cid: (top + 1 + i, self.value(top + 1 + i, col)) for i, cid in enumerate(self.ids)}
        if all(_blank(v) for _r, v in cells.values()):
            return {}
        out: dict[str, float] = {}
        expected = {
            "rank": f"a rank from 1 to {len(self.ids)} (1 = most important)",
            "swing": "swing points from 0 to 100",
            "points": "points >= 0",
        }[what]
        for cid, (row, raw) in cells.items():
            number = _number(raw)
            ok = number is not None and (
                (what == "rank" and number == int(number) and 1 <= number <= len(self.ids))
                or (what == "swing" and 0 <= number <= 100)
                or (what == "points" and number >= 0)
            )
            if ok and number is not None:
                out[cid] = number
            else:
                found = "blank (fill every criterion's, or none)" if _blank(raw) else _shown(raw)
                self.add(self.ref(row, col), f"({cid}) should be {expected}, but it is {found}")
        if what != "rank" and out and len(out) == len(self.ids) and not any(out.values()):
            self.add(self.ref(top + 1, col), f"{TABLE_HEADERS[col - 1]} should not all be 0, but they are")
        return out


def _number(raw: object) -> float | None:
    if isinstance(raw, bool | dt.datetime | dt.date):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        try:
            return float(raw.strip().replace(",", "."))
        except ValueError:
            return None
    return None


def _fmt(value: float) -> str:
    """A judgement as the scale writes it when it is on the scale, else 3 significant digits."""
    from fractions import Fraction

    from scorer.elicitation.ahp import scale_text

    nearest = scale_text(value)
    return nearest if abs(float(Fraction(nearest)) - value) < 1e-9 else f"{value:.3g}"


def workbook_files(path: Path) -> list[Path]:
    """The workbooks to read: ``path`` itself, or every ``.xlsx`` of the folder (sorted, Excel lock files skipped)."""
    file = str(path)
    if not path.exists():
        raise DataError(Problem("data.missing", "file not found", file=file))
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".xlsx" and not p.name.startswith("~$"))
        if not files:
            raise DataError(
                Problem(
                    "data.missing", "should be a folder holding .xlsx judgement workbooks, but it has none", file=file
                )
            )
        if len(files) > MAX_FILES:
            raise DataError(
                Problem(
                    "data.too_large", f"should hold at most {MAX_FILES} workbooks, but it holds {len(files)}", file=file
                )
            )
        return files
    if path.suffix.lower() != ".xlsx":
        raise DataError(
            Problem(
                "data.format",
                "should be an .xlsx judgement workbook or a folder of them, "
                f"but it ends in {path.suffix or 'nothing'!r}",
                file=file,
            )
        )
    return [path]


def _checked_workbook_bytes(path: Path) -> bytes:
    """The workbook's bytes, within the limits the data workbook is held to (issue 16), before openpyxl loads it.

    A regular file only (a FIFO would block), at most the byte limit; its parts
    within the zip limits and free of DTDs; each worksheet scanned in a stream
    for the row, column and merged-range limits (a merged range over the whole
    sheet once made openpyxl build a billion cells).
    """
    from scorer.io.limits import Limits, read_limited
    from scorer.io.xlsx import check_archive, scan_sheet

    limits = Limits.from_env()
    file = str(path)
    data = read_limited(
        path, limit=limits.max_bytes, limit_name="max_bytes", error=DataError, code="data", what="judgement workbook"
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DataError(
            Problem("data.format", f"should be an .xlsx workbook, but {_what_instead(data)}", file=file)
        ) from None
    with archive:
        check_archive(archive, file=file, limits=limits)
        titles = _sheet_titles(data)
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as stream:
                    scan_sheet(stream, file=file, sheet=titles.get(name, name), limits=limits)
    return data


def _sheet_titles(data: bytes) -> dict[str, str]:
    """Each worksheet part's sheet name (read from the workbook part only), so a refusal names the sheet."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True)
    except Exception:  # the full load reports what is wrong, with its reason
        return {}
    try:
        return {str(getattr(ws, "_worksheet_path", "")).lstrip("/"): str(ws.title) for ws in wb.worksheets}
    finally:
        wb.close()


def _what_instead(data: bytes) -> str:
    """What a file that is not a zip archive (as every .xlsx is) looks like, for the message.

    >>> _what_instead(b"%PDF-1.7"), _what_instead(b"")
    ('it is a PDF', 'it is empty')
    """
    if not data:
        return "it is empty"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an old .xls file or a workbook protected by a password; save it as .xlsx without a password"
    if data.startswith(b"%PDF"):
        return "it is a PDF"
    return "it is not one (an .xlsx file is a zip archive; was another file renamed?)"


def read_judgements(path: Path, criteria: Criteria, *, method: str | None = None) -> list[Judgements]:
    """Every stakeholder's judgements from a workbook or a folder of workbooks; every problem at once.

    ``method`` (``ahp``, ``swing``, ``points`` or ``rank``) reads only that
    block of each sheet, so a mistake in a block nobody asked for does not
    stop the others; by default every block is read and checked.

    Stakeholders are named by their sheet; when two files use the same sheet
    name, the file's name is put in front (``alice/Stakeholder 1``). Hidden
    sheets and the sheets "How to fill" and "Scale" are not stakeholders.
    """
    from openpyxl import load_workbook

    ids = list(criteria.criteria)
    files = workbook_files(path)
    problems: list[Problem] = []
    found: list[tuple[Path, str, Judgements]] = []
    for f in files:
        try:
            data = _checked_workbook_bytes(f)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        try:
            wb = load_workbook(io.BytesIO(data), data_only=False)
        except Exception as exc:  # BadZipFile, InvalidFileException, XML errors
            reason = " ".join(str(exc).split())[:120]
            problems.append(
                Problem(
                    "data.format",
                    f"should be an .xlsx workbook, but it cannot be opened ({type(exc).__name__}"
                    f"{': ' + reason if reason else ''})",
                    file=str(f),
                )
            )
            continue
        try:
            sheets = [ws for ws in wb.worksheets if ws.title not in RESERVED_SHEETS and ws.sheet_state == "visible"]
            if not sheets:
                problems.append(
                    Problem("data.judgement_layout", "should have a stakeholder sheet, but it has none", file=str(f))
                )
            for ws in sheets:
                sheet = _Sheet(ws, str(f), ids, problems)
                if not sheet.check_name() or not sheet.check_merged() or not sheet.check_layout():
                    continue
                wanted = {method} if method else {"ahp", "swing", "points", "rank"}
                j = Judgements(
                    sheet.title,
                    source=f"{f}: sheet {sheet.title!r}",
                    pairwise=sheet.pairwise() if "ahp" in wanted else {},
                    swing=sheet.column("swing") if "swing" in wanted else {},
                    points=sheet.column("points") if "points" in wanted else {},
                    ranks=sheet.column("rank") if "rank" in wanted else {},
                )
                found.append((f, sheet.title, j))
        finally:
            wb.close()
    if problems:
        raise DataError(problems)
    titles = [t for _f, t, _j in found]
    out = []
    for f, title, j in found:
        name = title if titles.count(title) == 1 else f"{f.stem}/{title}"
        out.append(Judgements(name, j.source, j.pairwise, j.swing, j.points, j.ranks))
    return out


def weights_criteria_data(
    original: Mapping[str, Any], result: WeightResult, provenance: Mapping[str, Any], *, ranges: bool = True
) -> dict[str, Any]:
    """The criteria file's data with the new weights, ranges and order, and ``elicitation:`` saying how.

    The file's own ``range:`` and ``weight_order:`` are replaced by what the
    method supports (the stakeholders' lowest and highest weights, rounded
    outwards; the order when every stakeholder gave the same), or removed:
    they described the old weights, not the people's. The old weights are kept
    in ``elicitation.previous_weights``. ``original`` (the file as
    ``yaml.safe_load`` reads it) is not modified.

    >>> from scorer.elicitation.direct import points_weights
    >>> data = {"name": "x", "weight_order": ["b", "a"], "criteria": {"a": {"weight": 1}, "b": {"weight": 1}}}
    >>> out = weights_criteria_data(data, points_weights("ab", {"a": 3, "b": 1}), {"method": "points"})
    >>> out["criteria"]["a"]["weight"], out["elicitation"], "weight_order" in out, data["criteria"]["a"]["weight"]
    (0.75, {'method': 'points', 'previous_weights': {'a': 1, 'b': 1}}, False, 1)
    """
    import copy
    import math

    data = copy.deepcopy(dict(original))
    crits = data.get("criteria", {})
    rng = result.range_dict() if ranges else {}
    previous = {cid: crits[cid].get("weight") for cid in result.criteria}
    for cid, w in result.as_dict().items():
        crits[cid]["weight"] = round(w, 6)
        crits[cid].pop("range", None)
        if cid in rng:
            lo, hi = rng[cid]
            crits[cid]["range"] = [math.floor(lo * 1e6) / 1e6, min(1.0, math.ceil(hi * 1e6) / 1e6)]
    data.pop("weight_order", None)
    if result.order is not None:
        data["weight_order"] = list(result.order)
    data["elicitation"] = {**provenance, "previous_weights": previous}
    return data


def weights_criteria_text(criteria_path: Path, result: WeightResult, provenance: Mapping[str, Any]) -> str:
    """The criteria file with the new weights, as YAML from ``yaml.safe_dump`` (its comments are not kept).

    The text is checked to load as a criteria file before it is returned.
    """
    import yaml

    from scorer.io.criteria_file import parse_criteria_text

    original = yaml.safe_load(criteria_path.read_bytes().decode("utf-8-sig"))
    several = len(provenance.get("stakeholders", [])) > 1
    data = weights_criteria_data(original, result, provenance, ranges=several)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    parse_criteria_text(text, file=str(criteria_path))
    return text


def save_judgement_workbook(workbook: Any, path: Path, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Write a workbook atomically with fixed zip times (same bytes on every run)."""
    from scorer.io.outputs import fix_zip_times, write_atomic

    def writer(tmp: Path) -> None:
        workbook.save(tmp)
        fix_zip_times(tmp)

    write_atomic(path, writer, force=force, inputs=inputs)


def read_elicitation(path: Path, criteria: Criteria, *, method: str = "ahp") -> Elicitation:
    """Every stakeholder's weights and the group's from a judgement workbook or folder, as ``weights`` computes them.

    ``method`` says which judgements become weights (``ahp``, ``swing``,
    ``points`` or ``rank``; swing, points and rank combine by the mean);
    stakeholders who gave none of them are left out.
    """
    from scorer.elicitation.workflow import elicit

    people = read_judgements(path, criteria, method=method)
    return elicit(list(criteria.criteria), people, method=method, source=str(path))  # type: ignore[arg-type]


def read_stakeholders(path: Path, criteria: Criteria, *, method: str = "ahp") -> Stakeholders:
    """Each stakeholder's weights from a judgement workbook or folder (see :func:`read_elicitation`), for the hull."""
    from scorer.elicitation.hull import stakeholders_from

    return stakeholders_from(read_elicitation(path, criteria, method=method).people, source=str(path))
