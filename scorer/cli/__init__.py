"""The ``unct-scorer`` command line: a thin click layer over the library.

Each command parses options, calls the library, and prints or writes the
result. Errors are mapped to ``Error: ...`` lines and exit codes in one place,
:class:`ScorerGroup`: 0 success, 1 bad input (criteria, data, output), 2 usage.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from scorer import __version__
from scorer.errors import DataError, ScorerError


class ScorerGroup(click.Group):
    """A click group that turns ScorerError into clean ``Error:`` lines."""

    def invoke(self, ctx: click.Context) -> Any:
        from scorer.io.writer import output_transaction

        try:
            # a command's outputs appear together, or none does (a deliberate exit, ctx.exit(1), keeps them)
            with output_transaction(keep_on=(click.exceptions.Exit,)):
                return super().invoke(ctx)
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


def _register() -> None:
    from scorer.cli import (
        compare,
        evidence,
        explain,
        fit,
        init,
        rank,
        report,
        select,
        sensitivity,
        stability,
        sweep,
        template,
        uncertainty,
        validate,
        weights,
    )

    for module in (rank, explain, validate, template, init, compare, select, report):
        main.add_command(module.command)
    for module in (sensitivity, stability, sweep, fit, uncertainty):
        main.add_command(module.command)
    main.add_command(evidence.command)
    main.add_command(weights.command)


_register()


def run() -> None:
    """Console-script entry point."""
    main(prog_name="unct-scorer")


if __name__ == "__main__":  # pragma: no cover
    run()
