"""The project's error hierarchy.

Every failure a user can cause (a bad criteria file, a bad spreadsheet, an
impossible request) is raised as a :class:`ScorerError` subclass carrying one
or more :class:`Problem` records. The CLI turns them into ``Error: ...`` lines
and exit code 1; nothing else is allowed to reach the user as a traceback.

A problem message reads "<where>: <what> should be <expected>, but it is
<found>" so the user can find and fix it without reading code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    """What an error is about; each maps to one :class:`ScorerError` subclass (and exit code 1)."""

    config = "config"
    data = "data"
    scoring = "scoring"
    selection = "selection"
    output = "output"


class ErrorCode(StrEnum):
    """Every error code the tool reports: ``<category>.<reason>``, one member each.

    A :class:`Problem` keeps its code as text (a member compares equal to
    its text); :func:`code_info` gives the category and default fix of any
    code. A test holds this list equal to the codes the package raises.

    >>> ErrorCode("data.duplicate_id").category, ErrorCode.data_duplicate_id.fix
    (<Category.data: 'data'>, 'keep one row per country')
    """

    config_aggregate = "config.aggregate"
    config_aggregation = "config.aggregation"
    config_bootstrap = "config.bootstrap"
    config_criteria = "config.criteria"
    config_criterion = "config.criterion"
    config_duplicate = "config.duplicate"
    config_empty = "config.empty"
    config_encoding = "config.encoding"
    config_environment = "config.environment"
    config_evidence_column = "config.evidence_column"
    config_extra = "config.extra"
    config_geometric = "config.geometric"
    config_invalid = "config.invalid"
    config_judgement = "config.judgement"
    config_level = "config.level"
    config_method = "config.method"
    config_missing = "config.missing"
    config_normalisation = "config.normalisation"
    config_number = "config.number"
    config_objective = "config.objective"
    config_points = "config.points"
    config_project = "config.project"
    config_rank = "config.rank"
    config_read = "config.read"
    config_region_column = "config.region_column"
    config_samples = "config.samples"
    config_sampling = "config.sampling"
    config_selection = "config.selection"
    config_stakeholder = "config.stakeholder"
    config_stakeholders = "config.stakeholders"
    config_starter = "config.starter"
    config_steps = "config.steps"
    config_terms = "config.terms"
    config_too_large = "config.too_large"
    config_top_k = "config.top_k"
    config_type = "config.type"
    config_uncertainty = "config.uncertainty"
    config_weight = "config.weight"
    config_weights = "config.weights"
    config_yaml = "config.yaml"
    data_ambiguous_country = "data.ambiguous_country"
    data_blank_group = "data.blank_group"
    data_blank_id = "data.blank_id"
    data_country_ambiguous = "data.country_ambiguous"
    data_country_missing = "data.country_missing"
    data_country_unknown = "data.country_unknown"
    data_csv_quote = "data.csv_quote"
    data_decisions = "data.decisions"
    data_document = "data.document"
    data_document_country = "data.document_country"
    data_duplicate_id = "data.duplicate_id"
    data_empty = "data.empty"
    data_encoding = "data.encoding"
    data_evidence = "data.evidence"
    data_excluded_country = "data.excluded_country"
    data_folder = "data.folder"
    data_format = "data.format"
    data_formula_no_value = "data.formula_no_value"
    data_header = "data.header"
    data_invalid_cell = "data.invalid_cell"
    data_judgement_layout = "data.judgement_layout"
    data_mapping = "data.mapping"
    data_missing = "data.missing"
    data_missing_column = "data.missing_column"
    data_missing_value = "data.missing_value"
    data_negative = "data.negative"
    data_no_usable_values = "data.no_usable_values"
    data_normalisation = "data.normalisation"
    data_population = "data.population"
    data_read = "data.read"
    data_territory = "data.territory"
    data_too_large = "data.too_large"
    data_unknown_country = "data.unknown_country"
    data_year = "data.year"
    output_duplicate = "output.duplicate"
    output_exists = "output.exists"
    output_folder = "output.folder"
    output_format = "output.format"
    output_is_input = "output.is_input"
    output_name = "output.name"
    output_plots = "output.plots"
    output_write = "output.write"
    scoring_compromise = "scoring.compromise"
    scoring_fit = "scoring.fit"
    scoring_mask = "scoring.mask"
    scoring_none_eligible = "scoring.none_eligible"
    scoring_values = "scoring.values"
    scoring_weights = "scoring.weights"
    selection_bound = "selection.bound"
    selection_costs = "selection.costs"
    selection_draws = "selection.draws"
    selection_groups = "selection.groups"
    selection_index = "selection.index"
    selection_infeasible = "selection.infeasible"
    selection_scores = "selection.scores"
    selection_solver = "selection.solver"
    selection_spec = "selection.spec"
    selection_unknown_country = "selection.unknown_country"
    selection_unknown_group_column = "selection.unknown_group_column"
    selection_unknown_group_value = "selection.unknown_group_value"
    selection_values = "selection.values"

    @property
    def category(self) -> Category:
        return Category(self.value.partition(".")[0])

    @property
    def fix(self) -> str:
        """The default fix: the code's own, else its category's."""
        return _FIXES.get(self, _CATEGORY_FIXES[self.category.value])


_FIXES: dict[ErrorCode, str] = {
    ErrorCode.data_duplicate_id: "keep one row per country",
    ErrorCode.data_blank_id: "type the country's name or ISO3 code",
    ErrorCode.data_country_unknown: "type the ISO3 code or the name as the UN writes it",
    ErrorCode.data_unknown_country: "type the ISO3 code or the name as the UN writes it",
    ErrorCode.data_country_ambiguous: "type the ISO3 code or the full name",
    ErrorCode.data_ambiguous_country: "type the ISO3 code or the full name",
    ErrorCode.data_missing_column: "add the column or fix the criteria file",
    ErrorCode.data_header: "give every column a unique name",
    ErrorCode.data_invalid_cell: "correct the cell, or leave it blank if unknown",
    ErrorCode.data_missing: "check the path of the spreadsheet",
    ErrorCode.config_missing: "check the path of the criteria file",
    ErrorCode.data_too_large: "split the spreadsheet, or raise the limit named",
    ErrorCode.config_too_large: "shorten the criteria file, or raise the limit named",
    ErrorCode.config_yaml: "correct the YAML syntax at the line named",
    ErrorCode.config_project: "correct unct-scorer.toml (keys: criteria, spreadsheet, sheet), or delete it",
    ErrorCode.config_weight: "give a weight >= 0",
    ErrorCode.config_weights: "widen the ranges or relax the weight_order",
    ErrorCode.config_top_k: "give K from 1 to the number of ranked countries",
    ErrorCode.config_aggregation: "use aggregation: arithmetic for this analysis",
    ErrorCode.config_normalisation: "use a bounded normalisation (minmax, goalposts or percentile)",
    ErrorCode.data_decisions: "correct the decisions file at the row named",
    ErrorCode.output_exists: "choose another name, or pass --force to replace it",
    ErrorCode.output_format: "use one of the suffixes named",
    ErrorCode.selection_infeasible: "relax or drop one of these constraints",
    ErrorCode.scoring_none_eligible: "relax the eligibility rules",
}

_CATEGORY_FIXES: dict[str, str] = {
    "config": "correct the criteria file at the key named",
    "data": "correct the spreadsheet at the row and column named",
    "scoring": "change the request so that it can be computed",
    "selection": "change the selection's limits or groups",
    "output": "choose another output, or pass --force",
}


def default_fix(code: str) -> str:
    """The default fix for a code (its own, its category's, or '' for an unknown category).

    >>> default_fix("data.invalid_cell"), default_fix("config.whatever")
    ('correct the cell, or leave it blank if unknown', 'correct the criteria file at the key named')
    """
    try:
        return ErrorCode(code).fix
    except ValueError:
        return _CATEGORY_FIXES.get(code.partition(".")[0], "")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can.

    >>> Problem("config.weight", "should be >= 0, but it is -0.2",
    ...         file="c.yaml", line=14, key="criteria.engagement.weight").format()
    'c.yaml:14: criteria.engagement.weight: should be >= 0, but it is -0.2'
    """

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    key: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    fix: str | None = None

    def location(self) -> str:
        parts: list[str] = []
        if self.file:
            from scorer.resources import shown_path

            parts.append(shown_path(self.file) + (f":{self.line}" if self.line else ""))
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.key:
            parts.append(self.key)
        return ": ".join(parts)

    def format(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.fix:
            text += f" ({self.fix})"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "key": self.key,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "fix": self.fix,
        }


class ScorerError(Exception):
    """Base of every error the tool reports to a user."""

    code = "scorer"

    def __init__(self, problems: Problem | str | Sequence[Problem]) -> None:
        if isinstance(problems, str):
            problems = [Problem(self.code, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self.summary())

    def summary(self) -> str:
        if len(self.problems) == 1:
            return self.problems[0].format()
        return f"{len(self.problems)} problems:\n" + "\n".join(p.format() for p in self.problems)

    def lines(self) -> list[str]:
        """One line per problem, ready to print after ``Error: ``."""
        return [p.format() for p in self.problems]


class ConfigError(ScorerError):
    """The criteria file is invalid."""

    code = "config"


class DataError(ScorerError):
    """The country spreadsheet is invalid or does not fit the criteria."""

    code = "data"


class ScoringError(ScorerError):
    """A valid request that cannot be computed (e.g. nobody is eligible)."""

    code = "scoring"


class OutputError(ScorerError):
    """An output cannot be written (exists without --force, unknown format)."""

    code = "output"


@dataclass
class ProblemCollector:
    """Collect problems, then raise them together (pandera's ``lazy=True``)."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self, error_class: type[ScorerError]) -> None:
        if self.problems:
            raise error_class(self.problems)
