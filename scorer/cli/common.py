"""Options, loading and printing shared by the commands."""

from __future__ import annotations

import inspect
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click
import numpy as np
import pandas as pd

from scorer.errors import ConfigError, Problem
from scorer.io.criteria_file import load_criteria
from scorer.io.spreadsheet import read_countries
from scorer.model.criteria import Criteria

F = TypeVar("F", bound=Callable[..., Any])

# Input and output paths are checked by the readers and the writer, which refuse a folder, a FIFO, a device or
# an unreadable file with a located error and exit code 1 (a bad file), not click's usage error (exit code 2).
INPUT_PATH = click.Path(path_type=Path, readable=False)
OUTPUT_PATH = click.Path(path_type=Path, readable=False)


def _store(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A callback keeping an option's value in the root context for :func:`load_inputs`."""

    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        ctx.find_root().meta[f"scorer.{name}"] = value
        return value

    return callback


def criteria_option(
    help: str = "Criteria YAML file (default: the bundled criteria/default.yaml).",
) -> Callable[[F], F]:
    """-c/--criteria FILE (the ``criteria_path`` parameter): one declaration for every command that reads one."""
    return click.option("-c", "--criteria", "criteria_path", type=INPUT_PATH, metavar="FILE", default=None, help=help)


def input_options(func: F) -> F:
    """SPREADSHEET argument, -c/--criteria, and the options of :func:`sheet_options`."""
    func = sheet_options(func)
    func = criteria_option(
        "Criteria YAML file (default: the project's, named in unct-scorer.toml here or above; else the bundled "
        "criteria/default.yaml)."
    )(func)
    return click.argument("spreadsheet", type=INPUT_PATH, required=False)(func)


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


def sheet_options(func: F) -> F:
    """--sheet, and how to read the sheet.

    ``--id-column``, ``--header-row``, ``--decimal-comma/--decimal-point``,
    ``--year``, ``--year-column`` and ``--group-by`` are kept in the context
    (not passed to the command) and applied by :func:`read_sheet`, so every
    command taking a spreadsheet has them.
    """
    func = click.option(
        "--group-by",
        metavar="COLUMN",
        default=None,
        expose_value=False,
        callback=_store("group_by"),
        help="Rank shared offices instead of countries: countries with the same COLUMN value (e.g. workspace_id) "
        "are combined by the criteria's grouping rule (default: mean).",
    )(func)
    func = click.option(
        "--decimal-comma/--decimal-point",
        "decimal_comma",
        default=None,
        expose_value=False,
        callback=_store("decimal_comma"),
        help="Read 0,75 as 0.75 (--decimal-comma) or 1,234 as 1234 (--decimal-point). Default: as the file writes.",
    )(func)
    func = click.option(
        "--year",
        type=int,
        default=None,
        expose_value=False,
        callback=_store("year"),
        help="Panel sheets (several rows per country): use this year (default: each indicator's latest value).",
    )(func)
    func = click.option(
        "--year-column",
        default=None,
        expose_value=False,
        callback=_store("year_column"),
        help="Column holding the year in a panel sheet (default: one named year, année, año, ...).",
    )(func)
    func = click.option(
        "--header-row",
        type=click.IntRange(min=1),
        default=None,
        expose_value=False,
        callback=_store("header_row"),
        help="Row holding the column names (default: the first row naming the id column, below any title rows).",
    )(func)
    func = click.option(
        "--id-column",
        default=None,
        expose_value=False,
        callback=_store("id_column"),
        help="Column naming the countries (default: the criteria's id_column, else the column of country names).",
    )(func)
    return click.option("--sheet", default=None, help="XLSX sheet, by name or 1-based number (default: the first).")(
        func
    )


def reading_options() -> dict[str, Any]:
    """The --id-column, --header-row and --decimal-comma values of the current command."""
    ctx = click.get_current_context(silent=True)
    meta = ctx.find_root().meta if ctx else {}
    names = ("id_column", "header_row", "decimal_comma", "year", "year_column", "group_by")
    return {name: meta.get(f"scorer.{name}") for name in names}


class FiniteFloatRange(click.FloatRange):
    """A click FloatRange that also refuses NaN and infinity (``nan`` passes every comparison).

    >>> FiniteFloatRange(min=0).convert("nan", None, None)
    Traceback (most recent call last):
    ...
    click.exceptions.BadParameter: 'nan' should be a finite number.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if isinstance(number, float) and not math.isfinite(number):
            self.fail(f"{value!r} should be a finite number.", param, ctx)
        return number


def weights_option(func: F) -> F:
    """-w CRITERION=WEIGHT, repeatable."""
    return click.option(
        "-w",
        "--weight",
        "weights",
        multiple=True,
        metavar="CRITERION=WEIGHT",
        help="Override a criterion weight; repeat for several. Weights are relative: all are rescaled to shares "
        "that sum to 1, and the shares used are printed (engagement 0.2 -> share 0.17).",
    )(func)


def output_options(
    what: str = "Write the full result", *, help: str | None = None, required: bool = False
) -> Callable[[F], F]:
    """-o/--output FILE (format by extension) and --force, as every writing command has them.

    ``help`` replaces the option's whole help, for a command that writes other formats; ``required`` for a
    command whose only output is that file.
    """

    def decorate(func: F) -> F:
        func = click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")(func)
        # click (8.3 on) counts an explicit default=None as a value: a required option is given none
        given: dict[str, Any] = {"required": True} if required else {"default": None}
        return click.option(
            "-o",
            "--output",
            type=OUTPUT_PATH,
            metavar="FILE",
            help=help or f"{what}; format by extension: .csv .xlsx .json .md",
            **given,
        )(func)

    return decorate


def top_option(help: str) -> Callable[[F], F]:
    """--top K (optional; commands default it from the first tier)."""
    return click.option("--top", "top_k", type=click.IntRange(min=1), default=None, help=help)


def seed_option(help: str = "Random seed: the same seed gives the same numbers, byte for byte.") -> Callable[[F], F]:
    """--seed S, defaulting to the one seed every analysis shares (the paper's date, 20210816)."""
    from scorer.analyses.common import DEFAULT_SEED

    return click.option("--seed", type=click.IntRange(min=0), default=DEFAULT_SEED, show_default=True, help=help)


def draws_option(help: str) -> Callable[[F], F]:
    """--draws N: weight vectors for the sensitivity analysis (the one default, :data:`scorer.tuning.DEFAULT_DRAWS`)."""
    from scorer.tuning import DEFAULT_DRAWS

    return click.option(
        "--draws",
        type=click.IntRange(min=1, max=10_000_000),
        default=DEFAULT_DRAWS,
        show_default=True,
        help=help,
    )


def no_data_uncertainty_option(help: str) -> Callable[[F], F]:
    """--no-data-uncertainty: vary the weights only, not the indicators' declared data errors."""
    return click.option("--no-data-uncertainty", is_flag=True, help=help)


def stakeholder_options(help: str, *, method_help: str) -> Callable[[F], F]:
    """--stakeholders FILE|FOLDER (a judgement workbook, as ``weights`` reads it) and --judgement-method."""

    def decorate(func: F) -> F:
        func = click.option(
            "--judgement-method",
            type=click.Choice(["ahp", "swing", "points", "rank"]),
            default="ahp",
            show_default=True,
            help=method_help,
        )(func)
        return click.option("--stakeholders", "stakeholders_path", type=INPUT_PATH, default=None, help=help)(func)

    return decorate


def method_uncertainty_options(condition: str = "") -> Callable[[F], F]:
    """--samples N and --bootstrap B of the method-uncertainty analysis, with its defaults.

    ``condition`` starts each help text, for a command where they apply only with another option
    (``report``: ``"With --uncertainty: "``).
    """
    from scorer.uncertainty.analysis import DEFAULT_SAMPLES
    from scorer.uncertainty.sobol import DEFAULT_BOOTSTRAP

    def text(body: str) -> str:
        return f"{condition}{body}" if condition else body[0].upper() + body[1:]

    def decorate(func: F) -> F:
        func = click.option(
            "--bootstrap",
            type=click.IntRange(min=0, max=10_000),
            default=DEFAULT_BOOTSTRAP,
            show_default=True,
            help=text("bootstrap replicates for the 95% intervals of the Sobol' indices (0: none)."),
        )(func)
        return click.option(
            "--samples",
            type=click.IntRange(min=2, max=1_000_000),
            default=DEFAULT_SAMPLES,
            show_default=True,
            help=text("base samples N; the analysis runs the model N x (uncertain inputs + 2) times."),
        )(func)

    return decorate


def format_option(func: F) -> F:
    """--format table|csv|json."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default="table",
        show_default=True,
        help="How to print results on the terminal.",
    )(func)


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


def with_example(help: str, text: str) -> str:
    """A command's help with an Example block after it (the lines of ``text``, indented, kept as they are).

    >>> with_example("Rank.", "unct-scorer rank").splitlines()[-2:]
    ['Example:', '  unct-scorer rank']
    """
    lines = "\n".join("  " + line for line in text.strip().splitlines())
    return inspect.cleandoc(help) + "\n\n\b\nExample:\n" + lines


def example(text: str) -> Callable[[F], F]:
    """Append an Example block to a command's help (every command has one; see :func:`with_example`)."""

    def decorate(func: F) -> F:
        func.__doc__ = with_example(func.__doc__ or "", text)
        return func

    return decorate
