"""The IP term list: terms in the six UN languages, their weights and context rules.

A :class:`TermList` is what ``scorer/data/ip_terms.yaml`` holds once
validated (the YAML is read by :mod:`scorer.io.evidence_file`): every term has
a kind (``ip`` or ``wipo``), a weight, the name of a context rule (how much a
mention counts in each part of a document) and its spellings per language.
It also holds the rules that turn mentions into a suggested level.

Spelling syntax: words are separated by spaces; a word ending in ``*``
matches any ending ("patent*": patents, patenting), a first word starting
with ``*`` any beginning (Arabic "*ملكية": الملكية, والملكية, للملكية).
Words may be joined by spaces, hyphens, line breaks or nothing, so "trade
mark*" also finds "trademarks" and "trade-\\nmark". Chinese has no word
boundaries and is matched anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from scorer.evidence.rules import (
    CONTEXTS,
    Context,
    EvidenceRules,
    Kind,
    LevelRule,
    NonNegative,
    Otherwise,
    _Model,
)
from scorer.evidence.text import CJK_CHAR, fold_term

__all__ = ["CONTEXTS", "Context", "EvidenceRules", "Kind", "LevelRule", "Matcher", "Otherwise", "Term", "TermList"]

Language = Literal["en", "fr", "es", "ar", "zh", "ru"]
LANGUAGES: tuple[Language, ...] = ("en", "fr", "es", "ar", "zh", "ru")


class Term(_Model):
    """One concept (e.g. patents) with its spellings in each language."""

    id: str = Field(min_length=1, description="Short identifier, e.g. 'patents'.")
    kind: Kind = Field(description="ip for an IP topic, wipo for a name of WIPO.")
    weight: NonNegative = Field(description="How strongly one mention signals interest in IP.")
    context: str = Field(description="Name of the context rule giving the multiplier per part of a document.")
    names: dict[Language, list[str]] = Field(description="Spellings per UN language.")


class TermList(_Model):
    """A whole term file: versioned, reviewed terms plus the level rules."""

    version: str = Field(min_length=1)
    name: str = Field(min_length=1)
    reviewed: str | None = None
    contexts: dict[str, dict[Context, NonNegative]] = Field(min_length=1)
    terms: list[Term] = Field(min_length=1)
    levels: list[LevelRule] = Field(min_length=1)
    otherwise: Otherwise = Field(default_factory=Otherwise)

    @model_validator(mode="after")
    def _consistent(self) -> TermList:
        for name, rule in self.contexts.items():
            missing = [c for c in CONTEXTS if c not in rule]
            if missing:
                raise ValueError(f"contexts.{name} should give a multiplier for {', '.join(missing)}, but it does not")
        seen: set[str] = set()
        for term in self.terms:
            if term.id in seen:
                raise ValueError(f"term {term.id!r} should appear once, but it appears again")
            seen.add(term.id)
            if term.context not in self.contexts:
                known = ", ".join(self.contexts)
                raise ValueError(f"term {term.id!r}: context should be one of {known}, but it is {term.context!r}")
            if not any(term.names.values()):
                raise ValueError(f"term {term.id!r}: names should hold at least one spelling, but it is empty")
            for spellings in term.names.values():
                for spelling in spellings:
                    if any("*" in word.strip("*") for word in spelling.split()) or not spelling.strip("* "):
                        raise ValueError(
                            f"term {term.id!r}: a spelling should use * only at the start or end of a word, "
                            f"but it is {spelling!r}"
                        )
        return self

    def term(self, term_id: str) -> Term:
        """The term with this id."""
        for term in self.terms:
            if term.id == term_id:
                return term
        raise KeyError(term_id)

    def sizes(self) -> dict[str, int]:
        """Number of spellings per language.

        >>> sample_terms().sizes()["fr"]
        2
        """
        names = [term.names for term in self.terms]
        return {lang: sum(len(spellings.get(lang, [])) for spellings in names) for lang in LANGUAGES}

    def with_rules(self, rules: EvidenceRules | None) -> TermList:
        """A copy whose level rules are ``rules`` (a criteria file's ``evidence:`` block); unchanged for None.

        >>> rules = EvidenceRules(levels=[LevelRule(level="included", because="WIPO named", contexts=["partners"])])
        >>> [r.level for r in sample_terms().with_rules(rules).levels]
        ['included']
        """
        if rules is None:
            return self
        return self.model_copy(update={"levels": list(rules.levels), "otherwise": rules.otherwise})

    def extended(self, patch: Mapping[str, Any]) -> TermList:
        """A copy with a user's additions: new terms, spellings added to known terms, contexts, rules.

        A term whose id is known adds its spellings to that term (and replaces
        its kind, weight or context when given); ``levels`` and ``otherwise``
        replace the rules; ``contexts`` add or replace context rules.

        >>> more = sample_terms().extended({"terms": [{"id": "patents", "names": {"en": ["utility model*"]}}]})
        >>> more.term("patents").names["en"]
        ['patent*', 'utility model*']
        """
        data = self.model_dump()
        by_id = {t["id"]: t for t in data["terms"]}
        for item in patch.get("terms") or []:
            known = by_id.get(item.get("id")) if isinstance(item, Mapping) else None
            if known is None:
                data["terms"].append(item)
                continue
            for key in ("kind", "weight", "context"):
                if key in item:
                    known[key] = item[key]
            for lang, spellings in (item.get("names") or {}).items():
                current = known["names"].setdefault(lang, [])
                current.extend(s for s in spellings if s not in current)
        data["contexts"].update(patch.get("contexts") or {})
        for key in ("levels", "otherwise", "version", "name", "reviewed"):
            if key in patch:
                data[key] = patch[key]
        return TermList.model_validate(data)


@dataclass(frozen=True)
class Match:
    """One term found in folded text."""

    start: int
    end: int
    term_id: str
    language: str
    spelling: str


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    term_id: str
    language: str
    spelling: str
    left_boundary: bool
    open_start: bool


def compile_spelling(spelling: str) -> tuple[re.Pattern[str], bool]:
    """The regex of one spelling over folded text, and whether it needs a word start.

    >>> regex, left = compile_spelling("Trade mark*")
    >>> bool(regex.match("trade-\\nmarks")), bool(regex.match("trademark")), left
    (True, True, True)
    """
    words = fold_term(spelling).split()
    if not words:
        raise ValueError(f"a spelling should hold a word, but {spelling!r} does not")
    parts: list[str] = []
    for word in words:
        core = word.strip("*")
        part = re.escape(core)
        if word.startswith("*") and parts:
            part = r"\w*" + part
        if word.endswith("*"):
            part += r"\w*"
        parts.append(part)
    pattern = r"[\s\-]*".join(parts)
    cjk = bool(CJK_CHAR.search(words[-1]))
    if not words[-1].endswith("*") and not cjk:
        pattern += r"(?!\w)"
    left = not words[0].startswith("*") and not CJK_CHAR.search(words[0][:1]) and words[0][:1].isalnum()
    return re.compile(pattern), left


class Matcher:
    """Every spelling of a term list compiled once; finds the terms in folded text.

    Overlapping matches keep the longest (so "World Intellectual Property
    Organization" is one WIPO mention, not also an IP one).

    >>> matcher = Matcher(sample_terms())
    >>> [(m.term_id, m.start) for m in matcher.find("wipo helps with patents and brevets")]
    [('wipo', 0), ('patents', 16), ('patents', 28)]
    """

    def __init__(self, terms: TermList) -> None:
        self._patterns: list[_Pattern] = []
        self.terms: dict[str, Term] = {term.id: term for term in terms.terms}
        self._scores = {
            term.id: {context: term.weight * terms.contexts[term.context][context] for context in CONTEXTS}  # type: ignore[index]
            for term in terms.terms
        }
        for term in terms.terms:
            for language, spellings in term.names.items():
                for spelling in spellings:
                    regex, left = compile_spelling(spelling)
                    open_start = spelling.lstrip().startswith("*")
                    self._patterns.append(_Pattern(regex, term.id, language, spelling, left, open_start))

    def score(self, term_id: str, context: str) -> float:
        """What one mention earns: the term's weight x its context rule's multiplier for the context.

        >>> Matcher(sample_terms()).score("wipo", "partners")
        3.0
        """
        return self._scores[term_id][context]

    def find(self, folded: str) -> list[Match]:
        """The non-overlapping matches in folded text, in order.

        A spelling with an open start ("*ملكية") is extended back to the start of its word.
        """
        found: list[Match] = []
        for pattern in self._patterns:
            for hit in pattern.regex.finditer(folded):
                start = hit.start()
                if pattern.left_boundary and start and _is_word_char(folded[start - 1]):
                    continue
                while pattern.open_start and start and _is_word_char(folded[start - 1]):
                    start -= 1
                found.append(Match(start, hit.end(), pattern.term_id, pattern.language, pattern.spelling))
        found.sort(key=lambda m: (m.start, m.start - m.end, m.term_id))
        kept: list[Match] = []
        for match in found:
            if not kept or match.start >= kept[-1].end:
                kept.append(match)
        return kept


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def sample_terms(extra: Sequence[Mapping[str, Any]] = ()) -> TermList:
    """A tiny term list for examples and tests (the real one is scorer/data/ip_terms.yaml)."""
    plain = {c: 1.0 for c in CONTEXTS}
    return TermList.model_validate(
        {
            "version": "sample",
            "name": "sample",
            "contexts": {"default": plain},
            "terms": [
                {
                    "id": "patents",
                    "kind": "ip",
                    "weight": 2,
                    "context": "default",
                    "names": {"en": ["patent*"], "fr": ["brevet*"]},
                },
                {
                    "id": "wipo",
                    "kind": "wipo",
                    "weight": 3,
                    "context": "default",
                    "names": {"en": ["WIPO"], "fr": ["OMPI"]},
                },
                *extra,
            ],
            "levels": [
                {"level": "included", "because": "WIPO is a partner", "kinds": ["wipo"], "contexts": ["partners"]}
            ],
        }
    )
