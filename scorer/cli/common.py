"""Loading, checking and printing shared by the commands (their options: :mod:`scorer.cli.options`)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import click
import numpy as np
import pandas as pd

from scorer.cli.options import reading_options
from scorer.errors import ConfigError, Problem
from scorer.io.criteria_file import load_criteria
from scorer.io.spreadsheet import read_countries
from scorer.model.criteria import Criteria


def check_suffix(path: Path | None, allowed: Sequence[str], *, what: str | None = None, key: str | None = None) -> None:
    """An output file's extension must be one of ``allowed`` (lower case, with the dot), the ones the command writes.

    ``what`` says what the one allowed kind is; ``key`` names the option when it is not ``-o``.

    >>> check_suffix(Path("a.CSV"), (".csv",))
    >>> try:
    ...     check_suffix(Path("fit.txt"), (".yaml", ".yml"))
    ... except Exception as exc:
    ...     print(exc)
    fit.txt: should end in .yaml or .yml, but it ends in '.txt'
    """
    from scorer.errors import OutputError

    if path is None or path.suffix.lower() in allowed:
        return
    if len(allowed) == 1:
        expected = allowed[0] + (f" ({what})" if what else "")
    elif len(allowed) == 2:
        expected = f"{allowed[0]} or {allowed[1]}"
    else:
        expected = f"one of {', '.join(allowed)}"
    raise OutputError(
        Problem(
            "output.format",
            f"should end in {expected}, but it ends in {path.suffix or 'nothing'!r}",
            file=str(path),
            key=key,
        )
    )


def parse_weights(items: Sequence[str]) -> dict[str, float]:
    """Parse ``name=value`` pairs; a bad one is a one-line ConfigError."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(
                Problem("config.weight", f"-w should be CRITERION=WEIGHT, but it is {item!r}", key="--weight")
            )
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise ConfigError(
                Problem(
                    "config.weight",
                    f"should be a finite number, but it is {value!r}",
                    key=f"--weight {name.strip()}",
                )
            ) from None
        out[name.strip()] = number
    return out


def resolve_inputs(spreadsheet: Path | None, criteria_path: Path | None) -> tuple[Path, Path]:
    """The spreadsheet and criteria file to use: those given, else the project's, else the bundled ones.

    The project is the nearest ``unct-scorer.toml`` here or above (:mod:`scorer.io.project`). One line on
    stderr says which files were taken from it, or that the bundled ones are used: the last line of a
    command that succeeds (:func:`announce_inputs`; an error names its file itself). The project's sheet
    is kept for :func:`read_sheet` when its spreadsheet is used.
    """
    from scorer.io.project import resolve_inputs as resolve

    found = resolve(spreadsheet, criteria_path)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        meta = ctx.find_root().meta
        meta["scorer.project_sheet"] = found.sheet
        meta["scorer.validate_hint"] = validate_command(spreadsheet, criteria_path)
        meta["scorer.announcement"] = found.announcement
    elif found.announcement:
        note(found.announcement)
    return found.spreadsheet, found.criteria


def announce_inputs() -> None:
    """Say, once, where the files of :func:`resolve_inputs` came from (the project, or the bundle)."""
    ctx = click.get_current_context(silent=True)
    text = ctx.find_root().meta.pop("scorer.announcement", None) if ctx is not None else None
    if text:
        note(text)


def validate_command(spreadsheet: Path | None, criteria_path: Path | None) -> str:
    """The ``validate`` command line for the files the user named (the rest come from the project or bundle).

    >>> validate_command(Path("my data.xlsx"), None)
    "unct-scorer validate 'my data.xlsx'"
    """
    import shlex

    args = ["unct-scorer", "validate"]
    if spreadsheet is not None:
        args.append(str(spreadsheet))
    if criteria_path is not None:
        args += ["-c", str(criteria_path)]
    return shlex.join(args)


def read_sheet(data_path: Path, sheet: str | None, criteria: Criteria | None) -> pd.DataFrame:
    """Read the spreadsheet with the command's reading options.

    An explicit ``--id-column``, ``--year``, ``--year-column`` or ``--group-by`` is kept in
    ``df.attrs``, which :func:`scorer.score_countries` uses when not given
    the matching keyword.
    """
    opts = reading_options()
    if sheet is None:
        ctx = click.get_current_context(silent=True)
        sheet = ctx.find_root().meta.get("scorer.project_sheet") if ctx is not None else None
    hint = opts["id_column"] or (criteria.id_column if criteria is not None else None)
    df = read_countries(
        data_path,
        sheet=sheet,
        header_row=opts["header_row"],
        id_column=hint,
        decimal_comma=opts["decimal_comma"],
    )
    for name in ("id_column", "year", "year_column", "group_by"):
        if opts[name] is not None:
            df.attrs[name] = opts[name]
    return df


def load_inputs(
    spreadsheet: Path | None, criteria_path: Path | None, sheet: str | None
) -> tuple[pd.DataFrame, Criteria, Path, Path]:
    """Read and validate both inputs (a data error then points to ``validate``)."""
    data_path, crit_path = resolve_inputs(spreadsheet, criteria_path)
    criteria = load_criteria(crit_path)
    df = read_sheet(data_path, sheet, criteria)
    return df, criteria, data_path, crit_path


def record_command(workbook: Any) -> None:
    """Keep the command that rewrites a workbook the user fills in (a template) in its file properties.

    Such a workbook has no Provenance sheet (its sheets are the user's to fill), so the command goes in the
    properties' description ("Comments" in Excel's file information), as ``Command: unct-scorer ...``.
    """
    from scorer.cli.reproduce import reproduce_command

    command = reproduce_command()
    if command is not None:
        workbook.properties.description = f"Command: {command}"


ANALYSIS_OUTPUTS = (".csv", ".json", ".xlsx", ".md")
"""What ``-o`` of an analysis command (sensitivity, stability, uncertainty) writes."""


class Analysis(Protocol):
    """What an analysis command prints and writes: its sentences and its JSON-ready data."""

    def lines(self) -> list[str]: ...

    def to_dict(self) -> dict[str, Any]: ...


def analysis_inputs(
    spreadsheet: Path | None,
    criteria_path: Path | None,
    sheet: str | None,
    output: Path | None,
    *,
    force: bool,
    extra: Mapping[str, Path] | None = None,
) -> tuple[pd.DataFrame, Criteria, dict[str, Path]]:
    """An analysis command's sheet and criteria, and its input files by role (``extra`` added), with ``-o``
    checked first: a format the command writes, not an input, not a file that exists without ``--force``."""
    from scorer.io.outputs import check_target

    check_suffix(output, ANALYSIS_OUTPUTS)
    df, criteria, data_path, crit_path = load_inputs(spreadsheet, criteria_path, sheet)
    inputs = {"spreadsheet": data_path, "criteria": crit_path, **(extra or {})}
    if output is not None:
        check_target(output, force=force, inputs=tuple(inputs.values()))
    return df, criteria, inputs


def fill_from_evidence(
    df: pd.DataFrame, criteria: Criteria, path: Path | None, inputs: dict[str, Path]
) -> tuple[pd.DataFrame, Any]:
    """The sheet with its blank government-interest cells filled from ``--evidence`` (typed values win), and the
    merge (None without a file); the file is added to ``inputs``. The one merge ``rank``, ``report`` and the
    analyses use (:func:`scorer.io.evidence_file.apply_evidence_file`)."""
    if path is None:
        return df, None
    from scorer.io.evidence_file import apply_evidence_file

    filled, merged = apply_evidence_file(df, criteria, path)
    inputs["evidence"] = path
    return filled, merged


def emit_analysis(
    analysis: Analysis,
    output: Path | None,
    fmt: str,
    *,
    title: str,
    sheets: Mapping[str, pd.DataFrame],
    text: Callable[[], list[str]],
    force: bool,
    inputs: dict[str, Path],
    extra_provenance: dict[str, str] | None = None,
) -> None:
    """Write ``-o`` (its first sheet as the CSV), then print JSON, the first sheet as CSV, or ``text()``."""
    import sys

    from scorer.io.outputs import to_json
    from scorer.io.tuning_results import write_tables

    if output is not None:
        write_tables(
            output,
            title=title,
            lines=analysis.lines(),
            sheets=sheets,
            data=analysis.to_dict(),
            force=force,
            inputs=inputs,
            argv=sys.argv[1:],
            extra_provenance=extra_provenance,
            kind=click.get_current_context().command.name or "",
        )
        note_written(f"Wrote {output}")
    if fmt == "json":
        click.echo(to_json(analysis.to_dict()), nl=False)
    elif fmt == "csv":
        echo_frame(next(iter(sheets.values())).reset_index(), "csv")
    else:
        for line in text():
            click.echo(line)


def is_quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get("scorer.quiet"))


def is_verbose() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get("scorer.verbose"))


def note(text: str) -> None:
    """A side remark on stderr, silenced by --quiet."""
    if not is_quiet():
        click.echo(text, err=True)


def note_written(text: str) -> None:
    """A "Wrote X" remark, printed only once the command's outputs are in place (never for a rolled-back file)."""
    from scorer.io.writer import when_written

    when_written(lambda: note(text))


def render_table(df: pd.DataFrame, *, digits: int = 3, max_width: int = 28) -> str:
    """A plain fixed-width text table (numbers right-aligned, booleans yes/no)."""
    from scorer.render.formatting import yes_no

    def fmt(v: Any) -> str:
        if isinstance(v, bool | np.bool_):
            return yes_no(v)
        if isinstance(v, float):
            return "" if pd.isna(v) else f"{v:.{digits}f}"
        text = printable(str(v))
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[fmt(v) for v in row] for row in df.itertuples(index=False)]
    headers = [printable(str(c)) for c in df.columns]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in df.columns]
    widths = [max([len(h), *(len(r[j]) for r in cells)]) for j, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def printable(text: str) -> str:
    """Text safe for a terminal: control characters (ESC, BEL, line breaks) shown as their visible symbols.

    A name holding an escape sequence would otherwise recolour or rewrite the user's terminal.

    >>> printable("Chad\\x1b[2J\\x07")
    'Chad␛[2J␇'
    """
    return _CONTROL.sub(lambda m: "\u2421" if m.group() == "\x7f" else chr(0x2400 + ord(m.group())), text)


def echo_frame(df: pd.DataFrame, fmt: str, *, digits: int = 3) -> None:
    """Print a frame as a table, CSV or JSON records."""
    from scorer.io.outputs import frame_to_csv

    if fmt == "csv":
        click.echo(frame_to_csv(df), nl=False)
    elif fmt == "json":
        records = json.loads(df.to_json(orient="records", double_precision=15))
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        click.echo(render_table(df, digits=digits))


def output_kind(path: Path) -> str:
    """The output format from the file extension: one of the registry's (:data:`scorer.io.outputs.OUTPUT_FORMATS`)."""
    from scorer.io.outputs import output_format

    return output_format(path).suffix
