"""Weights from people: elicitation methods, several stakeholders combined and compared.

One module per method family, each returning a :class:`WeightResult`:

- :mod:`~scorer.elicitation.ahp`: pairwise comparisons (Saaty's AHP), consistency, incomplete matrices;
- :mod:`~scorer.elicitation.direct`: swing weighting and direct points (SMART);
- :mod:`~scorer.elicitation.rank_order`: rank-order centroid, rank-sum and rank-reciprocal weights;
- :mod:`~scorer.elicitation.objective`: entropy, CRITIC and standard-deviation weights (describe the data);
- :mod:`~scorer.elicitation.group`: aggregation, per-stakeholder rankings, consensus, compromise;
- :mod:`~scorer.elicitation.hull`: sampling weights between the stakeholders' own;
- :mod:`~scorer.elicitation.workflow` and :mod:`~scorer.elicitation.committee`: the whole workflow.
"""

from scorer.elicitation.ahp import ahp_weights, build_matrix, consistency, group_ahp, llsm_weights
from scorer.elicitation.base import WeightResult
from scorer.elicitation.direct import points_weights, swing_weights
from scorer.elicitation.group import aggregate_weights, analyse_group, compromise_weights
from scorer.elicitation.hull import hull_acceptability, sample_hull_weights
from scorer.elicitation.objective import objective_weights
from scorer.elicitation.rank_order import rank_weights
from scorer.elicitation.workflow import Elicitation, Judgements, elicit

__all__ = [
    "Elicitation",
    "Judgements",
    "WeightResult",
    "aggregate_weights",
    "ahp_weights",
    "analyse_group",
    "build_matrix",
    "compromise_weights",
    "consistency",
    "elicit",
    "group_ahp",
    "hull_acceptability",
    "llsm_weights",
    "objective_weights",
    "points_weights",
    "rank_weights",
    "sample_hull_weights",
    "swing_weights",
]
