"""The analyses of a ranking, each one function returning a result object the outputs render.

Where things live (add a new analysis as a module here, with a function
taking a :class:`~scorer.core.result.ScoreResult` and returning a frozen report
with ``lines()`` and ``to_dict()``; the CLI command and the report call it):

- :mod:`~scorer.analyses.common`: defaults shared by every command and the
  report (one seed, one number of draws, K), the allowed weights, the
  checked inputs of a weighted sum.
- :mod:`~scorer.analyses.wording`: the stability sentences, one function per
  kind (interval, weight change, score change); the CLI and the report show them.
- :mod:`~scorer.analyses.sensitivity`: SMAA-2 over every plausible weighting.
- :mod:`~scorer.analyses.stability`: exact one-weight intervals and "what would it take"
  (with :mod:`~scorer.analyses.readback` for the spreadsheet value needed).
- :mod:`~scorer.analyses.sweep`: ranks as one weight goes from 0 to 1.
- :mod:`~scorer.analyses.fit`: the weights that reproduce the most past decisions
  (with :mod:`~scorer.analyses.decisions` to read them).

The array-level solvers they call sit beside them in :mod:`scorer`:
:mod:`~scorer.solvers.sampling` (uniform weights), :mod:`~scorer.solvers.smaa` (SMAA
counts), :mod:`~scorer.solvers.intervals` (crossings), :mod:`~scorer.solvers.fitting` and
:mod:`~scorer.selection` (HiGHS programmes, via :mod:`~scorer.solvers.highs`), all on the one
weighted-sum kernel :func:`scorer.core.aggregation.weighted_sum` and the one rank and
tier rule in :mod:`scorer.core.ranking`.
"""

from __future__ import annotations

from scorer.analyses.common import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    check_top_k,
    default_top_k,
    describe_constraints,
    find_criterion,
    frame_records,
    weight_constraints,
)
from scorer.analyses.fit import FitReport, fit
from scorer.analyses.sensitivity import SensitivityReport, data_sampler, indicator_uncertainty, sensitivity
from scorer.analyses.stability import StabilityReport, stability
from scorer.analyses.sweep import sweep
from scorer.analyses.wording import interval_words, value_change_words, weight_change_words

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "FitReport",
    "SensitivityReport",
    "StabilityReport",
    "check_top_k",
    "data_sampler",
    "default_top_k",
    "describe_constraints",
    "find_criterion",
    "fit",
    "frame_records",
    "indicator_uncertainty",
    "interval_words",
    "sensitivity",
    "stability",
    "sweep",
    "value_change_words",
    "weight_change_words",
    "weight_constraints",
]
