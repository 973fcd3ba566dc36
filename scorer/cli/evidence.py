"""``unct-scorer evidence``: read Cooperation Framework documents, suggest criterion 3's level."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scorer.cli.common import note, note_written
from scorer.cli.options import INPUT_PATH, criteria_option, example, output_options
from scorer.cli.progress import progress_bar

if TYPE_CHECKING:
    from scorer.evidence.model import EvidenceResult


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr, shown only on a terminal and without --quiet."""
    with progress_bar(total, "Reading documents") as progress:
        if progress is None:
            yield lambda _n: None
            return
        done = [0]

        def advance(n: int) -> None:
            done[0] += n
            progress(done[0], total)

        yield advance


def rules_file(criteria_path: Path | None) -> Path | None:
    """The criteria file that may hold the level rules: the one given, else the project's (None: the term file's)."""
    if criteria_path is not None:
        return criteria_path
    from scorer.io.project import find_project, read_project

    found = find_project(Path.cwd())
    project = read_project(found) if found is not None else None
    return project.criteria if project is not None else None


@click.command("evidence")
@click.argument("folder", type=INPUT_PATH)
@output_options(help="Write the evidence; .csv (one row per country), .json (everything) or .xlsx.", required=True)
@click.option(
    "--terms",
    "term_files",
    type=INPUT_PATH,
    metavar="FILE",
    multiple=True,
    help="A YAML file extending the bundled IP term list (repeatable).",
)
@click.option(
    "--countries",
    "mapping_path",
    type=INPUT_PATH,
    metavar="FILE",
    default=None,
    help="CSV with columns file,country for documents whose country is not in the file name or title page.",
)
@criteria_option(
    "Criteria file whose criterion-3 indicator may declare the level rules (an `evidence:` block; default: "
    "the project's criteria, if any). Without such a block the term file's rules apply."
)
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Documents read at once, in separate processes (0: one per CPU).",
)
@example(
    """
unct-scorer evidence cf_documents/ -o evidence.csv
unct-scorer evidence cf_documents/ -o evidence.json --terms my_terms.yaml --countries files.csv
unct-scorer evidence cf_documents/ -o evidence.csv -c my-criteria.yaml   # its level rules
unct-scorer rank countries.xlsx --evidence evidence.csv
"""
)
def command(
    folder: Path,
    output: Path,
    force: bool,
    term_files: tuple[Path, ...],
    mapping_path: Path | None,
    criteria_path: Path | None,
    jobs: int,
) -> None:
    """Read the Cooperation Framework documents in FOLDER (PDF, DOCX, TXT) and suggest criterion 3.

    For each country: the documents read, the IP and WIPO mentions (count,
    density per 10,000 words, where they stand: outcome, results framework,
    partners, narrative, acronyms), the strongest passages with file and
    page, and a SUGGESTED level of government interest (none, expressed,
    requested, included) with the passages behind it. `rank --evidence`
    takes the suggestions; values typed in the sheet always win.

    The level rules are the criteria file's when its criterion-3 indicator
    declares them (`evidence:`), else the term file's: WIPO named as a
    partner or signatory -> included; IP in an outcome or output ->
    requested; IP only in the narrative -> expressed; nothing -> none.

    PDF and DOCX need: pip install 'unct-scorer[evidence]'.
    """
    from scorer.io.criteria_file import load_criteria
    from scorer.io.documents import collect_evidence, default_jobs, list_documents
    from scorer.io.evidence_file import (
        EVIDENCE_FORMATS,
        evidence_provenance,
        evidence_rules,
        load_mapping,
        load_terms,
        write_evidence,
    )
    from scorer.io.outputs import check_target

    if output.suffix.lower() not in EVIDENCE_FORMATS:
        raise click.UsageError(f"--output should end in {', '.join(EVIDENCE_FORMATS)}, but it is {output.name!r}")
    check_target(output, force=force)
    terms = load_terms(term_files)
    rules_from = rules_file(criteria_path)
    rules = evidence_rules(load_criteria(rules_from)) if rules_from is not None else None
    terms = terms.with_rules(rules)
    mapping = load_mapping(mapping_path) if mapping_path is not None else None
    total = len(list_documents(folder))
    with _progress(total) as advance:
        result = collect_evidence(folder, terms, mapping=mapping, progress=advance, jobs=jobs or default_jobs())
    inputs = tuple(term_files) + ((mapping_path,) if mapping_path else ())
    write_evidence(
        result,
        output,
        force=force,
        provenance_data=evidence_provenance(
            terms,
            term_files,
            sys.argv[1:],
            rules_file=rules_from if rules is not None else None,
            mapping_file=mapping_path,
            result=result,
        ),
        inputs=inputs,
    )
    _summary(result, total, output)
    if result.problems:
        raise click.exceptions.Exit(1)


def _summary(result: EvidenceResult, total: int, output: Path) -> None:
    """The problems, notes, scanned pages and a one-line count, on stderr."""
    for problem in result.problems:
        click.echo(f"Error: {problem.format()}", err=True)
    for line in result.notes:
        note(f"Note: {line}")
    for doc in (d for c in result.countries for d in c.documents):
        if doc.pages_without_text:
            scanned = ", ".join(map(str, doc.pages_without_text))
            note(f"Note: {doc.file}: pages {scanned} have no text layer (scanned?) and were not read (no OCR)")
    levels = [c.suggestion.level or "no suggestion" for c in result.countries]
    summary = ", ".join(f"{levels.count(level)} {level}" for level in dict.fromkeys(sorted(levels)))
    pages = sum(d.pages for c in result.countries for d in c.documents)
    countries = len(result.countries)
    note(
        f"Read {total} document{'s' * (total != 1)} ({pages} pages) for {countries} "
        f"{'country' if countries == 1 else 'countries'}; suggested: {summary or 'none'}"
    )
    note_written(f"Wrote {output} (levels are suggestions: check the passages; typed values in your sheet win)")
