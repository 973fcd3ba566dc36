"""The committee report: one library workflow, rendered as a self-contained HTML page, a workbook and Markdown.

* :mod:`~scorer.report.workflow`: :func:`make_report` runs every analysis once
  and returns a :class:`Report` (the CLI's ``report`` command is an adapter);
* :mod:`~scorer.report.analyses`: the analyses a report shows, each the one
  library function the commands call (sensitivity, stability, selection);
* :mod:`~scorer.report.wording`: the sentences, from numbers;
* :mod:`~scorer.report.page`, :mod:`~scorer.report.sections`,
  :mod:`~scorer.report.page_data` and ``templates/``: the HTML page, from Jinja2
  templates with autoescaping.
"""

from scorer.report.analyses import (
    RecommendedSet,
    Sensitivity,
    Stability,
    default_top_k,
    recommend,
    run_sensitivity,
    run_stability,
)
from scorer.report.page import PALETTE, build_report
from scorer.report.page_data import embed_json
from scorer.report.wording import (
    interval_cells,
    interval_decimals,
    interval_words,
    missing_words,
    rule_words,
    tier_words,
    value_change_words,
    weight_change_words,
    yaml_number,
)
from scorer.report.workflow import CriteriaSource, Report, extra_columns_for, make_report
from scorer.selection.config import ROBUST_DRAWS

__all__ = [
    "PALETTE",
    "ROBUST_DRAWS",
    "CriteriaSource",
    "RecommendedSet",
    "Report",
    "Sensitivity",
    "Stability",
    "build_report",
    "default_top_k",
    "embed_json",
    "extra_columns_for",
    "interval_cells",
    "interval_decimals",
    "interval_words",
    "make_report",
    "missing_words",
    "recommend",
    "rule_words",
    "run_sensitivity",
    "run_stability",
    "tier_words",
    "value_change_words",
    "weight_change_words",
    "yaml_number",
]
