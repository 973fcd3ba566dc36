"""The command lines a report prints, each complete: the report's own inputs, then what the analysis repeats.

A report says which command gives each of its numbers: ``rank`` for the
ranking (the page appends the live ``-w`` options), ``sensitivity``,
``uncertainty`` and ``select --robust`` for its analyses. Each is rendered
here from one :class:`ReportCommands`, which the CLI builds from what click
parsed for ``report`` (:func:`scorer.cli.reproduce.report_commands`): the
spreadsheet, ``-c``, the reading options (``--sheet``, ``--header-row``,
``--id-column``, ``--year``, ``--year-column``, ``--decimal-comma``,
``--group-by``) and ``--evidence``; the ``-w`` weights; the selection
options. The analysis's own settings (seed, draws or samples, K) are read
from its result object, so the line says what was computed.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scorer.model.criteria import Criteria
    from scorer.report.analyses import Sensitivity
    from scorer.uncertainty.analysis import UncertaintyResult

PROGRAM = "unct-scorer"


@dataclass(frozen=True)
class ReportCommands:
    """The words a report's commands share: ``inputs`` (the spreadsheet, ``-c``, reading options, ``--evidence``),
    ``weights`` (the ``-w`` options) and ``selection`` (the selection options), each as the command line spells them.

    Empty (a report made in Python): the commands name no file, so they rank the bundled demo.

    >>> c = ReportCommands(inputs=("my data.xlsx", "--group-by", "office"), weights=("-w", "engagement=2"))
    >>> c.rank_prefix()
    "unct-scorer rank 'my data.xlsx' --group-by office"
    >>> c.line("stability", "--top", "10")
    "unct-scorer stability 'my data.xlsx' --group-by office -w engagement=2 --top 10"
    """

    inputs: tuple[str, ...] = ()
    weights: tuple[str, ...] = ()
    selection: tuple[str, ...] = ()

    def line(self, command: str, *options: str, selection: bool = False) -> str:
        """``unct-scorer COMMAND`` with the inputs, the weights (and the selection options), then ``options``."""
        words = [PROGRAM, command, *self.inputs, *self.weights, *(self.selection if selection else ()), *options]
        return " ".join(shlex.quote(w) for w in words)

    def rank_prefix(self) -> str:
        """``unct-scorer rank`` with the inputs only: the page appends the weights it shows (``-w``)."""
        return " ".join(shlex.quote(w) for w in (PROGRAM, "rank", *self.inputs))

    def uncertainty(self, result: UncertaintyResult) -> str:
        """The ``uncertainty`` command that prints the same numbers as ``result``."""
        settings = ("--samples", result.samples, "--seed", result.seed, "--top", result.top_k)
        return self.line("uncertainty", *map(str, (*settings, "--bootstrap", result.bootstrap)))

    def sensitivity(self, result: Sensitivity, criteria: Criteria) -> str:
        """The ``sensitivity`` command that prints the same numbers as ``result``: with ``--no-data-uncertainty``
        when ``criteria`` declares data errors that ``result`` did not vary."""
        from scorer.analyses import indicator_uncertainty

        words = [str(w) for w in ("--draws", result.draws, "--seed", result.seed, "--top", result.top_k)]
        fixed = not result.uncertainty and bool(indicator_uncertainty(criteria))
        return self.line("sensitivity", *words, *(("--no-data-uncertainty",) if fixed else ()))

    def robust_selection(self, *, draws: int, seed: int) -> str:
        """The ``select --robust`` command that gives the same set and the same shares."""
        return self.line("select", "--robust", "--draws", str(draws), "--seed", str(seed), selection=True)
