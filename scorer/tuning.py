"""Tuning the weights: kept importable as a thin re-export of :mod:`scorer.analyses`.

New code should import from :mod:`scorer.analyses` (one module per analysis).
"""

from __future__ import annotations

from scorer import analyses as _analyses
from scorer.analyses import *  # noqa: F403  (the same names, for older imports)
from scorer.analyses.common import weighted_sum_inputs as _weighted_sum_inputs  # noqa: F401  (older imports)

__all__ = list(_analyses.__all__)
