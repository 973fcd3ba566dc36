"""The options every command shares, declared once: click decorators and the values they keep in the context.

Only click is imported here (and the analyses' defaults when a command module loads), so that reading a
command's options costs nothing; loading, checking and printing are in :mod:`scorer.cli.common`.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


# Input and output paths are checked by the readers and the writer, which refuse a folder, a FIFO, a device or
# an unreadable file with a located error and exit code 1 (a bad file), not click's usage error (exit code 2).
INPUT_PATH = click.Path(path_type=Path, readable=False)
OUTPUT_PATH = click.Path(path_type=Path, readable=False)


def _store(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A callback keeping an option's value in the root context for :func:`reading_options`."""

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


EVIDENCE_HELP = (
    "Fill blank government-interest cells with the levels suggested by `unct-scorer evidence` (.csv/.json/.xlsx); "
    "values typed in the sheet win."
)


def evidence_option(help: str = EVIDENCE_HELP) -> Callable[[F], F]:
    """--evidence FILE (the ``evidence_path`` parameter): one declaration for every command that merges an evidence
    file into the sheet (``rank``, ``report``, the analyses), all by :func:`scorer.cli.common.fill_from_evidence`."""
    return click.option("--evidence", "evidence_path", type=INPUT_PATH, metavar="FILE", default=None, help=help)


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
