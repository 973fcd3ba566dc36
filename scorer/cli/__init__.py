"""The ``unct-scorer`` command line: a thin click layer over the library.

Each command parses options, calls the library, and prints or writes the
result. Errors are mapped to ``Error: ...`` lines and exit codes in one place,
:class:`ScorerGroup`: 0 success, 1 bad input (criteria, data, output), 2 usage.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Any

import click
from click.shell_completion import CompletionItem

from scorer import __version__

COMMANDS: dict[str, tuple[str, str]] = {
    "rank": ("scorer.cli.rank", "Rank the countries of SPREADSHEET (default: the bundled demo)."),
    "explain": (
        "scorer.cli.explain",
        "Explain COUNTRY's score (ISO3 code or name): value, source, normalised value, weight and contribution"
        " of every indicator.",
    ),
    "validate": ("scorer.cli.validate", "Check SPREADSHEET and the criteria file and list every problem."),
    "template": ("scorer.cli.template", "Write a data-entry workbook for the criteria file."),
    "init": ("scorer.cli.init", "Create a starter folder DIRECTORY (default: the current folder)."),
    "compare": ("scorer.cli.compare", "Compare two or more criteria PROFILES on the same spreadsheet."),
    "select": ("scorer.cli.select", "Choose which UNCTs to join: the highest total score within capacity."),
    "report": ("scorer.cli.report", "Write a report a committee can read: one self-contained HTML page."),
    "sensitivity": (
        "scorer.cli.sensitivity",
        "Which countries are in the top K under every plausible weighting, which only under some.",
    ),
    "stability": (
        "scorer.cli.stability",
        "What change of the weights or the data would alter the top K: exact, no sampling.",
    ),
    "sweep": (
        "scorer.cli.sweep",
        "Move CRITERION's weight from 0 to 1 (the others keep their proportions) and rank at each step.",
    ),
    "fit": (
        "scorer.cli.fit",
        "Fit the criterion weights to past decisions (which UNCTs were joined, or which came first).",
    ),
    "uncertainty": (
        "scorer.cli.uncertainty",
        "Which countries are in the top K whatever reasonable method is picked, and which choice drives the rest.",
    ),
    "evidence": (
        "scorer.cli.evidence",
        "Read the Cooperation Framework documents in FOLDER (PDF, DOCX, TXT) and suggest criterion 3.",
    ),
    "weights": (
        "scorer.cli.weights",
        "Criterion weights from stakeholders' JUDGEMENTS (a workbook from `template --judgements`, or a folder of"
        " them).",
    ),
}
"""Every command: the module holding its ``command`` and its one-line help.

Commands load on first use, so ``--help``, ``--version`` and shell completion
import click alone, not pandas. A test holds each line equal to the command's
own short help.
"""


_FROZEN = False


def load_command(name: str) -> click.Command:
    """The click command called ``name`` (imported on first use).

    >>> load_command("rank").name
    'rank'
    """
    # Loading a command imports pandas, pydantic and the library: hundreds of thousands of long-lived objects
    # that the cyclic collector would scan again and again, while they load and at every full collection of
    # the command's work, and never free. It pauses for the import, and the first load in a process moves
    # them out of its way for good (gc.freeze): `rank` on the demo takes about a third less CPU. Only the
    # first: a process that runs many commands (tests, a notebook) freezes what is alive once, not each time.
    global _FROZEN
    paused = gc.isenabled()
    gc.disable()
    try:
        command: click.Command = importlib.import_module(COMMANDS[name][0]).command
    finally:
        if paused:
            gc.enable()
    if not _FROZEN:
        gc.freeze()
        _FROZEN = True
    return command


def all_commands() -> dict[str, click.Command]:
    """Every command by name, imported (for documentation and tests; the CLI itself loads lazily)."""
    return {name: load_command(name) for name in sorted(COMMANDS)}


class ScorerGroup(click.Group):
    """A click group that loads its commands lazily and turns ScorerError into clean ``Error:`` lines."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        items = [CompletionItem(name, help=COMMANDS[name][1]) for name in self.list_commands(ctx)]
        matching = [item for item in items if item.value.startswith(incomplete)]
        return matching + click.Command.shell_complete(self, ctx, incomplete)

    def invoke(self, ctx: click.Context) -> Any:
        from scorer.errors import DataError, ScorerError  # here, not at the top: --help and --version need neither
        from scorer.io.limits import check_source_date_epoch
        from scorer.io.writer import output_transaction

        try:
            # before any command imports SciPy: an empty SOURCE_DATE_EPOCH is removed (f2py would crash on it)
            check_source_date_epoch()
            # a command's outputs appear together, or none does (a deliberate exit, ctx.exit(1), keeps them)
            with output_transaction(keep_on=(click.exceptions.Exit,)):
                done = super().invoke(ctx)
            from scorer.cli.common import announce_inputs

            announce_inputs()  # which project (or bundled files) the result used: the last line on stderr
            return done
        except ScorerError as exc:
            if ctx.meta.get("scorer.debug"):
                raise
            lines = exc.lines()
            if len(lines) > 1:
                click.echo(f"Error: {len(lines)} problems:", err=True)
                for line in lines:
                    click.echo(f"Error: {line}", err=True)
            else:
                click.echo(f"Error: {lines[0]}", err=True)
            hint = ctx.meta.get("scorer.validate_hint")
            if hint and isinstance(exc, DataError) and any(p.row is not None for p in exc.problems):
                click.echo(f"Error: run `{hint}` for the table of every problem and its fix", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:
            # the reader went away (e.g. `| head`): stop quietly, as Unix tools do
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # the last line of defence: no traceback for users
            if ctx.meta.get("scorer.debug"):
                raise
            click.echo(
                f"Error: internal error ({type(exc).__name__}: {exc}); rerun with --debug and report it",
                err=True,
            )
            ctx.exit(1)


@click.group(cls=ScorerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="unct-scorer")
@click.option("--debug", is_flag=True, help="Show Python tracebacks (for bug reports).")
@click.option("-q", "--quiet", is_flag=True, help="Print only results and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print extra detail (data-quality notes).")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool, verbose: bool) -> None:
    """Rank the UN Country Teams (UNCTs) to join, with criteria from a YAML file.

    Paragraph 11 of WIPO's paper on joining the UN Sustainable Development
    Group says WIPO must choose which UNCTs to join. This tool scores every
    country of a spreadsheet against a criteria file and explains each score.

    \b
    Example:
      unct-scorer rank                      # the bundled demo, default criteria
      unct-scorer rank my.xlsx -c criteria/default.yaml -o ranking.xlsx
      unct-scorer explain DZA
    """
    ctx.meta["scorer.debug"] = debug
    ctx.meta["scorer.quiet"] = quiet
    ctx.meta["scorer.verbose"] = verbose


def run() -> None:
    """Console-script entry point.

    The command owns this process, so it may tune the process's heap
    (:func:`scorer.solvers.heap.keep_freed_memory`: the exact stability
    intervals free and reallocate blocks of pair arrays) and its BLAS threads
    (:func:`one_blas_thread`); a library caller's process is left as it is.
    """
    from scorer.solvers.heap import keep_freed_memory

    one_blas_thread()
    keep_freed_memory()
    main(prog_name="unct-scorer")


def one_blas_thread() -> None:
    """Ask OpenBLAS for one thread, unless the user has chosen a number (issue 18).

    The commands' matrix products are thin (units x a few criteria): OpenBLAS's helper
    threads cost more CPU to start and to spin on than they save. On the demo `rank`
    took 455 ms of CPU with them and 343 ms without (`import pandas` alone: 348 ms);
    the sensitivity draws' products spend the same CPU in one thread. OpenBLAS reads
    the setting when NumPy loads, which no command has done yet here; set
    OPENBLAS_NUM_THREADS or OMP_NUM_THREADS to choose another number.
    """
    if "OPENBLAS_NUM_THREADS" not in os.environ and "OMP_NUM_THREADS" not in os.environ:
        os.environ["OPENBLAS_NUM_THREADS"] = "1"


if __name__ == "__main__":  # pragma: no cover
    run()
