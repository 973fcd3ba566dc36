"""The command that reproduces a command's outputs, rendered from its parsed inputs.

Every artefact records it (the ``command`` of its provenance, the report's
"Same result on the command line"), so it is rendered in one place, from what
click parsed rather than from ``sys.argv``: every input option is kept (also
those a command keeps in the context, such as ``--group-by``, ``--sheet`` or
``--capacity``), each value is shell-quoted with :func:`shlex.quote`, and the
options come in the command's own order, so that running the recorded command
records the same command again, byte for byte.

Left out are the options that change no written byte (``--force``,
``--format``) and the root options (``--quiet``, ``--verbose``, ``--debug``).
The seed and the number of draws are written even when left at their
defaults, so the command says which were used.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

if TYPE_CHECKING:
    from scorer.report.commands import ReportCommands

PROGRAM = "unct-scorer"
SILENT = frozenset({"force", "fmt", "help"})
"""Parameters that change nothing written: never recorded."""
ALWAYS = frozenset({"seed", "draws", "selection_draws"})
"""Parameters recorded even at their defaults (they say how a sampled number was drawn)."""
READING = ("spreadsheet", "criteria_path", "sheet", "id_column", "header_row", "decimal_comma", "year", "year_column")
"""The parameters that say which rows are scored: what a ``rank`` equivalent must repeat (with ``group_by``)."""


def _word(value: Any) -> str:
    """One value as the command line spells it (floats as their shortest round-trip text).

    >>> from pathlib import Path
    >>> _word(Path("my data.xlsx")), _word(0.1), _word(3), _word("a=b")
    ('my data.xlsx', '0.1', '3', 'a=b')
    """
    if isinstance(value, float):
        return repr(value)
    return str(value)


def render_option(param: click.Parameter, value: Any) -> list[str]:
    """The words that give ``param`` the parsed ``value`` (none when the value is empty).

    >>> opt = click.Option(["--decimal-comma/--decimal-point"], default=None)
    >>> render_option(opt, False), render_option(opt, None)
    (['--decimal-point'], [])
    >>> render_option(click.Option(["-w", "--weight", "weights"], multiple=True), ("a=1", "b=2"))
    ['-w', 'a=1', '-w', 'b=2']
    """
    if value is None or value == () or value == []:
        return []
    if isinstance(param, click.Argument):
        values = value if isinstance(value, tuple | list) else (value,)
        return [_word(v) for v in values]
    assert isinstance(param, click.Option)
    if param.is_flag:
        if param.secondary_opts:
            return [param.opts[0] if value else param.secondary_opts[0]]
        return [param.opts[0]] if value else []
    values = value if param.multiple else (value,)
    words: list[str] = []
    for v in values:
        words += [param.opts[0], _word(v)]
    return words


def render_command(words: Iterable[str]) -> str:
    """Words joined as one shell line, each quoted only where the shell needs it.

    >>> render_command(["unct-scorer", "rank", "my data.xlsx", "-c", "it's.yaml"])
    'unct-scorer rank \\'my data.xlsx\\' -c \\'it\\'"\\'"\\'s.yaml\\''
    """
    return " ".join(shlex.quote(w) for w in words)


def parsed_values(ctx: click.Context) -> dict[str, Any]:
    """Every parameter's parsed value, those a command keeps in the root context included."""
    meta = ctx.find_root().meta
    values: dict[str, Any] = {}
    for param in ctx.command.params:
        name = param.name or ""
        if name in ctx.params:
            values[name] = ctx.params[name]
        else:
            for key in (f"scorer.{name}", f"scorer.selection.{name}"):
                if key in meta:
                    values[name] = meta[key]
                    break
    return values


def _given(ctx: click.Context, name: str) -> bool:
    source = ctx.get_parameter_source(name)
    return source is not None and source is not ParameterSource.DEFAULT


def command_words(ctx: click.Context, *, command: str | None = None, only: Iterable[str] | None = None) -> list[str]:
    """The words of the reproducing command: program, command name, arguments, then options in the command's order.

    ``command`` replaces the command's name and ``only`` keeps only the named
    parameters (the report's ``rank`` equivalent keeps the reading options).
    """
    keep = set(only) if only is not None else None
    values = parsed_values(ctx)
    params = [p for p in ctx.command.params if p.name and p.name not in SILENT]
    if keep is not None:
        params = [p for p in params if p.name in keep]
    recorded = [p for p in params if p.name in ALWAYS or _given(ctx, p.name or "")]
    words = [PROGRAM, command or ctx.info_name or ctx.command.name or ""]
    for param in recorded:
        if isinstance(param, click.Argument):
            words += render_option(param, values.get(param.name or ""))
    for param in recorded:
        if not isinstance(param, click.Argument):
            words += render_option(param, values.get(param.name or ""))
    return words


def reproduce_command(ctx: click.Context | None = None) -> str | None:
    """The command line that rewrites the current command's outputs; None outside a command.

    >>> from scorer.cli import load_command, main
    >>> root = click.Context(main, info_name="unct-scorer")
    >>> args = ["my data.xlsx", "--sheet", "2", "--force", "-o", "r.csv"]
    >>> reproduce_command(load_command("rank").make_context("rank", args, parent=root))
    "unct-scorer rank 'my data.xlsx' --sheet 2 -o r.csv"
    """
    ctx = ctx if ctx is not None else click.get_current_context(silent=True)
    if ctx is None or ctx.parent is None:
        return None
    return render_command(command_words(ctx))


SELECTION = ("capacity", "budget", "cost_column", "default_cost", "min_per", "max_per", "include", "exclude")
"""The selection options (:func:`scorer.cli.select.selection_options`), as ``select`` repeats them."""


def report_commands(ctx: click.Context | None = None) -> ReportCommands:
    """The words every command a report prints repeats, from what click parsed for the current command.

    >>> from scorer.cli import load_command, main
    >>> root = click.Context(main, info_name="unct-scorer")
    >>> args = ["d.xlsx", "--group-by", "office", "--decimal-comma", "-w", "a=1", "--capacity", "5", "-o", "r.md"]
    >>> c = report_commands(load_command("report").make_context("report", args, parent=root))
    >>> c.inputs, c.weights, c.selection
    (('d.xlsx', '--decimal-comma', '--group-by', 'office'), ('-w', 'a=1'), ('--capacity', '5'))
    """
    from scorer.report.commands import ReportCommands

    ctx = ctx if ctx is not None else click.get_current_context(silent=True)
    if ctx is None or ctx.parent is None:
        return ReportCommands()

    def words(only: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(command_words(ctx, only=only)[2:])

    return ReportCommands(
        inputs=words((*READING, "group_by", "evidence_path")), weights=words(("weights",)), selection=words(SELECTION)
    )
