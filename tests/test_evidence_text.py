"""Normalisation, matching, contexts and levels on small texts (no files)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.evidence import DocumentText, Matcher, analyse_document, country_evidence
from scorer.evidence.contexts import SectionState, classify_lines
from scorer.evidence.text import clean_text, count_words, fold_text
from scorer.io.evidence_file import load_terms

TERMS = load_terms()
MATCHER = Matcher(TERMS)


def found(text: str) -> list[tuple[str, str]]:
    display = clean_text(text)
    folded = fold_text(display)
    out = []
    for match in MATCHER.find(folded.text):
        start, end = folded.span(match.start, match.end)
        out.append((match.term_id, display[start:end]))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INTELLECTUAL-PROPERTY rights", [("intellectual_property", "INTELLECTUAL-PROPERTY")]),
        ("intellectual\nproperty", [("intellectual_property", "intellectual\nproperty")]),
        ("intel-\nlectual property", [("intellectual_property", "intellectual property")]),
        ("la Propriete Intellectuelle", [("intellectual_property", "Propriete Intellectuelle")]),
        ("droits d\u2019auteur", [("copyright", "droits d'auteur")]),
        ("Indicaciones Geográficas", [("geographical_indications", "Indicaciones Geográficas")]),
        ("trade marks, trade-marks", [("trademarks", "trade marks"), ("trademarks", "trade-marks")]),
        (
            "Всемирная организация интеллектуальной собственности",
            [("wipo", "Всемирная организация интеллектуальной собственности")],
        ),
        ("والملكية الفكرية", [("intellectual_property", "والملكية الفكرية")]),
        ("الْمِلْكِيَّة الفكرية", [("intellectual_property", "الْمِلْكِيَّة الفكرية")]),
        ("世界知识产权组织和知识产权", [("wipo", "世界知识产权组织"), ("intellectual_property", "知识产权")]),
        ("the patently obvious patentee", [("patents", "patently"), ("patents", "patentee")]),
        ("competent, impatient, IP address", []),
    ],
)
def test_matching_tolerates_case_accents_hyphens_and_breaks(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_fold_keeps_a_map_to_the_quoted_text() -> None:
    display = "Straße der ﬁrma: Propriété"
    folded = fold_text(clean_text(display))
    assert folded.text == "strasse der firma: propriete"
    start = folded.text.index("propriete")
    assert clean_text(display)[slice(*folded.span(start, start + 9))] == "Propriété"


def test_words_count_chinese_characters_one_by_one() -> None:
    assert count_words("Cooperation Framework 2022-2026\n知识产权") == 8


def test_sections_carry_across_pages_until_another_heading() -> None:
    state = SectionState()
    first = "Annex 1: Results Framework\nIndicator 1.1: firms trained"
    second = "Patent offices modernised\nAnnex 3: Legal annex\nThe parties agree."
    contexts = [c for page in (first, second) for c, _ in classify_lines(page, fold_text(page).text, state)]
    assert contexts == ["results_framework", "results_framework", "results_framework", "narrative", "narrative"]


def test_a_qualified_results_framework_heading_opens_the_section() -> None:
    page = "Cooperation Framework Results Matrix\nPatent applications per year"
    assert [c for c, _ in classify_lines(page, fold_text(page).text, SectionState())] == ["results_framework"] * 2


def test_acronyms_count_little_and_suggest_nothing() -> None:
    doc = DocumentText("KEN.txt", ("Acronyms\nWIPO World Intellectual Property Organization\nUNDP ...",))
    evidence = analyse_document(doc, MATCHER)
    assert [m.context for m in evidence.mentions] == ["acronyms", "acronyms"]
    assert [m.score for m in evidence.mentions] == [pytest.approx(0.3), pytest.approx(0.3)]
    assert country_evidence("KEN", "Kenya", [evidence], TERMS).suggestion.level == "none"


def test_broad_terms_alone_do_not_make_a_level() -> None:
    doc = DocumentText("KEN.txt", ("Outcome 3: a national innovation policy and technology transfer.",))
    country = country_evidence("KEN", "Kenya", [analyse_document(doc, MATCHER)], TERMS)
    assert [m.term_id for m in country.mentions] == ["innovation_policy", "technology_transfer"]
    assert country.suggestion.level == "none"


def test_wipo_in_an_output_is_requested_not_included() -> None:
    doc = DocumentText("KEN.txt", ("Output 1.2: the IP office, with WIPO, clears its backlog.",))
    country = country_evidence("KEN", "Kenya", [analyse_document(doc, MATCHER)], TERMS)
    assert country.suggestion.level == "requested"
    assert country.suggestion.passages[0].text == "Output 1.2: the IP office, with WIPO, clears its backlog."


_PLAIN_WORDS = [
    "the",
    "government",
    "will",
    "support",
    "health",
    "education",
    "water",
    "climate",
    "resilience",
    "jobs",
    "youth",
    "gender",
    "data",
    "le",
    "gouvernement",
    "santé",
    "éducation",
    "eau",
    "climat",
    "emploi",
    "jeunes",
    "femmes",
    "el",
    "gobierno",
    "salud",
    "educación",
    "agua",
    "clima",
    "empleo",
    "jóvenes",
    "mujeres",
    "الحكومة",
    "الصحة",
    "التعليم",
    "المياه",
    "المناخ",
    "政府",
    "卫生",
    "教育",
    "水",
    "气候",
    "правительство",
    "здравоохранение",
    "образование",
    "вода",
    "климат",
]
_HEADINGS = ["Outcome 1:", "Output 2.3:", "Partners:", "Acronyms", "Results Framework", "Introduction", "Signatories"]


@settings(deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(st.sampled_from(_PLAIN_WORDS), st.sampled_from(_HEADINGS)).map(str),
            min_size=0,
            max_size=40,
        ).flatmap(
            lambda words: st.lists(
                st.sampled_from([" ", "\n", "-\n", "  ", ". "]), min_size=len(words), max_size=len(words)
            ).map(lambda seps: "".join(w + s for w, s in zip(words, seps, strict=True)))
        ),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
)
def test_a_document_without_any_term_is_none(pages: list[str], upper: bool) -> None:
    pages = [p.upper() if upper else p for p in pages]
    doc = DocumentText("KEN.txt", tuple(pages))
    evidence = analyse_document(doc, MATCHER)
    country = country_evidence("KEN", "Kenya", [evidence], TERMS)
    assert evidence.mentions == ()
    expected = "none" if evidence.words else ""
    assert country.suggestion.level == expected


def test_every_bundled_spelling_finds_itself() -> None:
    for term in TERMS.terms:
        for language, spellings in term.names.items():
            for spelling in spellings:
                text = spelling.replace("*", "")
                assert [t for t, _ in found(f"({text})")] == [term.id], (language, spelling)


def test_term_list_size_per_language() -> None:
    assert TERMS.sizes() == {"en": 23, "fr": 23, "es": 19, "ar": 16, "zh": 18, "ru": 17}


def test_a_star_inside_a_word_is_refused() -> None:
    from scorer.evidence.terms import sample_terms

    with pytest.raises(ValueError, match="should use \\* only at the start or end of a word, but it is 'pa\\*t'"):
        sample_terms([{"id": "x", "kind": "ip", "weight": 1, "context": "default", "names": {"en": ["pa*t"]}}])
