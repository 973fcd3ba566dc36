"""Turn mentions into a suggested level for criterion 3, and documents into country evidence.

The rules come with the term list (``levels`` and ``otherwise`` in
``ip_terms.yaml``, replaceable by the user's term file). They are checked in
order; the first that holds gives the level, with the passages of the
mentions that made it hold. The default rules:

* WIPO named in a partner list or on the signature page → included;
* an IP term (weight 2 or more) in an outcome or output statement or in the
  results framework → requested;
* an IP term (weight 1.5 or more) anywhere but a list of acronyms → expressed;
* otherwise → none.

A country whose documents yielded no text gets no suggestion (level ""),
never "none".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scorer.evidence.model import CountryEvidence, DocumentEvidence, Mention, Passage, Suggestion
from scorer.evidence.terms import TermList

JUSTIFYING_PASSAGES = 3
STRONGEST_PASSAGES = 10


def strongest(passages: Iterable[Passage], *, limit: int) -> tuple[Passage, ...]:
    """The distinct passages with the highest scores (ties: file, page, position).

    >>> a = Passage("a.pdf", 2, "A", ("narrative",), ("patents",), 2.0)
    >>> b = Passage("a.pdf", 1, "B", ("outcome",), ("patents",), 6.0)
    >>> [p.text for p in strongest([a, b, a], limit=5)]
    ['B', 'A']
    """
    unique = {(p.file, p.page, p.start, p.text): p for p in passages}
    ordered = sorted(unique.values(), key=lambda p: (-p.score, p.file, p.page, p.start))
    return tuple(ordered[:limit])


def suggest_level(mentions: Sequence[Mention], terms: TermList, *, has_text: bool) -> Suggestion:
    """The first level rule that the mentions satisfy, with its justifying passages.

    >>> from scorer.evidence.terms import sample_terms
    >>> terms = sample_terms()
    >>> suggest_level([], terms, has_text=True).level, suggest_level([], terms, has_text=False).level
    ('none', '')
    """
    if not has_text:
        return Suggestion("", "no text could be read from the documents (scanned or unreadable)")
    for rule in terms.levels:
        hits = [
            m
            for m in mentions
            if m.kind in rule.kinds and m.context in rule.contexts and m.term_weight >= rule.min_term_weight
        ]
        if len(hits) >= rule.min_mentions:
            return Suggestion(rule.level, rule.because, strongest((m.passage for m in hits), limit=JUSTIFYING_PASSAGES))
    return Suggestion(terms.otherwise.level, terms.otherwise.because)


def country_evidence(iso3: str, name: str, documents: Sequence[DocumentEvidence], terms: TermList) -> CountryEvidence:
    """Combine the documents of one country: all mentions, the strongest passages, the suggestion.

    >>> from scorer.evidence.terms import sample_terms
    >>> doc = DocumentEvidence("KEN.txt", "t", "", "en", 1, (), 10, ())
    >>> country_evidence("KEN", "Kenya", [doc], sample_terms()).suggestion.level
    'none'
    """
    documents = sorted(documents, key=lambda d: d.file)
    mentions = [m for doc in documents for m in doc.mentions]
    has_text = any(doc.words for doc in documents)
    notes = []
    for doc in documents:
        if doc.problem:
            notes.append(f"{doc.file}: not read: {doc.problem}")
        if doc.pages_without_text:
            pages = ", ".join(map(str, doc.pages_without_text))
            notes.append(f"{doc.file}: pages {pages} have no text layer (scanned?) and were not read")
    return CountryEvidence(
        iso3=iso3,
        name=name,
        documents=tuple(documents),
        suggestion=suggest_level(mentions, terms, has_text=has_text),
        passages=strongest((m.passage for m in mentions), limit=STRONGEST_PASSAGES),
        notes=tuple(notes),
    )
