"""The evidence as rows: one per country, per document, per passage.

Plain dictionaries in a fixed column order, so the CSV, JSON and workbook
writers (:mod:`scorer.io.evidence_file`) and any later reader render the
same values.
"""

from __future__ import annotations

from scorer.evidence.model import CountryEvidence, EvidenceResult, Passage
from scorer.evidence.terms import CONTEXTS

SHOWN_PASSAGES = 3
COUNTRY_COLUMNS = (
    "iso3",
    "country",
    "suggested_level",
    "suggestion_basis",
    "justification",
    "documents",
    "files",
    "titles",
    "periods",
    "languages",
    "pages",
    "pages_without_text",
    "words",
    "ip_mentions",
    "wipo_mentions",
    "ip_per_10k_words",
    "wipo_per_10k_words",
    *(f"in_{context}" for context in CONTEXTS),
    "evidence_score",
    *(f"{kind}_{i}" for i in range(1, SHOWN_PASSAGES + 1) for kind in ("passage", "source")),
    "notes",
)


def quote(passage: Passage) -> str:
    """A passage with its source, as one line: '"text" (file p. N, context)'.

    >>> quote(Passage("KEN.pdf", 4, "Partners: WIPO", ("partners",), ("wipo",), 9.0))
    '"Partners: WIPO" (KEN.pdf p. 4, partners)'
    """
    return f'"{passage.text}" ({passage.file} p. {passage.page}, {", ".join(passage.contexts)})'


def _joined(values: list[str]) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))


def country_row(country: CountryEvidence) -> dict[str, object]:
    """The country's row of the evidence table (columns :data:`COUNTRY_COLUMNS`)."""
    docs = country.documents
    row: dict[str, object] = {
        "iso3": country.iso3,
        "country": country.name,
        "suggested_level": country.suggestion.level,
        "suggestion_basis": country.suggestion.because,
        "justification": " | ".join(quote(p) for p in country.suggestion.passages),
        "documents": len(docs),
        "files": _joined([d.file for d in docs]),
        "titles": _joined([d.title for d in docs]),
        "periods": _joined([d.period for d in docs]),
        "languages": _joined([d.language for d in docs]),
        "pages": sum(d.pages for d in docs),
        "pages_without_text": sum(len(d.pages_without_text) for d in docs),
        "words": country.words,
        "ip_mentions": country.count("ip"),
        "wipo_mentions": country.count("wipo"),
        "ip_per_10k_words": round(country.density("ip"), 4),
        "wipo_per_10k_words": round(country.density("wipo"), 4),
    }
    for context in CONTEXTS:
        row[f"in_{context}"] = country.in_context(context)
    row["evidence_score"] = round(country.score, 4)
    shown = shown_passages(country)
    for index in range(SHOWN_PASSAGES):
        passage = shown[index] if index < len(shown) else None
        row[f"passage_{index + 1}"] = passage.text if passage else ""
        row[f"source_{index + 1}"] = passage.source() if passage else ""
    row["notes"] = " | ".join(country.notes)
    return row


def country_rows(result: EvidenceResult) -> list[dict[str, object]]:
    """One row per country, by ISO3 code."""
    return [country_row(c) for c in result.countries]


def document_rows(result: EvidenceResult) -> list[dict[str, object]]:
    """One row per document read (or not), countries first, then documents without a country."""
    docs = [d for c in result.countries for d in c.documents] + list(result.unassigned)
    return [d.describe() for d in docs]


def passage_rows(result: EvidenceResult) -> list[dict[str, object]]:
    """Every quoted passage of every country, strongest first within a country (one cell per value)."""
    rows: list[dict[str, object]] = []
    for country in result.countries:
        justifying = {(p.file, p.page, p.start) for p in country.suggestion.passages}
        for passage in country.passages:
            rows.append(
                {
                    "iso3": country.iso3,
                    "justifies_level": (passage.file, passage.page, passage.start) in justifying,
                    **passage.to_dict(),
                    "contexts": ", ".join(passage.contexts),
                    "terms": ", ".join(passage.terms),
                }
            )
    return rows


def shown_passages(country: CountryEvidence, *, limit: int = SHOWN_PASSAGES) -> list[Passage]:
    """The passages a reader is shown: those behind the suggested level, then the strongest others.

    The ``passage_N``/``source_N`` columns and the report's evidence section both show these.
    """
    chosen = list(country.suggestion.passages)
    keys = {(p.file, p.page, p.start) for p in chosen}
    chosen.extend(p for p in country.passages if (p.file, p.page, p.start) not in keys)
    return chosen[:limit]


def passages_by_country(result: EvidenceResult, *, limit: int = SHOWN_PASSAGES) -> dict[str, list[Passage]]:
    """For the report: per ISO3, the passages behind the suggested level, then the strongest others.

    >>> passages_by_country(EvidenceResult(()))
    {}
    """
    return {country.iso3: shown_passages(country, limit=limit) for country in result.countries}
