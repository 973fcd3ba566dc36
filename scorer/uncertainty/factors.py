"""The uncertain inputs a criteria file declares, checked against its criteria.

Each input is one *factor* of the variance decomposition:

- ``weights``: the criterion weights, drawn jointly (one group) uniformly from
  the allowed region (each ``range`` and the ``weight_order``, see :mod:`scorer.solvers.sampling`);
- one factor per discrete choice of ``uncertainty.alternatives`` (a list gives one
  choice for every indicator, a mapping one choice per named indicator), each
  sampled as U(0, 1) mapped to an equally likely alternative;
- ``data error``: every indicator's declared ``uncertainty`` (one group).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scorer.core.aggregation import AGGREGATIONS
from scorer.core.normalisation import NORMALISATIONS
from scorer.errors import ConfigError, Problem
from scorer.model.criteria import Criteria, Indicator, MissingPolicy, Normalisation, did_you_mean
from scorer.uncertainty.config import UncertaintySpec

ChoiceKind = Literal["normalisation", "missing", "aggregation"]
DECLARED = "declared"


@dataclass(frozen=True)
class Choice:
    """One discrete uncertain choice: its name, its alternatives and the indicators it sets.

    ``options`` keep ``declared`` as written; :meth:`resolve` turns an option
    into the method for one indicator.
    """

    name: str
    kind: ChoiceKind
    key: str
    options: tuple[str, ...]
    indicators: tuple[str, ...]

    def resolve(self, option: str, indicator: Indicator) -> str:
        """The method ``option`` means for ``indicator`` (``declared`` is the indicator's own)."""
        if option != DECLARED:
            return option
        return indicator.normalisation.value if self.kind == "normalisation" else indicator.missing.value


@dataclass(frozen=True)
class Factors:
    """Every uncertain input of an analysis, in the order of the decomposition."""

    weights: bool
    choices: tuple[Choice, ...]
    data_error: dict[str, float]
    group_column: str | None

    @property
    def names(self) -> list[str]:
        """Factor names in order: ``weights``, the choices, ``data error``.

        >>> Factors(True, (), {"x": 0.1}, None).names
        ['weights', 'data error']
        """
        out = ["weights"] if self.weights else []
        out += [c.name for c in self.choices]
        return out + (["data error"] if self.data_error else [])

    def aggregations(self, criteria: Criteria) -> tuple[str, ...]:
        """The aggregation methods the samples may use (the declared one if none vary)."""
        for c in self.choices:
            if c.kind == "aggregation":
                return c.options
        return (criteria.aggregation.value,)


def build_factors(
    criteria: Criteria,
    *,
    spec: UncertaintySpec | None = None,
    weights: bool | None = None,
    data_error: bool | None = None,
) -> Factors:
    """The factors of ``criteria``'s ``uncertainty:`` section (or ``spec``), every problem located.

    Without a section the weights and the data error vary (as ``sensitivity``
    does); ``weights`` and ``data_error`` override the section's switches.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> build_factors(load_criteria(default_criteria_path())).names
    ['weights']
    """
    spec = spec or criteria.uncertainty or UncertaintySpec()
    problems: list[Problem] = []
    by_id = {iid: ind for _c, iid, ind in criteria.indicator_items()}
    choices: list[Choice] = []
    alt = spec.alternatives
    for kind in ("normalisation", "missing"):
        declared = getattr(alt, kind)
        key = f"uncertainty.alternatives.{kind}"
        if declared is None:
            continue
        if isinstance(declared, list):
            choices.append(Choice(kind, kind, key, tuple(declared), tuple(by_id)))  # type: ignore[arg-type]
            continue
        for iid, options in declared.items():
            if iid not in by_id:
                problems.append(
                    Problem(
                        "config.uncertainty",
                        f"should name an indicator ({', '.join(by_id)}), but it is {iid!r}"
                        + did_you_mean(iid, list(by_id)),
                        key=f"{key}.{iid}",
                    )
                )
                continue
            choices.append(Choice(f"{kind}: {iid}", kind, f"{key}.{iid}", tuple(options), (iid,)))  # type: ignore[arg-type]
    if alt.aggregation is not None:
        key = "uncertainty.alternatives.aggregation"
        choices.append(Choice("aggregation", "aggregation", key, tuple(alt.aggregation), ()))
    for choice in choices:
        repeated = sorted({o for o in choice.options if choice.options.count(o) > 1})
        if repeated:
            problems.append(
                Problem(
                    "config.uncertainty", f"should list each alternative once, but repeats {repeated}", key=choice.key
                )
            )
        problems += _check_choice(choice, by_id, spec.group_column)
    problems += _check_geometric(criteria, choices, by_id)
    if problems:
        raise ConfigError(problems)
    use_data = spec.data_error if data_error is None else data_error
    errors = {iid: float(ind.uncertainty) for iid, ind in by_id.items() if ind.uncertainty} if use_data else {}
    return Factors(spec.weights if weights is None else weights, tuple(choices), errors, spec.group_column)


def uncertainty_problems(criteria: Criteria) -> list[Problem]:
    """The ``uncertainty:`` section's cross-checks against the criteria, as problems (none without a section).

    :func:`scorer.model.checks.check_criteria` calls this, so every command that loads the file
    (``validate`` and ``rank`` included) reports them, located at their line.

    >>> from scorer.resources import default_criteria_path
    >>> from scorer.io.criteria_file import load_criteria
    >>> uncertainty_problems(load_criteria(default_criteria_path()))
    []
    """
    if criteria.uncertainty is None:
        return []
    try:
        build_factors(criteria)
    except ConfigError as exc:
        return list(exc.problems)
    return []


def _check_choice(choice: Choice, by_id: dict[str, Indicator], group_column: str | None) -> list[Problem]:
    if choice.kind != "missing" or "group_mean" not in choice.options:
        return []
    lacking = [iid for iid in choice.indicators if not by_id[iid].missing_group]
    if group_column is not None or not lacking:
        return []
    return [
        Problem(
            "config.uncertainty",
            f"group_mean needs a group column, but indicator {lacking[0]!r} names no missing_group",
            key=choice.key,
            fix="add uncertainty.group_column (e.g. region) or a missing_group to the indicator",
        )
    ]


def _check_geometric(criteria: Criteria, choices: list[Choice], by_id: dict[str, Indicator]) -> list[Problem]:
    """A geometric mean needs values >= 0: no unbounded normalisation (z-scores) may meet it in any sample."""
    aggregations = next((c.options for c in choices if c.kind == "aggregation"), (criteria.aggregation.value,))
    own = {n.aggregation.value for n in criteria.nodes() if n.criterion.aggregation is not None}
    if not any(AGGREGATIONS[a].needs_bounded for a in (*aggregations, *own)):
        return []
    norm = {iid: {ind.normalisation.value} for iid, ind in by_id.items()}
    keys = {iid: f"criteria.*.indicators.{iid}.normalisation" for iid in by_id}
    for c in choices:
        if c.kind == "normalisation":
            for iid in c.indicators:
                norm[iid] = {c.resolve(o, by_id[iid]) for o in c.options}
                keys[iid] = c.key
    bad = sorted({keys[iid] for iid, methods in norm.items() if any(not NORMALISATIONS[m].bounded for m in methods)})
    return [
        Problem(
            "config.uncertainty",
            "should offer only bounded normalisations (not zscore or raw) when a geometric mean can be used "
            "(it needs values >= 0), but it does not",
            key=key,
            fix="drop zscore, or drop geometric from the alternatives",
        )
        for key in bad
    ]


def indicator_with(indicator: Indicator, *, normalisation: str | None = None, missing: str | None = None) -> Indicator:
    """A copy of ``indicator`` using another normalisation method or missing-data policy.

    >>> indicator_with(Indicator(column="c"), missing="worst").missing.value
    'worst'
    """
    update: dict[str, object] = {}
    if normalisation is not None:
        update["normalisation"] = Normalisation(normalisation)
    if missing is not None:
        update["missing"] = MissingPolicy(missing)
    return indicator.model_copy(update=update)
