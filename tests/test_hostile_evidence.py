"""Hostile document folders for `unct-scorer evidence`: each bad file is one located line, the rest is still read.

Each test here failed before the fix it names: a FIFO, a device, a looping or
broken link and a link out of the folder were skipped without a word (or read:
the link to a file outside); a file naming two countries went to the first; a
DOCX of 1 MB unpacked to 460 MB and took 8 GB; a 38 KB PDF drawing one 2 MB
content stream on each of 200 pages ran for over 5 minutes; a 99 MB text file
of terms took 279 s and 9.9 GB; UNCT_SCORER_MAX_DOCUMENT_PAGES broke every
other command and a bad value of it was ignored; a mapping file giving one
file two countries kept the last; the CSV output had no provenance.
"""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorer.cli import main
from scorer.errors import DataError
from scorer.io.documents import DocumentLimits, collect_evidence, scan_folder
from scorer.io.evidence_file import load_mapping, load_terms
from tests.evidence_docs import write_docx, write_text


def run(*args: str, env: dict[str, str] | None = None, seconds: float = 20.0) -> tuple[int, str]:
    start = time.perf_counter()
    result = CliRunner().invoke(main, list(args), env=env)
    assert time.perf_counter() - start < seconds
    assert "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stderr


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    write_text(root / "GHA_cf.txt", [["Ghana 2023-2027"], ["Partners: UNDP, WIPO"]])
    return root


def ghana_still_read(out: Path) -> None:
    rows = out.read_text(encoding="utf-8").splitlines()
    assert next(row for row in rows if row.startswith("GHA,")).startswith("GHA,Ghana,included,")


def test_files_that_are_not_regular_documents_are_named_and_the_rest_read(folder: Path, tmp_path: Path) -> None:
    os.mkfifo(folder / "KEN_cf.txt")
    (folder / "NGA_cf.txt").symlink_to("/dev/zero")
    (folder / "x.pdf").symlink_to(folder / "y.pdf")
    (folder / "y.pdf").symlink_to(folder / "x.pdf")
    (folder / "gone.docx").symlink_to(folder / "missing.docx")
    secret = tmp_path / "secret.txt"
    secret.write_text("WIPO intellectual property", encoding="utf-8")
    (folder / "BRA_cf.txt").symlink_to(secret)
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)  # a loop of folders: not followed
    out = tmp_path / "e.csv"
    code, err = run("evidence", str(folder), "-o", str(out))
    assert code == 1
    assert errors(err) == [
        "Error: BRA_cf.txt: should be a document inside the folder, but it is a symbolic link to a file outside it",
        "Error: KEN_cf.txt: should be a document, but it is a named pipe (FIFO)",
        "Error: NGA_cf.txt: should be a document, but it is a character device",
        "Error: gone.docx: should be a readable document, but it is a symbolic link that leads nowhere "
        "(no such file or folder)",
        "Error: x.pdf: should be a readable document, but it is a symbolic link that leads nowhere "
        "(too many symbolic links)",
        "Error: y.pdf: should be a readable document, but it is a symbolic link that leads nowhere "
        "(too many symbolic links)",
    ]
    ghana_still_read(out)
    text = out.read_text(encoding="utf-8")
    assert "secret" not in text
    # the countries whose file could not be read get no suggestion, never a false "none"
    levels = {line.split(",")[0]: line.split(",")[2] for line in text.splitlines()[1:]}
    assert levels == {"BRA": "", "GHA": "included", "KEN": "", "NGA": ""}


def test_a_file_name_naming_two_countries_is_not_given_to_either(folder: Path, tmp_path: Path) -> None:
    write_text(folder / "Niger_Nigeria_CF.txt", [["Cooperation Framework"], ["intellectual property"]])
    write_text(folder / "Sudan and South Sudan.txt", [["Joint annex"], ["patents"]])
    write_text(folder / "Guinea-Bissau_Guinea.txt", [["Cadre de coopération, Guinée"], ["brevets"]])
    out = tmp_path / "e.csv"
    code, err = run("evidence", str(folder), "-o", str(out))
    assert code == 1
    assert errors(err) == [
        "Error: Niger_Nigeria_CF.txt: should name one country in its file name or on its title page, but its file "
        "name names 2 (NER, NGA) and its title page none; add the file to a mapping file (--countries)",
        "Error: Sudan and South Sudan.txt: should name one country in its file name or on its title page, but its "
        "file name names 2 (SSD, SDN) and its title page none; add the file to a mapping file (--countries)",
    ]
    # the title page settles a file name that names two countries
    iso3 = [line.split(",")[0] for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert iso3 == ["GHA", "GIN"]


def docx_bomb(path: Path, megabytes: int) -> Path:
    """A small DOCX whose document part unpacks to ``megabytes`` MB (spaces compress about 1000-fold)."""
    write_docx(path, [["intellectual property"]])
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "word/document.xml":
                content = content.replace(b"</w:body>", b" " * (megabytes * 1_000_000) + b"</w:body>")
            dst.writestr(info.filename, content, compresslevel=1)
    path.write_bytes(out.getvalue())
    return path


def test_a_docx_zip_bomb_is_refused_from_its_directory(folder: Path, tmp_path: Path) -> None:
    docx_bomb(folder / "KEN_cf.docx", 3)
    out = tmp_path / "e.csv"
    code, err = run("evidence", str(folder), "-o", str(out), env={"UNCT_SCORER_MAX_DOCUMENT_UNPACKED_BYTES": "2000000"})
    assert code == 1
    [line] = errors(err)
    assert line.startswith(
        "Error: KEN_cf.docx: should unpack to at most 2,000,000 bytes in at most 10,000 parts, but it unpacks to 3,"
    )
    assert line.endswith(
        "(a zip bomb?) (set UNCT_SCORER_MAX_DOCUMENT_UNPACKED_BYTES to a larger number if this is intended)"
    )
    ghana_still_read(out)


def shared_stream_pdf(path: Path, *, pages: int, kilobytes: int) -> Path:
    """A small PDF whose pages all draw one content stream of ``kilobytes`` KB of text operations."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    op = b"BT /F1 12 Tf 10 10 Td (intellectual property) Tj ET\n"
    stream = DecodedStreamObject()
    stream.set_data(op * (kilobytes * 1000 // len(op)))
    stream_ref = writer._add_object(stream.flate_encode(level=9))
    for _ in range(pages):
        page = writer.add_blank_page(width=200, height=200)
        page[NameObject("/Contents")] = stream_ref
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    writer.write(path)
    return path


def test_a_pdf_drawing_one_stream_on_every_page_stops_at_the_unpacked_limit(folder: Path) -> None:
    shared_stream_pdf(folder / "KEN_cf.pdf", pages=200, kilobytes=100)
    assert (folder / "KEN_cf.pdf").stat().st_size < 50_000
    limits = DocumentLimits(max_unpacked_bytes=250_000)
    start = time.perf_counter()
    result = collect_evidence(folder, load_terms(), limits=limits)
    assert time.perf_counter() - start < 10
    assert [p.format() for p in result.problems] == [
        "KEN_cf.pdf: should unpack to at most 250,000 bytes of page content, but it unpacks to more by page 3 "
        "(a PDF built to be slow to read?) (set UNCT_SCORER_MAX_DOCUMENT_UNPACKED_BYTES to a larger number if this "
        "is intended)"
    ]
    assert [c.iso3 for c in result.countries] == ["GHA", "KEN"]


def test_text_and_mentions_have_limits(folder: Path, tmp_path: Path) -> None:
    write_text(folder / "KEN_cf.txt", [["intellectual property. " * 20]])
    write_text(folder / "NGA_cf.txt", [["x " * 3000]])
    out = tmp_path / "e.csv"
    env = {"UNCT_SCORER_MAX_DOCUMENT_MENTIONS": "10", "UNCT_SCORER_MAX_DOCUMENT_CHARS": "5000"}
    code, err = run("evidence", str(folder), "-o", str(out), env=env)
    assert code == 1
    assert errors(err) == [
        "Error: KEN_cf.txt: should hold at most 10 term mentions (a Cooperation Framework holds tens), but it holds "
        "more (set UNCT_SCORER_MAX_DOCUMENT_MENTIONS to a larger number if this is intended)",
        "Error: NGA_cf.txt: should hold at most 5,000 characters of text, but it holds more (set "
        "UNCT_SCORER_MAX_DOCUMENT_CHARS to a larger number if this is intended)",
    ]
    ghana_still_read(out)


def test_a_large_text_file_is_refused_quickly(folder: Path, tmp_path: Path) -> None:
    line = "intellectual property " * 4 + "\n"
    (folder / "KEN_cf.txt").write_text(line * (6_000_000 // len(line)), encoding="utf-8")
    out = tmp_path / "e.csv"
    code, err = run("evidence", str(folder), "-o", str(out), seconds=10)
    assert code == 1
    assert errors(err)[0].startswith("Error: KEN_cf.txt: should hold at most 5,000,000 characters of text")


def test_document_limits_are_settings_like_the_others(folder: Path, tmp_path: Path) -> None:
    env = {"UNCT_SCORER_MAX_DOCUMENT_PAGES": "5"}
    code, err = run("validate", env=env)
    assert code == 0, err  # known to every command, not "is not a setting of unct-scorer"
    code, err = run(
        "evidence", str(folder), "-o", str(tmp_path / "e.csv"), env={"UNCT_SCORER_MAX_DOCUMENT_PAGES": "5k"}
    )
    assert code == 1
    assert errors(err) == [
        "Error: environment: UNCT_SCORER_MAX_DOCUMENT_PAGES: should be a whole number of 1 or more (such as 2000), "
        "but it is '5k'"
    ]
    assert not (tmp_path / "e.csv").exists()


def test_too_many_documents_are_refused(folder: Path) -> None:
    for code in ("KEN", "NGA"):
        write_text(folder / f"{code}.txt", [["x"]])
    with pytest.raises(DataError) as err:
        scan_folder(folder, max_documents=2)
    assert err.value.problems[0].format() == (
        f"{folder}: should hold at most 2 documents, but it holds more "
        "(set UNCT_SCORER_MAX_DOCUMENTS to a larger number if this is intended)"
    )


def test_ten_thousand_tiny_files_are_all_read(tmp_path: Path) -> None:
    root = tmp_path / "many"
    root.mkdir()
    for i in range(10_000):
        (root / f"KEN_{i:05d}.txt").write_bytes(b"WIPO")
    paths, problems = scan_folder(root)
    assert len(paths) == 10_000 and problems == []


def test_mapping_file_problems_are_located(tmp_path: Path) -> None:
    mapping = tmp_path / "map.csv"
    mapping.write_text(
        "file,country\nannex.txt,Kenya\nannex.txt,Ghana\n,Peru\nother.txt,\nx.txt,Congo\nannex.txt,KEN\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        load_mapping(mapping)
    assert [p.format() for p in err.value.problems] == [
        f"{mapping}: row 3: column 'country': should give 'annex.txt' one country, but it gives GHA here and KEN "
        "in row 2",
        f"{mapping}: row 4: column 'file': should name a document of the folder for 'Peru', but it is blank",
        f"{mapping}: row 5: column 'country': should name one country, but it is blank",
        f"{mapping}: row 6: column 'country': should name one country, but 'Congo' names 2 known countries",
    ]
    mapping.write_text("file,country\n", encoding="utf-8")
    assert load_mapping(mapping) == {}


def test_a_mapping_entry_for_no_document_is_noted(folder: Path, tmp_path: Path) -> None:
    write_text(folder / "annex.txt", [["Annex"], ["patents"]])
    mapping = tmp_path / "map.csv"
    mapping.write_text("file,country\nannex.txt,Kenya\nanex.txt,Peru\n", encoding="utf-8")
    out = tmp_path / "e.csv"
    code, err = run("evidence", str(folder), "-o", str(out), "--countries", str(mapping))
    assert code == 0, err
    assert "Note: the mapping file names 'anex.txt', but the folder has no such document" in err.splitlines()


def test_evidence_csv_has_its_provenance_beside_it(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.csv"
    code, err = run("evidence", str(folder), "-o", str(out))
    assert code == 0, err
    meta = json.loads((tmp_path / "e.csv-metadata.json").read_text(encoding="utf-8"))
    assert meta["url"] == "e.csv"
    assert meta["provenance"]["command"] == f"unct-scorer evidence {folder} -o {out}"
    assert len(meta["provenance"]["documents_sha256"]) == 64


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("النتيجة 1: الملكية\u200f الفكرية", "الملكية الفكرية"),  # a right-to-left mark Word puts between words
        ("النتيجة 1: الملكية\u061c\nالفكرية", "الملكية\nالفكرية"),  # an Arabic letter mark and a line break
        ("Outcome 1: intellectual\u202e property", "intellectual property"),
        ("Результат 1: интеллектуаль-\nная собственность", "интеллектуальная собственность"),
    ],
)
def test_text_direction_marks_do_not_hide_a_phrase_nor_reach_the_quotes(text: str, matched: str) -> None:
    from scorer.evidence.analysis import analyse_document
    from scorer.evidence.model import DocumentText
    from scorer.evidence.terms import Matcher

    evidence = analyse_document(DocumentText("EGY.txt", ("Title", text)), Matcher(load_terms()))
    assert [(m.term_id, m.matched) for m in evidence.mentions] == [("intellectual_property", matched)]
    quote = evidence.mentions[0].passage.text
    assert not {"\u200f", "\u061c", "\u202e"} & set(quote)


def test_a_line_break_in_a_document_name_cannot_forge_a_line(folder: Path, tmp_path: Path) -> None:
    write_text(folder / "KEN\nError: forged.txt", [["Kenya"], ["WIPO"]])
    (folder / "sub\rfolder").mkdir()
    write_text(folder / "sub\rfolder" / "NGA.txt", [["Nigeria"], ["WIPO"]])
    out = tmp_path / "e.csv"
    code, err = run("evidence", str(folder), "-o", str(out))
    assert code == 1
    assert errors(err) == [
        "Error: 'KEN\\nError: forged.txt': should have a name without line breaks or control characters, "
        "but it has '\\n'",
        "Error: 'sub\\rfolder/NGA.txt': should have a name without line breaks or control characters, but it has '\\r'",
    ]
    assert "\nError: forged" not in out.read_text(encoding="utf-8")
    ghana_still_read(out)
