"""The ``uncertainty:`` section of a criteria file: which modelling choices may vary, and how.

A committee challenges a ranking on every modelling choice, not only the
weights. This section lists the alternatives that are equally defensible:

.. code-block:: yaml

    uncertainty:
      weights: true            # criterion weights vary within each range and the weight_order
      data_error: true         # each indicator's `uncertainty` perturbs its normalised values
      group_column: region     # group_mean imputation for indicators that name no missing_group
      alternatives:
        normalisation: [declared, minmax, percentile]   # one choice for every indicator
        missing:                                        # or one choice per indicator
          ip_activity: [group_mean, worst, reweight]
        aggregation: [arithmetic, geometric]

``declared`` stands for what the indicator itself says. A list is one
uncertain choice applied to every indicator; a mapping makes one choice per
indicator it names. ``rank`` is accepted for ``percentile`` (the percentile
rank). ``raw`` (the values as they are, e.g. under TOPSIS, which scales each
column itself) and ``zscore`` are unbounded, so a geometric mean may not meet
them; ``topsis`` is an aggregation alternative like the two means. The
section is checked whenever the criteria file loads (``validate``, ``rank``,
``report``, ``uncertainty``), every problem located at its line. The model is plain pydantic and imports nothing from
:mod:`scorer.model.criteria` (which holds it); the checks against the criteria live
in :mod:`scorer.uncertainty.factors`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

NormalisationChoice = Literal["declared", "minmax", "zscore", "percentile", "log_minmax", "raw"]
MissingChoice = Literal["declared", "zero", "worst", "mean", "median", "group_mean", "reweight"]
AggregationChoice = Literal["arithmetic", "geometric", "topsis"]

_ALIASES = {"rank": "percentile", "min-max": "minmax", "min_max": "minmax", "z-score": "zscore"}

NormalisationList = Annotated[list[NormalisationChoice], Field(min_length=1)]
MissingList = Annotated[list[MissingChoice], Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _alias(value: Any) -> Any:
    """Map the accepted aliases (``rank`` -> ``percentile``) in a list or a mapping of lists."""
    if isinstance(value, list):
        return [_ALIASES.get(v.strip().lower(), v) if isinstance(v, str) else v for v in value]
    if isinstance(value, dict):
        return {k: _alias(v) for k, v in value.items()}
    return value


class Alternatives(_Model):
    """The equally defensible alternatives of each modelling choice."""

    normalisation: NormalisationList | dict[str, NormalisationList] | None = Field(
        default=None,
        description="Normalisation methods to try: a list (one choice for every indicator) or "
        "indicator id -> list (one choice per indicator). 'declared' is the indicator's own method.",
    )
    missing: MissingList | dict[str, MissingList] | None = Field(
        default=None,
        description="Missing-data policies to try: a list (one choice for every indicator) or "
        "indicator id -> list (one choice per indicator). 'declared' is the indicator's own policy.",
    )
    aggregation: Annotated[list[AggregationChoice], Field(min_length=1)] | None = Field(
        default=None,
        description="Aggregation methods to try, each as the file's aggregation (criteria that name their own "
        "keep it).",
    )

    @field_validator("normalisation", mode="before")
    @classmethod
    def _normalisation_alias(cls, value: Any) -> Any:
        return _alias(value)


class UncertaintySpec(_Model):
    """What ``unct-scorer uncertainty`` varies, jointly, in each sample."""

    weights: bool = Field(
        default=True, description="Vary the criterion weights within each criterion's range and the weight_order."
    )
    data_error: bool = Field(
        default=True, description="Perturb each indicator's normalised values by its declared uncertainty."
    )
    group_column: str | None = Field(
        default=None,
        description="Column giving the groups for a group_mean alternative where an indicator names no missing_group.",
    )
    alternatives: Alternatives = Field(
        default_factory=Alternatives,
        description="Equally defensible modelling choices to sample: normalisation, missing, aggregation.",
    )
