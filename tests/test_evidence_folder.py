"""Evidence from a folder of generated Cooperation Framework documents: counts, places, quotes, levels.

Every document is written by the test with known mentions on known pages;
the expected values below are counted by hand from those texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pypdf")
pytest.importorskip("docx")
pytest.importorskip("fpdf")

from scorer.evidence import passages_by_country
from scorer.io.documents import collect_evidence, read_document
from scorer.io.evidence_file import load_terms
from tests.evidence_docs import IMAGE_PAGE, write_docx, write_pdf, write_text

KENYA_PAGES = [
    ["United Nations Sustainable Development", "Cooperation Framework", "Kenya 2022-2026"],
    ["Acronyms", "UNDP United Nations Development Programme", "WIPO World Intellectual Property Organization"],
    [
        "Introduction",
        "The Government recognises the role of intellectual",
        "property in the knowledge economy. Young firms rarely file pat-",
        "ents at home.",
    ],
    ["Outcome 2.1: Small firms use patents and trade-", "marks to grow their exports.", "Other work follows."],
    IMAGE_PAGE,
    ["Signatories", "United Nations Development Programme", "World Intellectual Property Organization (WIPO)"],
]
SENEGAL_PAGES = [
    ["Cadre de coopération des Nations Unies", "pour le développement durable", "Sénégal 2019-2023"],
    [
        "Effet 1 : Les petites entreprises protègent leur propriété intellec-",
        "tuelle et leurs marques déposées.",
        "Le pays compte peu de brevets.",
    ],
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cf")
    write_pdf(root / "KEN_UNSDCF_2022-2026.pdf", KENYA_PAGES)
    write_pdf(root / "cadre_cooperation.pdf", SENEGAL_PAGES)
    write_docx(
        root / "Peru_marco_de_cooperacion.docx",
        [
            ["Marco de Cooperación de las Naciones Unidas", "Perú 2022-2026"],
            [
                "El Gobierno promueve la Propiedad Intelectual y las indicaciones geográficas del café.",
                [["Resultado", "Indicador"], ["Resultado 1: empleo decente", "Indicador 1.1: tasa de empleo"]],
            ],
        ],
        title="Marco de Cooperación Perú",
    )
    write_docx(
        root / "EGY_cf_ar.docx",
        [
            ["إطار الأمم المتحدة للتعاون من أجل التنمية المستدامة", "مصر 2023-2027"],
            ["النتيجة 1: تعزيز الملكية الفكرية للشركات الصغيرة.", "الشركاء: برنامج الأمم المتحدة الإنمائي، الويبو"],
        ],
    )
    write_text(root / "CHN_cf.txt", [["联合国可持续发展合作框架", "中国 2021-2025"], ["成果1：加强知识", "产权保护。"]])
    write_text(
        root / "URY_cf.txt", [["Marco de Cooperación", "Uruguay 2021-2025"], ["Salud, educación y empleo para todos."]]
    )
    write_docx(
        root / "Maroc_cadre.docx",
        [
            ["Cadre de coopération", "Maroc 2023-2027"],
            [
                "Annexe 1 : Cadre de résultats",
                [
                    ["Effet", "Indicateur"],
                    ["Effet 2 : emploi des jeunes", "Indicateur 2.1 : nombre de brevets déposés"],
                ],
            ],
        ],
    )
    write_pdf(root / "CHL_scanned.pdf", [IMAGE_PAGE, IMAGE_PAGE])
    (root / "BRA_damaged.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    return root


@pytest.fixture(scope="module")
def result(folder: Path):  # type: ignore[no-untyped-def]
    return collect_evidence(folder, load_terms())


def test_every_country_found_and_sorted(result) -> None:  # type: ignore[no-untyped-def]
    assert [c.iso3 for c in result.countries] == ["BRA", "CHL", "CHN", "EGY", "KEN", "MAR", "PER", "SEN", "URY"]
    sources = {d.file: d.country_source for c in result.countries for d in c.documents}
    assert sources["cadre_cooperation.pdf"] == "title page"
    assert sources["KEN_UNSDCF_2022-2026.pdf"] == "file name"
    assert sources["Peru_marco_de_cooperacion.docx"] == "file name"


def test_kenya_counts_places_and_scanned_page(result) -> None:  # type: ignore[no-untyped-def]
    kenya = result.country("KEN")
    (doc,) = kenya.documents
    assert (doc.pages, doc.pages_without_text, doc.period, doc.language) == (6, (5,), "2022-2026", "en")
    assert doc.title == "United Nations Sustainable Development Cooperation Framework Kenya 2022-2026"
    found = [(m.page, m.term_id, m.context) for m in kenya.mentions]
    assert found == [
        (2, "wipo", "acronyms"),
        (2, "wipo", "acronyms"),
        (3, "intellectual_property", "narrative"),
        (3, "patents", "narrative"),
        (4, "patents", "outcome"),
        (4, "trademarks", "outcome"),
        (6, "wipo", "partners"),
        (6, "wipo", "partners"),
    ]
    assert (kenya.count("ip"), kenya.count("wipo")) == (4, 4)
    assert kenya.density("ip") == pytest.approx(4 / kenya.words * 10_000)
    assert "pages 5 have no text layer" in kenya.notes[0]


def test_kenya_included_with_the_signature_page_quoted(result) -> None:  # type: ignore[no-untyped-def]
    suggestion = result.country("KEN").suggestion
    assert suggestion.level == "included"
    quotes = [(p.page, p.text) for p in suggestion.passages]
    assert quotes == [(6, "World Intellectual Property Organization (WIPO)")]
    strongest = result.country("KEN").passages[0]
    # two WIPO names in one partner line: 3 x 3 each
    assert (strongest.page, strongest.score) == (6, 18.0)


def test_line_broken_and_hyphenated_phrases_are_quoted_whole(result) -> None:  # type: ignore[no-untyped-def]
    texts = {(p.page, p.text) for p in result.country("KEN").passages}
    assert (3, "The Government recognises the role of intellectual property in the knowledge economy.") in texts
    assert (4, "Outcome 2.1: Small firms use patents and trademarks to grow their exports.") in texts
    assert (3, "Young firms rarely file patents at home.") in texts


def test_french_outcome_is_requested(result) -> None:  # type: ignore[no-untyped-def]
    senegal = result.country("SEN")
    assert senegal.suggestion.level == "requested"
    assert [(m.page, m.term_id, m.context) for m in senegal.mentions] == [
        (2, "intellectual_property", "outcome"),
        (2, "trademarks", "outcome"),
        (2, "patents", "narrative"),
    ]
    assert senegal.suggestion.passages[0].text.startswith("Effet 1 : Les petites entreprises protègent leur propriété")
    assert senegal.documents[0].language == "fr"


def test_spanish_narrative_is_expressed(result) -> None:  # type: ignore[no-untyped-def]
    peru = result.country("PER")
    doc = peru.documents[0]
    assert (doc.title, doc.pages, doc.language) == ("Marco de Cooperación Perú", 2, "es")
    assert [(m.page, m.term_id, m.context) for m in peru.mentions] == [
        (2, "intellectual_property", "narrative"),
        (2, "geographical_indications", "narrative"),
    ]
    assert peru.suggestion.level == "expressed"
    assert peru.suggestion.passages[0].text == (
        "El Gobierno promueve la Propiedad Intelectual y las indicaciones geográficas del café."
    )


def test_a_results_framework_table_in_docx_is_requested(result) -> None:  # type: ignore[no-untyped-def]
    morocco = result.country("MAR")
    assert [(m.page, m.term_id, m.context) for m in morocco.mentions] == [(2, "patents", "results_framework")]
    assert morocco.suggestion.level == "requested"
    assert morocco.suggestion.passages[0].text == "Indicateur 2.1 : nombre de brevets déposés"


def test_arabic_partner_line_is_included(result) -> None:  # type: ignore[no-untyped-def]
    egypt = result.country("EGY")
    assert [(m.page, m.term_id, m.context) for m in egypt.mentions] == [
        (2, "intellectual_property", "outcome"),
        (2, "wipo", "partners"),
    ]
    assert egypt.suggestion.level == "included"
    assert egypt.suggestion.passages[0].text == "الشركاء: برنامج الأمم المتحدة الإنمائي، الويبو"
    assert egypt.documents[0].language == "ar"


def test_chinese_phrase_broken_across_lines(result) -> None:  # type: ignore[no-untyped-def]
    china = result.country("CHN")
    assert [(m.page, m.term_id, m.context, m.matched) for m in china.mentions] == [
        (2, "intellectual_property", "outcome", "知识产权")
    ]
    assert china.suggestion.level == "requested"
    assert china.documents[0].language == "zh"


def test_no_term_is_none_and_damaged_file_reported(result) -> None:  # type: ignore[no-untyped-def]
    assert result.country("URY").suggestion.level == "none"
    brazil = result.country("BRA")
    assert brazil.suggestion.level == ""
    assert brazil.notes[0].startswith("BRA_damaged.pdf: not read: should be a readable PDF, but it is damaged")
    (problem,) = result.problems
    assert (problem.file, problem.code) == ("BRA_damaged.pdf", "data.document")


def test_a_wholly_scanned_document_gets_no_suggestion(result) -> None:  # type: ignore[no-untyped-def]
    chile = result.country("CHL")
    assert (chile.suggestion.level, chile.words, chile.documents[0].pages_without_text) == ("", 0, (1, 2))
    assert chile.notes == ("CHL_scanned.pdf: pages 1, 2 have no text layer (scanned?) and were not read",)


def test_passages_for_the_report(result) -> None:  # type: ignore[no-untyped-def]
    passages = passages_by_country(result)
    assert passages["KEN"][0].page == 6
    assert passages["URY"] == []


def test_encrypted_pdf_is_named(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    plain = write_pdf(tmp_path / "plain.pdf", [["Kenya"]])
    writer = PdfWriter(clone_from=plain)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    with (tmp_path / "KEN_locked.pdf").open("wb") as fh:
        writer.write(fh)
    from scorer.errors import DataError

    with pytest.raises(DataError) as info:
        read_document(tmp_path / "KEN_locked.pdf")
    assert info.value.lines() == [
        "KEN_locked.pdf: should be a readable PDF, but it is encrypted with a password; save a copy without one"
    ]


def test_page_limit(tmp_path: Path) -> None:
    from scorer.errors import DataError
    from scorer.io.documents import DocumentLimits

    path = write_pdf(tmp_path / "KEN.pdf", [["a"], ["b"], ["c"]])
    with pytest.raises(DataError, match="should have at most 2 pages, but it has 3"):
        read_document(path, limits=DocumentLimits(max_pages=2))


def test_encrypted_and_damaged_docx_are_named(tmp_path: Path) -> None:
    from scorer.errors import DataError

    (tmp_path / "KEN.docx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    (tmp_path / "PER.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError) as locked:
        read_document(tmp_path / "KEN.docx")
    assert locked.value.lines() == [
        "KEN.docx: should be a DOCX file, but it is encrypted with a password or an old .doc file; save it as .docx"
    ]
    with pytest.raises(DataError) as broken:
        read_document(tmp_path / "PER.docx")
    assert broken.value.lines()[0].startswith("PER.docx: should be a readable DOCX file, but it is damaged (")
