"""The criteria model: what a criteria YAML file may say, validated.

The model is plain pydantic (no YAML, no files): :mod:`scorer.io.criteria_file`
parses the YAML and turns validation errors into located problems. Structural
checks (types, unknown keys, enums) are pydantic's; cross-field checks (weights
not all zero, tiers in order, ordinal levels present, duplicate ids) live in
:func:`check_criteria`, which returns every problem with its exact key path.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scorer.core.aggregation import Aggregation
from scorer.core.normalisation import NORMALISATIONS, Normalisation
from scorer.errors import ConfigError, Problem
from scorer.evidence.rules import EvidenceRules
from scorer.render.formatting import plain_number
from scorer.uncertainty.config import UncertaintySpec

__all__ = [
    "GEOMETRIC_ZSCORE",
    "Aggregation",
    "Criteria",
    "Criterion",
    "Direction",
    "Indicator",
    "MissingPolicy",
    "Normalisation",
    "TerritoryRule",
    "check_criteria",
    "check_selection",
    "check_unbounded",
    "unbounded_message",
]

_DIRECTION_ALIASES = {
    "higher": "higher",
    "higher_is_better": "higher",
    "max": "higher",
    "maximise": "higher",
    "maximize": "higher",
    "benefit": "higher",
    "+": "higher",
    "lower": "lower",
    "lower_is_better": "lower",
    "min": "lower",
    "minimise": "lower",
    "minimize": "lower",
    "cost": "lower",
    "-": "lower",
}


class Direction(StrEnum):
    """Whether a higher raw value is better (``higher``) or worse (``lower``).

    Aliases are accepted at the edge: ``max``, ``+``, ``benefit`` mean higher;
    ``min``, ``-``, ``cost`` mean lower.
    """

    higher = "higher"
    lower = "lower"  # type: ignore[assignment]  # the YAML value; shadows str.lower on purpose


class MissingPolicy(StrEnum):
    """What to do with a blank cell for an eligible country."""

    error = "error"
    zero = "zero"
    worst = "worst"
    mean = "mean"
    median = "median"
    group_mean = "group_mean"
    reweight = "reweight"


class GroupRule(StrEnum):
    """How a shared office combines its member countries' raw values (``--group-by``).

    ``mean``: the members' mean; ``max``: the best member value (the highest,
    or the lowest for ``direction: lower``); ``population_weighted``: the mean
    weighted by each member's population.
    """

    mean = "mean"
    max = "max"
    population_weighted = "population_weighted"


NonNegative = Annotated[float, Field(ge=0)]
Unit = Annotated[float, Field(ge=0, le=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class NotApplicable(_Model):
    """Cells meaning "does not apply to this country", kept apart from unknown cells."""

    tokens: list[str] = Field(
        min_length=1, description="Cell texts meaning not applicable, e.g. ['not applicable', 'n/app']."
    )
    policy: MissingPolicy = Field(
        default=MissingPolicy.reweight, description="Policy for a not-applicable cell (same choices as missing)."
    )


class Indicator(_Model):
    """One spreadsheet column feeding a criterion.

    Three kinds of missing are told apart: ``missing`` is the policy for an
    unknown cell (blank, NA, "unknown", ...), ``not_applicable`` lists the
    texts that mean "does not apply" with their own policy, and
    ``zero_tokens`` the texts that mean a true zero (read as 0, never missing).
    """

    column: str = Field(description="Spreadsheet column holding the raw values.")
    label: str | None = Field(default=None, description="Readable name.")
    description: str | None = Field(default=None, description="What the column measures, for data entry.")
    unit: str | None = Field(default=None, description="Unit of the raw values.")
    source: str | None = Field(default=None, description="Where the values come from.")
    direction: Direction = Field(
        default=Direction.higher,
        description="higher (more is better) or lower (less is better, a cost).",
    )
    normalisation: Normalisation = Field(default=Normalisation.minmax, description="How raw values map to 0-1.")
    levels: dict[str, float] | None = Field(
        default=None,
        description="ordinal only: level name -> value (rescaled so the lowest is 0, the highest 1).",
    )
    bounds: tuple[float, float] | None = Field(
        default=None,
        description="goalposts only: [low, high] raw values; with direction higher, low scores 0 and high 1.",
    )
    missing: MissingPolicy = Field(default=MissingPolicy.error, description="Policy for a blank cell.")
    missing_group: str | None = Field(
        default=None, description="group_mean only: the column whose groups give the mean."
    )
    weight: NonNegative = Field(default=1.0, description="Weight within the criterion.")
    not_applicable: NotApplicable | None = Field(
        default=None, description="Cells that mean 'not applicable' and their policy (apart from unknown cells)."
    )
    zero_tokens: list[str] | None = Field(
        default=None, description="Cell texts that mean a true zero, e.g. ['none', 'nil']; read as 0, not missing."
    )
    uncertainty: Unit | None = Field(
        default=None,
        description="Relative error of the normalised value (0.1 = within 10%), for sensitivity analysis: "
        "each draw multiplies it by 1 + uncertainty x U(-1, 1), clipped to 0-1.",
    )
    evidence: EvidenceRules | None = Field(
        default=None,
        description="Criterion 3's indicator only: the rules by which `unct-scorer evidence` suggests one of its "
        "levels from Cooperation Framework documents (default: the term file's rules).",
    )

    @field_validator("direction", mode="before")
    @classmethod
    def _direction_alias(cls, value: Any) -> Any:
        if isinstance(value, str):
            return _DIRECTION_ALIASES.get(value.strip().lower(), value)
        return value


class Criterion(_Model):
    """One decision criterion, citing the paragraph of the source document.

    A criterion holds either indicators (spreadsheet columns) or criteria of
    its own (sub-criteria, to any depth: pillars within sub-indices within
    the index); each level has its weights and may name its own aggregation.
    """

    label: str = Field(description="Readable name of the criterion.")
    cites: str = Field(description="Paragraph of the source document, e.g. 'para. 11(1)'.")
    description: str | None = Field(default=None, description="Free text about the criterion.")
    weight: NonNegative = Field(description="Weight relative to the other criteria at the same level.")
    range: tuple[Unit, Unit] | None = Field(
        default=None,
        description="Top-level criteria only: plausible range of the normalised weight, for sensitivity analysis.",
    )
    aggregation: Aggregation | None = Field(
        default=None,
        description="How this criterion's indicators or sub-criteria combine; default: the nearest enclosing "
        "criterion's, else the file's aggregation.",
    )
    indicators: dict[str, Indicator] = Field(
        default_factory=dict, description="The spreadsheet columns measuring the criterion, by indicator id."
    )
    criteria: dict[str, Criterion] = Field(
        default_factory=dict, description="Sub-criteria, by id (instead of indicators), each with its own weight."
    )

    def leaves(self) -> list[tuple[str, Indicator]]:
        """(indicator id, indicator) under this criterion at any depth, in file order."""
        if self.indicators:
            return list(self.indicators.items())
        return [leaf for sub in self.criteria.values() for leaf in sub.leaves()]


class EligibilityRule(_Model):
    """A gate: countries failing it are excluded, with the reason recorded."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    column: str = Field(description="The column tested.")
    equals: str | float | bool | None = Field(
        default=None, description="Eligible only if the cell equals this value (yes/no for true/false)."
    )
    not_equals: str | float | bool | None = Field(
        default=None, description="Eligible only if the cell differs from this value."
    )
    in_: list[str | float] | None = Field(
        default=None, alias="in", description="Eligible only if the cell is one of these values."
    )
    not_in: list[str | float] | None = Field(
        default=None, description="Eligible only if the cell is none of these values."
    )
    min: float | None = Field(default=None, description="Eligible only if the cell is a number >= min.")
    max: float | None = Field(default=None, description="Eligible only if the cell is a number <= max.")
    not_missing: bool = Field(default=False, description="true: eligible only if the cell is not blank.")
    reason: str = Field(description="Shown for every country this rule excludes.")


class Tier(_Model):
    """A decision tier, best first: by rank (``top``) or by score (``min_score``)."""

    name: str = Field(description="Name of the tier, e.g. join.")
    top: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="Countries ranked N or better fall in this tier."
    )
    min_score: float | None = Field(default=None, description="Countries scoring at least this fall in this tier.")
    description: str | None = Field(default=None, description="What the tier means, shown in reports.")


class GroupCount(_Model):
    """A count of chosen UNCTs for one group value, or for every value of a column.

    ``{column: region, value: Africa, count: 3}`` is about Africa only;
    ``{column: region, count: 3}`` (no value) applies to every region found
    among the eligible countries.
    """

    column: str = Field(description="Spreadsheet column holding the group (region, income_group, ldc, ...).")
    value: str | None = Field(
        default=None, description="The group value; leave out to apply the count to every value of the column."
    )
    count: Annotated[int, Field(ge=0)] = Field(description="The minimum or maximum number of chosen UNCTs.")

    @field_validator("value", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return plain_number(value)
        return value


class Selection(_Model):
    """Which set of UNCTs to join: capacity, budget, group counts, forced countries (paras 6, 15, 16).

    Every key can be overridden on the ``unct-scorer select`` command line.
    """

    capacity: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="At most this many UNCTs (the coordination capacity of para. 16)."
    )
    budget: Annotated[float, Field(gt=0)] | None = Field(
        default=None, description="At most this total cost, summed over cost_column."
    )
    cost_column: str | None = Field(default=None, description="Column with each UNCT's cost (e.g. staff-days a year).")
    default_cost: NonNegative | None = Field(
        default=None, description="Cost used where cost_column is blank (stated in outputs)."
    )
    min_per: list[GroupCount] = Field(default_factory=list, description="At least count UNCTs per group.")
    max_per: list[GroupCount] = Field(default_factory=list, description="At most count UNCTs per group.")
    include: list[str] = Field(default_factory=list, description="ISO3 codes always chosen (already taking part).")
    exclude: list[str] = Field(default_factory=list, description="ISO3 codes never chosen.")
    objective: Literal["score", "score-minus-cost"] = Field(
        default="score", description="score: maximise total score; score-minus-cost: net of cost_weight x cost."
    )
    cost_weight: Annotated[float, Field(gt=0)] | None = Field(
        default=None, description="score-minus-cost only: score points per unit of cost."
    )


class Grouping(_Model):
    """How ``--group-by COLUMN`` combines the countries sharing one office into one ranked unit.

    Members' raw values are combined indicator by indicator, after each
    member's eligibility and missing-data policies and before normalisation,
    so the office is one unit in the normalisation statistics.
    """

    rule: GroupRule = Field(
        default=GroupRule.mean,
        description="mean: the members' mean raw value (a boolean gives the share of yes); max: the best member "
        "value (highest, or lowest for direction lower); population_weighted: the mean weighted by population_column.",
    )
    population_column: str = Field(
        default="population",
        description="population_weighted only: column with each member's population (blank is an error).",
    )
    label_column: str | None = Field(
        default=None,
        description="Column naming the office (its first member's non-blank value); default: the members' names.",
    )


class TerritoryRule(_Model):
    """Territories whose values apply through another state: a blank cell takes that state's value.

    A territory's treaties usually apply through the state responsible for
    its international relations (Aruba through the Netherlands, Bermuda
    through the United Kingdom). ``column`` holds, on each territory's row,
    the id of that state (a row of the same sheet, eligible or not); for the
    ``indicators`` listed, a territory's blank cell takes the state's value,
    and every value so taken is reported. A territory's own value is kept.
    """

    column: str = Field(
        description="Column holding, for a territory, the id of the state through which its values apply "
        "(blank for a country with its own)."
    )
    indicators: list[str] = Field(
        min_length=1, description="Indicator ids whose blank territory cells take the state's value."
    )
    description: str | None = Field(default=None, description="Why the values apply through the state, in words.")


class Criteria(_Model):
    """A whole criteria file."""

    version: Literal[1] = Field(default=1, description="Format version of the file; always 1.")
    name: str = Field(description="Short name of this criteria profile, shown in every output.")
    description: str | None = Field(default=None, description="Free text: what this profile is for.")
    source: str | None = Field(default=None, description="The document the criteria come from.")
    id_column: str = Field(default="iso3", description="Column identifying each country.")
    name_column: str | None = Field(default="name", description="Column with a readable name.")
    aggregation: Aggregation = Field(default=Aggregation.arithmetic, description="How criteria combine into the score.")
    criteria: dict[str, Criterion] = Field(
        min_length=1,
        description="The decision criteria, by id; each has a label, a paragraph cited, a weight and indicators.",
    )
    weight_order: list[str] | None = Field(
        default=None,
        description="Criterion ids from most to least important, for sensitivity analysis.",
    )
    eligibility: list[EligibilityRule] = Field(
        default_factory=list,
        description="Gates, each a column and one test; a country failing any gate is excluded, with the reason.",
    )
    territory_rule: TerritoryRule | None = Field(
        default=None,
        description="Territories whose values apply through another state (e.g. treaties in force): "
        "the column naming that state and the indicators it applies to.",
    )
    tiers: list[Tier] = Field(
        default_factory=lambda: [Tier(name="all")],
        description="Tiers best first; the last one catches every remaining country.",
    )
    selection: Selection | None = Field(
        default=None,
        description="Choosing the set of UNCTs (unct-scorer select): capacity, group counts, forced countries.",
    )
    grouping: Grouping | None = Field(
        default=None,
        description="Shared offices (--group-by COLUMN): how member countries combine into one office.",
    )
    uncertainty: UncertaintySpec | None = Field(
        default=None, description="Alternative modelling choices for unct-scorer uncertainty (scorer.uncertainty)."
    )
    elicitation: dict[str, Any] | None = Field(
        default=None, description="How the weights were obtained (written by unct-scorer weights; not used in scoring)."
    )

    def indicator_items(self) -> list[tuple[str, str, Indicator]]:
        """(top-level criterion id, indicator id, indicator) in file order, at any depth."""
        return [(cid, iid, ind) for cid, crit in self.criteria.items() for iid, ind in crit.leaves()]

    def nodes(self) -> list[Node]:
        """Every criterion at any depth, parents before children (file order), with its place in the tree.

        >>> from scorer.model.criteria import Criteria
        >>> c = Criteria.model_validate({"name": "x", "criteria": {"a": {"label": "A", "cites": "p",
        ...     "weight": 1, "aggregation": "geometric", "criteria": {
        ...         "b": {"label": "B", "cites": "p", "weight": 1, "indicators": {"i": {"column": "c"}}}}}}})
        >>> [(n.id, n.parent, n.depth, n.aggregation.value) for n in c.nodes()]
        [('a', None, 0, 'geometric'), ('b', 'a', 1, 'geometric')]
        """
        out: list[Node] = []

        def visit(cid: str, crit: Criterion, parent: str | None, depth: int, inherited: Aggregation, key: str) -> None:
            own = crit.aggregation or inherited
            out.append(Node(cid, crit, parent, depth, own, key))
            for sub_id, sub in crit.criteria.items():
                visit(sub_id, sub, cid, depth + 1, own, f"{key}.criteria.{sub_id}")

        for cid, crit in self.criteria.items():
            visit(cid, crit, None, 0, self.aggregation, f"criteria.{cid}")
        return out

    def is_hierarchical(self) -> bool:
        """Whether any criterion holds sub-criteria."""
        return any(crit.criteria for crit in self.criteria.values())

    def with_normalisation(self, indicator: str, normalisation: Normalisation | str, **parameters: Any) -> Criteria:
        """A copy with one indicator's normalisation replaced (and its method's parameters, e.g. ``bounds``).

        For alternative modelling choices: the rest of the file is shared,
        nothing is mutated. Raises ConfigError when the method lacks a parameter.

        >>> from scorer.io.criteria_file import parse_criteria_text
        >>> c = parse_criteria_text("name: x\\ncriteria:\\n  a: {label: A, cites: p, weight: 1, "
        ...     "indicators: {i: {column: c}}}")
        >>> c.with_normalisation("i", "percentile").indicator("i").normalisation.value
        'percentile'
        """
        update: dict[str, Any] = {"normalisation": Normalisation(normalisation)}
        for name in {p for m in NORMALISATIONS.values() for p in m.parameters}:
            update[name] = parameters.pop(name, None)
        return self.with_indicator(indicator, **update, **parameters)

    def with_indicator(self, indicator: str, **update: Any) -> Criteria:
        """A copy with some fields of one indicator replaced (``missing=``, ``normalisation=``, ...), checked."""
        if indicator not in {iid for _c, iid, _i in self.indicator_items()}:
            known = [iid for _c, iid, _i in self.indicator_items()]
            raise ConfigError(
                Problem(
                    "config.invalid",
                    f"should be an indicator id, but it is {indicator!r}" + did_you_mean(indicator, known),
                    key="indicator",
                )
            )

        def rebuild(crit: Criterion) -> Criterion:
            if indicator in crit.indicators:
                new = Indicator.model_validate(crit.indicators[indicator].model_dump() | update)
                return crit.model_copy(update={"indicators": crit.indicators | {indicator: new}})
            return crit.model_copy(update={"criteria": {k: rebuild(v) for k, v in crit.criteria.items()}})

        copy = self.model_copy(update={"criteria": {k: rebuild(v) for k, v in self.criteria.items()}})
        problems = check_criteria(copy)
        if problems:
            raise ConfigError(problems)
        return copy

    def with_aggregation(self, aggregation: Aggregation | str, *, node: str | None = None) -> Criteria:
        """A copy combining with another aggregation: the whole file's, or one criterion's (``node``).

        >>> from scorer.io.criteria_file import parse_criteria_text
        >>> c = parse_criteria_text("name: x\\ncriteria:\\n  a: {label: A, cites: p, weight: 1, "
        ...     "indicators: {i: {column: c}}}")
        >>> c.with_aggregation("topsis").aggregation.value
        'topsis'
        """
        method = Aggregation(aggregation)
        if node is None:
            copy = self.model_copy(update={"aggregation": method})
        else:
            if node not in {n.id for n in self.nodes()}:
                raise ConfigError(
                    Problem("config.invalid", f"should be a criterion id, but it is {node!r}", key="node")
                )

            def rebuild(cid: str, crit: Criterion) -> Criterion:
                if cid == node:
                    return crit.model_copy(update={"aggregation": method})
                return crit.model_copy(update={"criteria": {k: rebuild(k, v) for k, v in crit.criteria.items()}})

            copy = self.model_copy(update={"criteria": {k: rebuild(k, v) for k, v in self.criteria.items()}})
        problems = check_criteria(copy)
        if problems:
            raise ConfigError(problems)
        return copy

    def indicator(self, indicator: str) -> Indicator:
        """The indicator with this id, at any depth (KeyError if none)."""
        for _c, iid, ind in self.indicator_items():
            if iid == indicator:
                return ind
        raise KeyError(indicator)

    def criterion_weights(self) -> dict[str, float]:
        """Criterion weights normalised to sum to 1.

        >>> from scorer.model.criteria import Criteria
        >>> c = Criteria.model_validate({"name": "x", "criteria": {
        ...     "a": {"label": "A", "cites": "p", "weight": 3,
        ...           "indicators": {"i": {"column": "c"}}},
        ...     "b": {"label": "B", "cites": "p", "weight": 1,
        ...           "indicators": {"j": {"column": "d"}}}}})
        >>> c.criterion_weights()
        {'a': 0.75, 'b': 0.25}
        """
        total = sum(c.weight for c in self.criteria.values())
        return {cid: c.weight / total for cid, c in self.criteria.items()}

    def with_weights(self, weights: dict[str, float]) -> Criteria:
        """A copy with some criterion weights replaced (relative values), at any depth."""

        def rebuild(cid: str, crit: Criterion) -> Criterion:
            update: dict[str, Any] = {"weight": float(weights[cid])} if cid in weights else {}
            if crit.criteria:
                update["criteria"] = {k: rebuild(k, v) for k, v in crit.criteria.items()}
            return crit.model_copy(update=update) if update else crit

        return self.model_copy(update={"criteria": {k: rebuild(k, v) for k, v in self.criteria.items()}})


@dataclass(frozen=True)
class Node:
    """A criterion's place in the tree: its parent (None at the top), depth, aggregation and key path."""

    id: str
    criterion: Criterion
    parent: str | None
    depth: int
    aggregation: Aggregation
    key: str


def criteria_json_schema() -> dict[str, Any]:
    """The JSON Schema of a criteria file, as committed in ``criteria/schema.json``.

    >>> criteria_json_schema()["title"]
    'unct-scorer criteria file'
    """
    schema = Criteria.model_json_schema(by_alias=True)
    schema["title"] = "unct-scorer criteria file"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """A ``; did you mean 'x'?`` suffix, or an empty string.

    >>> did_you_mean("wieght", ["weight", "label"])
    "; did you mean 'weight'?"
    """
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# The cross-field checks need the model above; they live in their own module and are re-exported here.
from scorer.model.checks import (  # noqa: E402
    GEOMETRIC_ZSCORE,
    check_criteria,
    check_selection,
    check_unbounded,
    unbounded_message,
)
