"""Limits on the work any input can cause, and reading files within them.

Every limit has a default, an environment variable that changes it, and a
refusal that names both. A value the tool cannot understand (``200k``, ``-1``)
is an error, never silently replaced by the default. Files are only read when
they are regular files, and never beyond their limit plus one byte, whatever
``st_size`` says (``/dev/zero`` says 0).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, fields
from pathlib import Path

from scorer.errors import ConfigError, Problem, ScorerError

ENV_PREFIX = "UNCT_SCORER_"

# name: (default, what it bounds); the environment variable is UNCT_SCORER_<NAME in capitals>
LIMITS: dict[str, tuple[int, str]] = {
    "max_bytes": (50_000_000, "bytes in a spreadsheet file"),
    "max_rows": (100_000, "data rows in a sheet"),
    "max_columns": (1_000, "columns in a sheet"),
    "max_cells": (5_000_000, "cells in a sheet"),
    "max_unzipped_bytes": (300_000_000, "bytes in an .xlsx workbook once unzipped (all parts together)"),
    "max_zip_ratio": (200, "times an .xlsx part may be larger unzipped than zipped (for parts over 1 MB)"),
    "max_zip_parts": (10_000, "parts (files) inside an .xlsx workbook"),
    "max_criteria_bytes": (1_000_000, "bytes in a criteria or decisions YAML file"),
    "max_yaml_depth": (40, "levels of nesting in a YAML file"),
    "max_yaml_nodes": (100_000, "YAML nodes once aliases are expanded"),
    "max_scalar_chars": (100_000, "characters in one YAML value"),
    "max_documents": (20_000, "documents in an evidence folder"),
    "max_document_bytes": (100_000_000, "bytes in one evidence document (PDF, DOCX or text)"),
    "max_document_pages": (2_000, "pages in one evidence document"),
    "max_document_chars": (5_000_000, "characters of text in one evidence document"),
    "max_document_unpacked_bytes": (
        5_000_000,
        "bytes of one document unpacked (a PDF's page contents, a DOCX's parts)",
    ),
    "max_document_mentions": (10_000, "term mentions in one evidence document"),
}


def env_name(limit: str) -> str:
    """The environment variable that sets ``limit``.

    >>> env_name("max_rows")
    'UNCT_SCORER_MAX_ROWS'
    """
    return ENV_PREFIX + limit.upper()


def raise_hint(limit: str) -> str:
    """How to raise a limit, for the end of a refusal.

    >>> raise_hint("max_rows")
    'set UNCT_SCORER_MAX_ROWS to a larger number if this is intended'
    """
    return f"set {env_name(limit)} to a larger number if this is intended"


@dataclass(frozen=True)
class Limits:
    """Every size limit, with its default (see :data:`LIMITS` and SECURITY.md).

    >>> Limits.from_env({"UNCT_SCORER_MAX_ROWS": "200_000"}).max_rows
    200000
    >>> Limits.from_env({"UNCT_SCORER_MAX_ROWS": "200k"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scorer.errors.ConfigError: environment: UNCT_SCORER_MAX_ROWS: should be a whole number ..., but it is '200k'
    """

    max_bytes: int = LIMITS["max_bytes"][0]
    max_rows: int = LIMITS["max_rows"][0]
    max_columns: int = LIMITS["max_columns"][0]
    max_cells: int = LIMITS["max_cells"][0]
    max_unzipped_bytes: int = LIMITS["max_unzipped_bytes"][0]
    max_zip_ratio: int = LIMITS["max_zip_ratio"][0]
    max_zip_parts: int = LIMITS["max_zip_parts"][0]
    max_criteria_bytes: int = LIMITS["max_criteria_bytes"][0]
    max_yaml_depth: int = LIMITS["max_yaml_depth"][0]
    max_yaml_nodes: int = LIMITS["max_yaml_nodes"][0]
    max_scalar_chars: int = LIMITS["max_scalar_chars"][0]
    max_documents: int = LIMITS["max_documents"][0]
    max_document_bytes: int = LIMITS["max_document_bytes"][0]
    max_document_pages: int = LIMITS["max_document_pages"][0]
    max_document_chars: int = LIMITS["max_document_chars"][0]
    max_document_unpacked_bytes: int = LIMITS["max_document_unpacked_bytes"][0]
    max_document_mentions: int = LIMITS["max_document_mentions"][0]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        """Limits from the environment; a value that is not a whole number >= 1 is a ConfigError."""
        env = os.environ if env is None else env
        values: dict[str, int] = {}
        problems: list[Problem] = []
        for f in fields(cls):
            name = env_name(f.name)
            if name not in env:
                continue
            try:
                values[f.name] = parse_count(env[name])
            except ValueError:
                problems.append(
                    Problem(
                        "config.environment",
                        "should be a whole number of 1 or more (such as "
                        f"{LIMITS[f.name][0]}), but it is {env[name][:40]!r}",
                        file="environment",
                        key=name,
                    )
                )
        problems += check_unknown_settings(env)
        if problems:
            raise ConfigError(problems)
        return cls(**values)


def parse_count(text: str) -> int:
    """A whole number >= 1 as people write it (``200000``, ``200_000``, ``200,000``).

    >>> parse_count(" 200_000 "), parse_count("1,000")
    (200000, 1000)
    """
    cleaned = text.strip().replace("_", "").replace(",", "")
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > 15 or int(cleaned) < 1:
        raise ValueError(text)
    return int(cleaned)


def check_unknown_settings(env: Mapping[str, str] | None = None) -> list[Problem]:
    """A problem for each ``UNCT_SCORER_*`` variable the tool does not know (a typo would otherwise do nothing).

    >>> [p.key for p in check_unknown_settings({"UNCT_SCORER_MAX_ROW": "5", "UNCT_SCORER_MAX_ROWS": "5"})]
    ['UNCT_SCORER_MAX_ROW']
    """
    env = os.environ if env is None else env
    known = {env_name(f.name) for f in fields(Limits)} | set(EXTRA_SETTINGS)
    problems = []
    for name in sorted(env):
        if name.startswith(ENV_PREFIX) and name not in known:
            from scorer.model.criteria import did_you_mean

            problems.append(
                Problem(
                    "config.environment",
                    f"is not a setting of unct-scorer{did_you_mean(name, sorted(known))}",
                    file="environment",
                    key=name,
                    fix="unset it",
                )
            )
    return problems


EXTRA_SETTINGS: tuple[str, ...] = ("UNCT_SCORER_PROGRESS",)  # 1: progress bars off a terminal too (scorer.cli.progress)


def check_source_date_epoch(env: MutableMapping[str, str] | None = None) -> None:
    """Validate ``SOURCE_DATE_EPOCH`` (reproducible builds) before anything reads it.

    Set but empty (or blank) means unset, so it is removed from ``env``: NumPy's
    f2py runs ``int(os.environ["SOURCE_DATE_EPOCH"])`` when SciPy is imported and
    would crash on ''. Anything else that is not a whole number is a ConfigError.

    >>> env = {"SOURCE_DATE_EPOCH": " "}
    >>> check_source_date_epoch(env); env
    {}
    >>> check_source_date_epoch({"SOURCE_DATE_EPOCH": "1700000000"})
    >>> check_source_date_epoch({"SOURCE_DATE_EPOCH": "soon"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scorer.errors.ConfigError: SOURCE_DATE_EPOCH: should be a whole number of seconds since 1970, but it is 'soon'
    """
    env = os.environ if env is None else env
    raw = env.get("SOURCE_DATE_EPOCH")
    if raw is None:
        return
    if raw.strip() == "":
        del env["SOURCE_DATE_EPOCH"]
        return
    try:
        int(raw)  # the very parse f2py applies
    except ValueError:
        raise ConfigError(
            Problem(
                "config.environment",
                f"should be a whole number of seconds since 1970, but it is {raw[:40]!r}",
                key="SOURCE_DATE_EPOCH",
            )
        ) from None


def file_kind(mode: int) -> str:
    """What a file is, in words, from its ``st_mode``.

    >>> file_kind(stat.S_IFIFO), file_kind(stat.S_IFDIR)
    ('a named pipe (FIFO)', 'a folder')
    """
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_regular_file(path: Path, *, error: type[ScorerError], code: str, what: str = "file") -> os.stat_result:
    """Refuse, before anything opens it, a path that is missing or not a regular file, saying what it is.

    The one check of every input file (exit code 1 with a located error, never click's usage error 2).

    >>> check_regular_file(Path("."), error=ScorerError, code="data.x", what="CSV file")
    Traceback (most recent call last):
    ...
    scorer.errors.ScorerError: .: should be a CSV file, but it is a folder
    """
    file = printable_name(str(path))
    refuse_control_characters(path, error=error, code=code + ".read")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error(Problem(code + ".missing", "file not found", file=file)) from None
    except OSError as exc:
        message = f"should be a readable {what}, but it cannot be examined ({os_reason(exc)})"
        raise error(Problem(code + ".read", message, file=file)) from None
    if not stat.S_ISREG(info.st_mode):
        article = "an" if what[:1].lower() in "aeiou" else "a"
        message = f"should be {article} {what}, but it is {file_kind(info.st_mode)}"
        raise error(Problem(code + ".read", message, file=file))
    return info


def read_limited(
    path: Path,
    *,
    limit: int,
    limit_name: str,
    error: type[ScorerError],
    code: str,
    what: str = "file",
) -> bytes:
    """The bytes of a regular file, refusing anything else and anything over ``limit`` bytes.

    The file is checked with ``os.stat`` before it is opened (so a FIFO cannot
    block), opened without following it into a FIFO swapped in since
    (``O_NONBLOCK``), and read up to ``limit + 1`` bytes whatever its size claims.
    """
    file = str(path)

    def fail(message: str, *, fix: str | None = None, kind: str = ".read") -> ScorerError:
        return error(Problem(code + kind, message, file=printable_name(file), fix=fix))

    info = check_regular_file(path, error=error, code=code, what=what)
    if info.st_size > limit:
        raise fail(
            f"should be at most {limit:,} bytes, but it is {info.st_size:,}",
            fix=raise_hint(limit_name),
            kind=".too_large",
        )
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise fail(f"should be a readable {what}, but it cannot be opened ({os_reason(exc)})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise fail(f"should be a {what}, but it is {file_kind(os.fstat(fd).st_mode)}")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise fail(f"should be a readable {what}, but reading it failed ({os_reason(exc)})") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise fail(
            f"should be at most {limit:,} bytes, but it is larger", fix=raise_hint(limit_name), kind=".too_large"
        )
    return data


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def printable_name(name: str) -> str:
    """A file name with control characters escaped, fit for a one-line message.

    >>> printable_name("a\\nb.csv")
    "'a\\\\nb.csv'"
    """
    return repr(name) if _CONTROL.search(name) else name


def refuse_control_characters(path: Path, *, error: type[ScorerError], code: str) -> None:
    """Refuse a file name holding a line break or another control character.

    Names are written into outputs (provenance, comments, Markdown, the command
    that reproduces a file); a line break there could forge a line of YAML or
    Markdown, so such a name is refused at the edge, whatever the output.
    """
    found = _CONTROL.search(str(path))
    if found:
        raise error(
            Problem(
                code,
                f"should have a name without line breaks or control characters, but it has {found.group()!r}",
                file=printable_name(str(path)),
                fix="rename the file",
            )
        )


def os_reason(exc: OSError) -> str:
    """A short, stable reason for an operating-system error.

    >>> os_reason(PermissionError(13, "Permission denied"))
    'permission denied'
    >>> os_reason(OSError(28, "No space left on device"))
    'no space left on the device'
    """
    reasons = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EFBIG: "file too large for this system's limit (ulimit -f)",
        errno.EROFS: "the file system is read-only",
        errno.ENOENT: "no such file or folder",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EISDIR: "it is a folder",
        errno.EIO: "input/output error",
        errno.ELOOP: "too many symbolic links",
        errno.ENAMETOOLONG: "the name is too long",
        errno.EEXIST: "it already exists",
    }
    if exc.errno in reasons:
        return reasons[exc.errno]
    return (exc.strerror or type(exc).__name__).lower()
