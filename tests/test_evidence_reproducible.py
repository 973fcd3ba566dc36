"""Same documents, same bytes: every `evidence` output format, read by one process or several, in any folder.

The outputs record the command and one SHA-256 over the documents read, so a
changed document shows in the provenance even when no count changes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scorer.cli import main
from tests.evidence_docs import IMAGE_PAGE, write_docx, write_pdf, write_text


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cf") / "docs"
    root.mkdir()
    write_pdf(root / "KEN_cf.pdf", [["Kenya 2022-2026"], ["Outcome 1: firms file patents.", "Partners: WIPO"]])
    write_pdf(root / "GHA_cf.pdf", [["Ghana"], IMAGE_PAGE])
    write_docx(root / "SEN_cf.docx", [["Sénégal 2024-2028"], ["Effet 2 : la propriété intellectuelle."]])
    write_text(root / "PER_cf.txt", [["Perú"], ["Resultado 1: la propiedad", "intelectual y la OMPI."]])
    return root


def evidence(folder: Path, out: str, monkeypatch: pytest.MonkeyPatch, *extra: str) -> Path:
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["evidence", "docs", "-o", out, *extra])
    assert result.exit_code == 0, result.output
    return folder / out


@pytest.mark.parametrize("kind", [".csv", ".json", ".xlsx"])
def test_same_documents_give_the_same_bytes_in_another_folder(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    first, again = tmp_path / "first", tmp_path / "again"
    for folder in (first, again):
        shutil.copytree(docs, folder / "docs")
    one = evidence(first, f"e{kind}", monkeypatch)
    two = evidence(again, f"e{kind}", monkeypatch)
    assert one.read_bytes() == two.read_bytes()
    if kind == ".csv":
        meta = "e.csv-metadata.json"
        assert (first / meta).read_bytes() == (again / meta).read_bytes()
    if kind == ".xlsx":
        rows = load_workbook(one)["Provenance"].iter_rows(min_row=2, values_only=True)
        recorded = {k: v for k, v, *_ in rows}
        assert recorded["command"] == "unct-scorer evidence docs -o e.xlsx"
        assert len(str(recorded["documents_sha256"])) == 64


def without_command(path: Path) -> object:
    """An output's content with the recorded command left out (it names --jobs)."""
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        del data["provenance"]["command"]
        return data
    book = load_workbook(path)
    return {
        name: [row for row in book[name].iter_rows(values_only=True) if row[0] != "command"] for name in book.sheetnames
    }


@pytest.mark.parametrize("kind", [".csv", ".json", ".xlsx"])
def test_one_or_two_processes_read_the_same(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    shutil.copytree(docs, tmp_path / "docs")
    one = evidence(tmp_path, f"one{kind}", monkeypatch, "--jobs", "1")
    two = evidence(tmp_path, f"two{kind}", monkeypatch, "--jobs", "2")
    if kind == ".csv":
        assert one.read_bytes() == two.read_bytes()
    else:
        assert without_command(one) == without_command(two)


def test_a_changed_document_changes_the_recorded_digest(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(docs, tmp_path / "docs")
    before = json.loads(evidence(tmp_path, "e.json", monkeypatch).read_text(encoding="utf-8"))
    with (tmp_path / "docs" / "PER_cf.txt").open("a", encoding="utf-8") as fh:
        fh.write("\n")  # no count changes
    after = json.loads(evidence(tmp_path, "e2.json", monkeypatch).read_text(encoding="utf-8"))
    assert before["countries"] == after["countries"]
    assert before["provenance"]["documents_sha256"] != after["provenance"]["documents_sha256"]
    per = {d["file"]: d["sha256"] for d in after["documents"]}
    assert per["PER_cf.txt"] != {d["file"]: d["sha256"] for d in before["documents"]}["PER_cf.txt"]
