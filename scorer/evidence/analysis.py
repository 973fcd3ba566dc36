"""Find the terms in a document, classify where each sits, and quote it.

:func:`analyse_document` reads one :class:`DocumentText` page by page:
clean, fold, classify lines, match the terms, score each mention (term
weight x the multiplier of its context rule) and quote the sentence around
it. Its cost is linear in the number of pages.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from scorer.errors import DataError, Problem
from scorer.evidence.contexts import SectionState, classify_lines
from scorer.evidence.model import DocumentEvidence, DocumentText, Mention, Passage
from scorer.evidence.terms import Matcher
from scorer.evidence.text import (
    FoldedText,
    clean_text,
    count_words,
    detect_language,
    find_period,
    find_title,
    fold_text,
)

_SENTENCE_END = re.compile(r"[.!?;。！？؛](?=\s|$)|\n\s*\n")
_NEWLINE = re.compile("\n")
_REACH = 240
_QUOTE_CHARS = 400


def _too_many(file: str, limit: int) -> DataError:
    return DataError(
        Problem(
            "data.document",
            f"should hold at most {limit:,} term mentions (a Cooperation Framework holds tens), but it holds more",
            file=file,
            fix="set UNCT_SCORER_MAX_DOCUMENT_MENTIONS to a larger number if this is intended",
        )
    )


def quote_sentence(
    display: str, start: int, end: int, *, low: int = 0, high: int | None = None
) -> tuple[int, int, str]:
    """The sentence around ``display[start:end]``: its span and its text on one line.

    A sentence ends at ".", "!", "?", ";" (and their Chinese and Arabic
    forms) or a blank line; a long one is cut at 240 characters either side,
    marked with "…". The quote stays within ``[low, high)``, the block the
    mention sits in (a heading or list item is never glued to its neighbours).

    >>> text = "First point. The UNCT will work with\\nWIPO on patents. Last."
    >>> quote_sentence(text, 37, 41)[2]
    'The UNCT will work with WIPO on patents.'
    """
    high = len(display) if high is None else high
    low = max(low, start - _REACH)
    begin = low
    for before in _SENTENCE_END.finditer(display, low, start):
        begin = before.end()
    stop = min(high, end + _REACH)
    hit = _SENTENCE_END.search(display, end, stop)
    finish = hit.end() if hit else stop
    text = " ".join(display[begin:finish].split())
    if begin == low and low == start - _REACH:
        text = "…" + text
    if not hit and stop < high:
        text += "…"
    return begin, finish, text[:_QUOTE_CHARS]


def analyse_document(document: DocumentText, matcher: Matcher, *, max_mentions: int | None = None) -> DocumentEvidence:
    """The mentions of one document, with its title, period, language and word count.

    More than ``max_mentions`` mentions is a :class:`~scorer.errors.DataError`
    naming the document (a Cooperation Framework has tens; a file stuffed with
    terms would otherwise cost a passage object each).

    >>> from scorer.evidence.terms import sample_terms
    >>> terms = sample_terms()
    >>> doc = DocumentText("KEN.txt", ("Kenya 2022-2026", "Outcome 1: more patents.\\nPartners: WIPO"))
    >>> evidence = analyse_document(doc, Matcher(terms))
    >>> [(m.page, m.term_id, m.context) for m in evidence.mentions], evidence.period
    ([(2, 'patents', 'outcome'), (2, 'wipo', 'partners')], '2022-2026')
    """
    state = SectionState()
    mentions: list[Mention] = []
    displays: list[str] = []
    words = 0
    for number, raw in enumerate(document.pages, start=1):
        display = clean_text(raw) if raw else ""
        displays.append(display)
        if not display:
            continue
        words += count_words(display)
        folded = fold_text(display)
        contexts = classify_lines(display, folded.text, state)
        mentions.extend(_page_mentions(document.file, number, display, folded, contexts, matcher, max_mentions))
        if max_mentions is not None and len(mentions) > max_mentions:
            raise _too_many(document.file, max_mentions)
    first_page = next((d for d in displays if d), "")
    title = document.metadata_title.strip() or find_title(first_page)
    return DocumentEvidence(
        file=document.file,
        title=" ".join(title.split()),
        period=find_period(title) or find_period(" ".join(displays[:3])),
        language=detect_language(displays),
        pages=len(document.pages),
        pages_without_text=document.pages_without_text,
        words=words,
        mentions=tuple(mentions),
        title_page=first_page[:3000],
        sha256=document.sha256,
    )


def _page_mentions(
    file: str,
    page: int,
    display: str,
    folded: FoldedText,
    contexts: Sequence[tuple[str, bool]],
    matcher: Matcher,
    max_mentions: int | None = None,
) -> list[Mention]:
    """Mentions on one page; mentions in one sentence share one passage (their scores added)."""
    matches = matcher.find(folded.text)
    if not matches:
        return []
    if max_mentions is not None and len(matches) > max_mentions:
        raise _too_many(file, max_mentions)
    line_starts = [0]
    line_starts.extend(hit.end() for hit in _NEWLINE.finditer(folded.text))
    block_starts = [folded.span(line_starts[i], line_starts[i] + 1)[0] for i, (_, new) in enumerate(contexts) if new]
    found: list[tuple[int, int, int, int, str, str, str, float]] = []
    for match in matches:
        context = contexts[bisect.bisect_right(line_starts, match.start) - 1][0]
        start, end = folded.span(match.start, match.end)
        block = bisect.bisect_right(block_starts, start) - 1
        low = block_starts[block] if block >= 0 else 0
        high = block_starts[block + 1] - 1 if block + 1 < len(block_starts) else len(display)
        score = matcher.score(match.term_id, context)
        found.append((start, end, low, high, match.term_id, match.language, context, score))
    groups: dict[tuple[int, int], list[tuple[int, int, int, int, str, str, str, float]]] = {}
    quotes: dict[tuple[int, int], str] = {}
    for item in found:
        begin, finish, text = quote_sentence(display, item[0], item[1], low=item[2], high=item[3])
        groups.setdefault((begin, finish), []).append(item)
        quotes[(begin, finish)] = text
    mentions: list[Mention] = []
    for key, items in groups.items():
        passage = Passage(
            file=file,
            page=page,
            text=quotes[key],
            contexts=tuple(dict.fromkeys(i[6] for i in items)),
            terms=tuple(dict.fromkeys(i[4] for i in items)),
            score=sum(i[7] for i in items),
            start=key[0],
        )
        for start, end, _, _, term_id, language, context, score in items:
            term = matcher.terms[term_id]
            mentions.append(
                Mention(
                    file, page, term_id, term.kind, term.weight, language, context, display[start:end], score, passage
                )
            )
    return mentions
