"""Tuning the weights: kept importable as a thin re-export of :mod:`scorer.analyses`.

New code should import from :mod:`scorer.analyses` (one module per analysis).
"""

from __future__ import annotations

from scorer.analyses import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    FitReport,
    SensitivityReport,
    StabilityReport,
    check_top_k,
    data_sampler,
    default_top_k,
    describe_constraints,
    find_criterion,
    fit,
    frame_records,
    indicator_uncertainty,
    interval_words,
    sensitivity,
    stability,
    sweep,
    weight_constraints,
)
from scorer.analyses.common import weighted_sum_inputs as _weighted_sum_inputs  # noqa: F401  (older imports)

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
    "weight_constraints",
]
