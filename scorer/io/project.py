"""A project folder: ``unct-scorer.toml`` names the criteria file, the spreadsheet and its sheet.

``unct-scorer init`` writes the file; every command run in that folder, or in
a folder below it, finds it (:func:`find_project`) and uses the files it names
when the command line does not name them (:func:`resolve_inputs`). An
explicit ``-c`` or SPREADSHEET always wins. Without a project the bundled
demo and default criteria are used, and :class:`Inputs` says so.

Paths in the file are relative to the folder holding it. Only paths are
computed here; the files named are read by the readers.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from scorer.errors import ConfigError, Problem

PROJECT_FILE = "unct-scorer.toml"
_KEYS = ("criteria", "spreadsheet", "sheet")


@dataclass(frozen=True)
class Project:
    """A read ``unct-scorer.toml``: where it is and the (absolute) files it names."""

    file: Path
    criteria: Path | None = None
    spreadsheet: Path | None = None
    sheet: str | None = None

    @property
    def folder(self) -> Path:
        return self.file.parent


def find_project(start: Path | None = None) -> Path | None:
    """The nearest ``unct-scorer.toml`` in ``start`` (default: the current folder) or a folder above it.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / PROJECT_FILE).write_text('criteria = "c.yaml"\\n')
    ...     (Path(d) / "sub").mkdir()
    ...     find_project(Path(d) / "sub") == (Path(d) / PROJECT_FILE).resolve()
    True
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def parse_project(text: str, file: Path) -> Project:
    """Read the text of a project file; a bad one is a located one-line :class:`ConfigError`.

    >>> p = parse_project('criteria = "criteria.yaml"\\nsheet = "Countries"\\n', Path("/p/unct-scorer.toml"))
    >>> p.criteria.as_posix(), p.spreadsheet, p.sheet
    ('/p/criteria.yaml', None, 'Countries')
    >>> parse_project('criteria = 3\\n', Path("unct-scorer.toml"))
    Traceback (most recent call last):
    ...
    scorer.errors.ConfigError: unct-scorer.toml: criteria: should be a text (a file name), but it is 3
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            Problem("config.project", f"should be valid TOML, but it is not ({exc})", file=str(file))
        ) from None
    for key, value in data.items():
        if key not in _KEYS:
            raise ConfigError(
                Problem("config.project", f"should be one of {', '.join(_KEYS)}, but it is {key!r}", file=str(file))
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                Problem(
                    "config.project",
                    f"should be a text (a file name), but it is {value!r}",
                    file=str(file),
                    key=key,
                )
            )

    def path(key: str) -> Path | None:
        value = data.get(key)
        return None if value is None else file.parent / value

    return Project(file, criteria=path("criteria"), spreadsheet=path("spreadsheet"), sheet=data.get("sheet"))


def read_project(file: Path) -> Project:
    """Read ``file`` (an ``unct-scorer.toml``)."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            Problem("config.project", f"should be a readable UTF-8 file, but it is not ({exc})", file=str(file))
        ) from None
    return parse_project(text, file)


def project_text(criteria: str, spreadsheet: str, sheet: str | None) -> str:
    """The ``unct-scorer.toml`` that ``init`` writes.

    >>> print(project_text("criteria.yaml", "countries.xlsx", "Countries"))
    # unct-scorer project: every command run in this folder (or below it) uses these files
    # unless the command line names others (-c FILE, SPREADSHEET, --sheet). Paths are relative to this folder.
    criteria = "criteria.yaml"
    spreadsheet = "countries.xlsx"
    sheet = "Countries"
    <BLANKLINE>
    """
    lines = [
        "# unct-scorer project: every command run in this folder (or below it) uses these files",
        "# unless the command line names others (-c FILE, SPREADSHEET, --sheet). Paths are relative to this folder.",
        f"criteria = {_toml_string(criteria)}",
        f"spreadsheet = {_toml_string(spreadsheet)}",
    ]
    if sheet is not None:
        lines.append(f"sheet = {_toml_string(sheet)}")
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    r"""A TOML basic string.

    >>> _toml_string('a "b" \\ c')
    '"a \\"b\\" \\\\ c"'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(ch if ch >= " " else f"\\u{ord(ch):04x}" for ch in escaped) + '"'


@dataclass(frozen=True)
class Inputs:
    """The files a command uses, and the one line saying where they came from (None when all were given)."""

    spreadsheet: Path
    criteria: Path
    sheet: str | None
    announcement: str | None
    project: Project | None = None


def _shown(path: Path, cwd: Path) -> str:
    try:
        return str(path.resolve().relative_to(cwd.resolve()))
    except ValueError:
        return str(path)


def resolve_inputs(
    spreadsheet: Path | None,
    criteria: Path | None,
    sheet: str | None = None,
    *,
    cwd: Path | None = None,
) -> Inputs:
    """The spreadsheet, criteria file and sheet to use: the command line's, else the project's, else the bundled ones.

    >>> from scorer.resources import default_criteria_path
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     got = resolve_inputs(None, None, cwd=Path(d))
    >>> got.criteria == default_criteria_path(), got.announcement.startswith("No project")
    (True, True)
    """
    from scorer.resources import default_criteria_path, demo_spreadsheet_path

    if spreadsheet is not None and criteria is not None:
        return Inputs(spreadsheet, criteria, sheet, None)
    here = cwd or Path.cwd()
    found = find_project(here)
    project = read_project(found) if found is not None else None
    taken: list[str] = []
    bundled: list[str] = []
    if criteria is None:
        if project is not None and project.criteria is not None:
            criteria = project.criteria
            taken.append(f"criteria {_shown(criteria, project.folder)}")
        else:
            criteria = default_criteria_path()
            bundled.append("the bundled default criteria")
    if spreadsheet is None:
        if project is not None and project.spreadsheet is not None:
            spreadsheet = project.spreadsheet
            if sheet is None and project.sheet is not None:
                sheet = project.sheet
                taken.append(f"spreadsheet {_shown(spreadsheet, project.folder)} (sheet {sheet})")
            else:
                taken.append(f"spreadsheet {_shown(spreadsheet, project.folder)}")
        else:
            spreadsheet = demo_spreadsheet_path()
            bundled.append("the bundled demo data")
    parts: list[str] = []
    if project is not None and taken:
        parts.append(f"Project {os.path.relpath(project.file, here.resolve())}: {', '.join(taken)}")
    if bundled:
        lead = "; " if parts else ""
        where = "" if project is not None else f"No project ({PROJECT_FILE}) here or above: "
        tail = "" if project is not None else " (unct-scorer init makes a project)"
        parts.append(f"{lead}{where}using {' and '.join(bundled)}{tail}")
    return Inputs(spreadsheet, criteria, sheet, "".join(parts), project)
