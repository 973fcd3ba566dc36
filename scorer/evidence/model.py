"""The evidence objects: documents read, mentions found, passages quoted, levels suggested.

Every output of ``unct-scorer evidence`` (CSV, JSON, workbook) and every
later use (``rank --evidence``, the report) renders these objects; none
recounts anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scorer.errors import Problem


@dataclass(frozen=True)
class DocumentText:
    """A document's text as a reader extracted it: one string per page.

    ``pages_without_text`` are 1-based pages that hold images but no text
    layer (scanned pages, not read: there is no OCR).
    """

    file: str
    pages: tuple[str, ...]
    metadata_title: str = ""
    pages_without_text: tuple[int, ...] = ()
    sha256: str = ""


@dataclass(frozen=True)
class Passage:
    """A quoted sentence holding one or more mentions, with where it stands.

    >>> Passage("KEN.pdf", 12, "WIPO will support the IP office.", ("outcome",), ("wipo",), 9.0).source()
    'KEN.pdf p. 12 (outcome)'
    """

    file: str
    page: int
    text: str
    contexts: tuple[str, ...]
    terms: tuple[str, ...]
    score: float
    start: int = 0

    def source(self) -> str:
        """Document, page and context, e.g. "KEN.pdf p. 12 (outcome)"."""
        return f"{self.file} p. {self.page} ({', '.join(self.contexts)})"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "page": self.page,
            "contexts": list(self.contexts),
            "terms": list(self.terms),
            "score": round(self.score, 6),
            "text": self.text,
        }


@dataclass(frozen=True)
class Mention:
    """One term found on one page, in one context, with the score it earns there."""

    file: str
    page: int
    term_id: str
    kind: str
    term_weight: float
    language: str
    context: str
    matched: str
    score: float
    passage: Passage


@dataclass(frozen=True)
class DocumentEvidence:
    """What one document says: its description and its mentions."""

    file: str
    title: str
    period: str
    language: str
    pages: int
    pages_without_text: tuple[int, ...]
    words: int
    mentions: tuple[Mention, ...]
    title_page: str = ""
    iso3: str | None = None
    country_source: str = ""
    problem: str = ""
    sha256: str = ""

    def describe(self) -> dict[str, object]:
        """The document row of the outputs."""
        return {
            "file": self.file,
            "iso3": self.iso3 or "",
            "country_from": self.country_source,
            "title": self.title,
            "period": self.period,
            "language": self.language,
            "pages": self.pages,
            "pages_without_text": ", ".join(map(str, self.pages_without_text)),
            "words": self.words,
            "ip_mentions": sum(m.kind == "ip" for m in self.mentions),
            "wipo_mentions": sum(m.kind == "wipo" for m in self.mentions),
            "problem": self.problem,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Suggestion:
    """A suggested level for criterion 3 and the passages that justify it.

    ``level`` is "" when no text could be read (no suggestion is better than a wrong "none").
    """

    level: str
    because: str
    passages: tuple[Passage, ...] = ()


@dataclass(frozen=True)
class CountryEvidence:
    """Everything the documents of one country say, with the suggested level."""

    iso3: str
    name: str
    documents: tuple[DocumentEvidence, ...]
    suggestion: Suggestion
    passages: tuple[Passage, ...]
    notes: tuple[str, ...] = ()

    @property
    def mentions(self) -> tuple[Mention, ...]:
        return tuple(m for doc in self.documents for m in doc.mentions)

    @property
    def words(self) -> int:
        return sum(doc.words for doc in self.documents)

    def count(self, kind: str) -> int:
        """Mentions of one kind ("ip" or "wipo")."""
        return sum(m.kind == kind for m in self.mentions)

    def density(self, kind: str) -> float:
        """Mentions of one kind per 10,000 words (0 when no word was read)."""
        return self.count(kind) / self.words * 10_000 if self.words else 0.0

    def in_context(self, context: str) -> int:
        return sum(m.context == context for m in self.mentions)

    @property
    def score(self) -> float:
        return sum(m.score for m in self.mentions)


@dataclass(frozen=True)
class EvidenceResult:
    """The evidence of a folder: per country, the documents no country was found for, and problems."""

    countries: tuple[CountryEvidence, ...]
    unassigned: tuple[DocumentEvidence, ...] = ()
    problems: tuple[Problem, ...] = ()
    terms_version: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def documents_sha256(self) -> str:
        """One SHA-256 over every document read (its name and its own SHA-256, in name order), for provenance.

        >>> doc = DocumentEvidence("KEN.txt", "t", "", "en", 1, (), 10, (), sha256="ab")
        >>> EvidenceResult((), (doc,)).documents_sha256()[:12]
        'fe558ae47178'
        """
        import hashlib

        docs = [d for c in self.countries for d in c.documents] + list(self.unassigned)
        lines = sorted(f"{d.sha256}  {d.file}\n" for d in docs if d.sha256)
        return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()

    def country(self, iso3: str) -> CountryEvidence:
        """The evidence of one country (KeyError when it has none)."""
        for country in self.countries:
            if country.iso3 == iso3:
                return country
        raise KeyError(iso3)
