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
            parts.append(self.file + (f":{self.line}" if self.line else ""))
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
