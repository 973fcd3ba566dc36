"""Evidence files: the term list in, the evidence table out, and back into ``rank``.

* :func:`load_terms` reads the bundled ``scorer/data/ip_terms.yaml`` and any
  user files extending it;
* :func:`load_mapping` reads a CSV mapping document files to countries;
* :func:`write_evidence` writes the evidence as CSV (one row per country),
  JSON (everything, with provenance) or XLSX (Countries, Documents,
  Passages, Provenance sheets);
* :func:`read_suggestions` and :func:`apply_evidence_file` read the
  suggested levels back and put them into a country sheet for ``rank``.
"""

from __future__ import annotations

import csv
import importlib.resources
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import ValidationError

from scorer.errors import ConfigError, DataError, OutputError, Problem
from scorer.evidence.merge import MergeReport, apply_suggestions, evidence_column
from scorer.evidence.model import EvidenceResult, Passage
from scorer.evidence.rules import EvidenceRules
from scorer.evidence.tables import COUNTRY_COLUMNS, country_rows, document_rows, passage_rows
from scorer.evidence.terms import Term, TermList
from scorer.io.criteria_file import SAFE_LOADER
from scorer.io.limits import check_regular_file
from scorer.io.outputs import to_json, write_text, write_workbook
from scorer.io.results import provenance, write_csv
from scorer.model.criteria import Criteria
from scorer.prepare.countries import CountryResolver, default_resolver

MAX_TERM_BYTES = 1_000_000
EVIDENCE_FORMATS = (".csv", ".json", ".xlsx")
BUNDLED_TERMS = "scorer/data/ip_terms.yaml"


def _yaml_mapping(text: str, file: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)  # libyaml's C parser where it is installed
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(
            Problem("config.yaml", f"should be valid YAML, but it is not ({exc})", file=file, line=line)
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            Problem("config.terms", f"should be a mapping of keys, but it is {type(data).__name__}", file=file)
        )
    return data


def _located(exc: ValidationError, file: str, prefix: str = "") -> ConfigError:
    problems = []
    for error in exc.errors():
        key = prefix + ".".join(str(part) for part in error["loc"]) or None
        found = error.get("input")
        message = error["msg"]
        if error["type"] != "value_error" and not isinstance(found, dict | list):
            message += f", but it is {found!r}"
        problems.append(Problem("config.terms", message.removeprefix("Value error, "), file=file, key=key))
    return ConfigError(problems)


def _read_text(path: Path) -> str:
    check_regular_file(path, error=ConfigError, code="config.terms", what="term file")
    size = path.stat().st_size
    if size > MAX_TERM_BYTES:
        raise ConfigError(
            Problem("config.terms", f"should be at most {MAX_TERM_BYTES:,} bytes, but it is {size:,}", file=str(path))
        )
    return path.read_text(encoding="utf-8-sig")


def load_terms(extra: Sequence[Path] = ()) -> TermList:
    """The bundled term list, extended by each user file in turn.

    >>> terms = load_terms()
    >>> terms.term("wipo").names["fr"]
    ['OMPI', 'Organisation Mondiale de la Propriété Intellectuelle']
    """
    bundled = (importlib.resources.files("scorer") / "data" / "ip_terms.yaml").read_text(encoding="utf-8")
    try:
        terms = TermList.model_validate(_yaml_mapping(bundled, BUNDLED_TERMS))
    except ValidationError as exc:
        raise _located(exc, BUNDLED_TERMS) from None
    for path in extra:
        patch = _yaml_mapping(_read_text(path), str(path))
        _check_new_terms(terms, patch, str(path))
        try:
            terms = terms.extended(patch)
        except ValidationError as exc:
            raise _located(exc, str(path)) from None
        except (AttributeError, TypeError) as exc:
            raise ConfigError(
                Problem("config.terms", f"should follow the layout of {BUNDLED_TERMS}, but {exc}", file=str(path))
            ) from None
    return terms


def _check_new_terms(terms: TermList, patch: dict[str, Any], file: str) -> None:
    """Validate the user's new terms on their own, so errors name the index in the user's file."""
    items = patch.get("terms") or []
    if not isinstance(items, list):
        raise ConfigError(Problem("config.terms", "should be a list of terms, but it is not", file=file, key="terms"))
    known = {term.id for term in terms.terms}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ConfigError(
                Problem("config.terms", "should be a mapping (id, kind, weight, ...)", file=file, key=f"terms.{index}")
            )
        if item.get("id") in known:
            continue
        try:
            Term.model_validate(item)
        except ValidationError as exc:
            raise _located(exc, file, prefix=f"terms.{index}.") from None


def load_mapping(path: Path, resolver: CountryResolver | None = None) -> dict[str, str]:
    """A CSV with columns ``file`` and ``country`` (a name or code): file name -> ISO3.

    Every bad row is reported at once, with its row number: a blank file or
    country, a country that names no or several countries, a file given twice
    with two countries. The file is read within the spreadsheet byte limit.
    """
    from scorer.io.limits import Limits, read_limited
    from scorer.io.spreadsheet import decode_text

    resolver = resolver or default_resolver()
    file = str(path)
    data = read_limited(
        path,
        limit=Limits.from_env().max_bytes,
        limit_name="max_bytes",
        error=DataError,
        code="data.mapping",
        what="CSV file",
    )
    reader = csv.DictReader(io.StringIO(decode_text(data, file=file)))
    header = {name.strip().casefold(): name for name in reader.fieldnames or [] if name}
    if not {"file", "country"} <= set(header):
        raise DataError(
            Problem(
                "data.mapping",
                f"should have the columns file and country, but it has {', '.join(sorted(header)) or 'none'}",
                file=file,
            )
        )
    mapping: dict[str, str] = {}
    first: dict[str, int] = {}
    problems: list[Problem] = []

    def problem(message: str, number: int, column: str) -> None:
        problems.append(Problem("data.mapping", message, file=file, row=number, column=column))

    for number, row in enumerate(reader, start=2):
        name = (row.get(header["file"]) or "").strip()
        country = (row.get(header["country"]) or "").strip()
        if not name and not country:
            continue
        if not name:
            problem(f"should name a document of the folder for {country!r}, but it is blank", number, "file")
            continue
        codes = resolver.candidates(country) if country else []
        if len(codes) != 1:
            found = repr(country) + f" names {len(codes) or 'no'} known countries" if country else "it is blank"
            problem(f"should name one country, but {found}", number, "country")
        elif name in mapping and mapping[name] != codes[0]:
            problem(
                f"should give {name!r} one country, but it gives {codes[0]} here and {mapping[name]} "
                f"in row {first[name]}",
                number,
                "country",
            )
        else:
            mapping[name] = codes[0]
            first.setdefault(name, number)
    if problems:
        raise DataError(problems)
    return mapping


def evidence_provenance(
    terms: TermList,
    term_files: Sequence[Path],
    argv: Sequence[str] | None,
    *,
    rules_file: Path | None = None,
    mapping_file: Path | None = None,
    result: EvidenceResult | None = None,
) -> dict[str, str]:
    """Tool, command, term list version, the user's term files, the mapping file and the criteria file whose
    level rules were used (``rules_file``), with their SHA-256, and one SHA-256 over the documents read (no clock)."""
    inputs = {f"terms_{i + 1}": path for i, path in enumerate(term_files)}
    if rules_file is not None:
        inputs["criteria"] = rules_file
    if mapping_file is not None:
        inputs["countries"] = mapping_file
    extra = {"terms_version": terms.version, "level_rules": "criteria file" if rules_file else "term file"}
    if result is not None:
        extra["documents_sha256"] = result.documents_sha256()
    return provenance(inputs, argv=list(argv) if argv is not None else None, extra=extra)


def write_evidence(
    result: EvidenceResult, path: Path, *, force: bool, provenance_data: dict[str, str], inputs: tuple[Path, ...] = ()
) -> None:
    """Write the evidence in the format the extension names (.csv, .json or .xlsx)."""
    suffix = path.suffix.lower()
    countries = pd.DataFrame(country_rows(result), columns=list(COUNTRY_COLUMNS))
    if suffix == ".csv":  # its provenance beside it, as for every CSV output
        write_csv(path, countries, provenance_data, force=force, guard=inputs)
    elif suffix == ".json":
        data = {
            "provenance": provenance_data,
            "countries": [
                {
                    **row,
                    "passages": [p.to_dict() for p in c.passages],
                    "justifying_passages": [p.to_dict() for p in c.suggestion.passages],
                }
                for row, c in zip(country_rows(result), result.countries, strict=True)
            ],
            "documents": document_rows(result),
            "problems": [p.to_dict() for p in result.problems],
            "notes": list(result.notes),
        }
        write_text(path, to_json(data), force=force, inputs=inputs)
    elif suffix == ".xlsx":
        sheets = {
            "Countries": countries,
            "Documents": pd.DataFrame(document_rows(result)),
            "Passages": pd.DataFrame(passage_rows(result)),
            "Problems": pd.DataFrame([p.to_dict() for p in result.problems]),
            "Provenance": pd.DataFrame([{"key": k, "value": v} for k, v in provenance_data.items()]),
        }
        write_workbook(path, sheets, force=force, inputs=inputs)
    else:
        raise OutputError(
            Problem(
                "output.format",
                f"should end in one of {', '.join(EVIDENCE_FORMATS)}, but it ends in {suffix or 'nothing'!r}",
                file=str(path),
            )
        )


def _evidence_frame(path: Path) -> tuple[pd.DataFrame, list[dict[str, Any]] | None]:
    """The country table of an evidence file (and, for JSON, its records with the passages)."""
    file = str(path)
    check_regular_file(path, error=DataError, code="data.evidence", what="evidence file")
    suffix = path.suffix.lower()
    records = None
    if suffix == ".json":
        try:
            records = json.loads(path.read_text(encoding="utf-8"))["countries"]
            frame = pd.DataFrame(records)
        except (ValueError, KeyError, TypeError):
            raise DataError(
                Problem("data.evidence", "should be JSON written by `unct-scorer evidence`, but it is not", file=file)
            ) from None
    elif suffix == ".xlsx":
        frame = pd.read_excel(path, sheet_name="Countries", dtype=str, keep_default_na=False)
    elif suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        raise DataError(
            Problem(
                "data.evidence",
                f"should be a .csv, .json or .xlsx file, but it is {suffix or 'without extension'!r}",
                file=file,
            )
        )
    missing = [c for c in ("iso3", "suggested_level") if c not in frame.columns]
    if missing:
        raise DataError(
            Problem(
                "data.evidence",
                f"should have the columns iso3 and suggested_level, but {', '.join(missing)} is missing",
                file=file,
            )
        )
    return frame, records


def read_suggestions(path: Path) -> list[tuple[int, str, str]]:
    """(line or record number, ISO3, suggested level) from an evidence file written by :func:`write_evidence`."""
    frame, records = _evidence_frame(path)
    rows = [
        (number, str(r.iso3).strip().upper(), str(r.suggested_level).strip())
        for number, r in enumerate(frame.itertuples(index=False), start=2 if records is None else 1)
    ]
    first: dict[str, int] = {}
    for number, iso3, _ in rows:
        if iso3 in first:
            raise DataError(
                Problem(
                    "data.evidence",
                    f"each country should appear once, but {iso3} appears again (first at {first[iso3]})",
                    file=str(path),
                    line=number,
                )
            )
        first[iso3] = number
    return rows


SOURCE = re.compile(r"^(?P<file>.+) p\. (?P<page>\d+) \((?P<contexts>[^()]*)\)$")
"""``source_N`` as :meth:`scorer.evidence.model.Passage.source` writes it: ``KEN.pdf p. 12 (outcome)``."""


def read_passages(path: Path, *, limit: int = 3) -> dict[str, list[Passage]]:
    """For the report: per ISO3, the passages behind the suggested level, then the strongest others
    (the order of :func:`scorer.evidence.passages_by_country`), from any evidence file ``evidence`` writes.

    JSON holds every passage; CSV and XLSX the ``passage_N`` and ``source_N`` columns (the first three).
    """
    frame, records = _evidence_frame(path)
    if records is None:
        return _table_passages(frame, str(path), limit=limit)
    try:
        out: dict[str, list[Passage]] = {}
        for country in records:
            chosen = [_passage(p) for p in country["justifying_passages"]]
            keys = {(p.file, p.page, p.text) for p in chosen}
            chosen += [q for q in map(_passage, country["passages"]) if (q.file, q.page, q.text) not in keys]
            out[str(country["iso3"]).strip().upper()] = chosen[:limit]
    except (ValueError, KeyError, TypeError):
        raise DataError(
            Problem(
                "data.evidence",
                "should be JSON written by `unct-scorer evidence -o FILE.json`, but it is not",
                file=str(path),
            )
        ) from None
    return out


def _table_passages(frame: pd.DataFrame, file: str, *, limit: int) -> dict[str, list[Passage]]:
    out: dict[str, list[Passage]] = {}
    problems = []
    for number, row in enumerate(frame.to_dict("records"), start=2):
        passages = []
        for index in range(1, limit + 1):
            text, source = str(row.get(f"passage_{index}", "")).strip(), str(row.get(f"source_{index}", "")).strip()
            if not text:
                continue
            found = SOURCE.match(source)
            if found is None:
                problems.append(
                    Problem(
                        "data.evidence",
                        f"should read 'FILE p. PAGE (CONTEXT)', but it is {source!r}",
                        file=file,
                        line=number,
                        column=f"source_{index}",
                    )
                )
                continue
            contexts = tuple(c.strip() for c in found["contexts"].split(",") if c.strip())
            passages.append(Passage(found["file"], int(found["page"]), text, contexts, (), 0.0))
        out[str(row["iso3"]).strip().upper()] = passages
    if problems:
        raise DataError(problems)
    return out


def _passage(data: dict[str, Any]) -> Passage:
    return Passage(
        file=str(data["file"]),
        page=int(data["page"]),
        text=str(data["text"]),
        contexts=tuple(data["contexts"]),
        terms=tuple(data["terms"]),
        score=float(data["score"]),
    )


def evidence_rules(criteria: Criteria) -> EvidenceRules | None:
    """The level rules criterion 3's indicator declares (its ``evidence:`` block), None when it declares none.

    >>> from scorer.resources import default_criteria_path
    >>> from scorer.io.criteria_file import load_criteria
    >>> evidence_rules(load_criteria(default_criteria_path())) is None
    True
    """
    column, _levels, _policy = evidence_column(criteria)
    for _cid, _iid, ind in criteria.indicator_items():
        if ind.column == column and ind.evidence is not None:
            return ind.evidence
    return None


def read_levels(path: Path, criteria: Criteria) -> tuple[str, dict[str, float], str, dict[str, tuple[str, str]]]:
    """The column criterion 3 reads, its levels, its missing-data policy and, per ISO3, the suggested level
    (spelled as the criteria spell it; "" for no suggestion) and its basis in words, from an evidence file.

    A level the criteria do not know is a located error (file, line, column).
    """
    column, levels, policy = evidence_column(criteria)
    rows = read_suggestions(path)
    known = {level.casefold(): level for level in levels}
    problems = [
        Problem(
            "data.evidence",
            f"should be one of {', '.join(levels)} (the levels of {column}), but it is {level!r}",
            file=str(path),
            line=number,
            column="suggested_level",
        )
        for number, _, level in rows
        if level and level.casefold() not in known
    ]
    if problems:
        raise DataError(problems)
    frame, _records = _evidence_frame(path)
    basis = frame["suggestion_basis"].astype(str).tolist() if "suggestion_basis" in frame.columns else []
    suggested = {
        iso3: (known.get(level.casefold(), ""), basis[i] if i < len(basis) else "")
        for i, (_, iso3, level) in enumerate(rows)
    }
    return column, levels, policy, suggested


def apply_evidence_file(
    df: pd.DataFrame, criteria: Criteria, path: Path, *, resolver: CountryResolver | None = None
) -> tuple[pd.DataFrame, MergeReport]:
    """The sheet with criterion 3's blank cells filled from an evidence file (typed values win)."""
    resolver = resolver or default_resolver()
    column, levels, policy, suggested = read_levels(path, criteria)
    id_column = df.attrs.get("id_column") or criteria.id_column
    if id_column not in df.columns:
        id_column = resolver.detect_id_column(df) or id_column
    if id_column not in df.columns:
        raise DataError(
            Problem("data.evidence", f"the sheet should have a country column ({criteria.id_column}), but it has none")
        )
    return apply_suggestions(
        df,
        {iso3: level for iso3, (level, _basis) in suggested.items()},
        column=column,
        id_column=id_column,
        resolver=resolver,
        levels=list(levels),
        source=path.name,
        missing_policy=policy,
    )
