"""Page text made ready for matching: cleaned for quoting, folded for searching.

PDF text arrives with words hyphenated across lines, ligatures, non-breaking
spaces, curly apostrophes and, in Chinese, line breaks between characters.
:func:`clean_text` turns it into the *display* text quoted to a reader (case
and accents kept, lines kept); :func:`fold_text` turns that into the *folded*
text the terms are searched in (NFKC, case folded, accents and Arabic
diacritics stripped), with a map back to display positions so every match can
be quoted exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_PUNCTUATION = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "`": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00ad": None,  # soft hyphen: an invisible break opportunity
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
        "\u200e": None,  # left-to-right and right-to-left marks, Arabic letter mark: Word puts them between words
        "\u200f": None,
        "\u061c": None,
        **dict.fromkeys([*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]),  # bidi controls
        "\u0640": None,  # Arabic tatweel (elongation)
        "\f": "\n",
        "\r": "\n",
        "\v": "\n",
    }
)
_CJK = "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK_CHAR = re.compile(f"[{_CJK}]")
_HYPHEN_BREAK = re.compile(r"([^\W\d_])-[ \t]*\n[ \t]*([^\W\d_])")
_CJK_GAP = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")
_SPACES = re.compile(r"[^\S\n]+")
_LINE_EDGES = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")
_WORD = re.compile(r"\w+")
_FOLD_CACHE: dict[str, str] = {}
_EXTRA_FOLDS = {"\u0649": "\u064a", "\u0629": "\u0629"}  # alef maqsura -> ya; ta marbuta kept


def clean_text(text: str) -> str:
    """Return the display text of a page: what is quoted to a reader.

    NFKC (ligatures, full-width forms), one kind of apostrophe and dash, words
    hyphenated across a line break joined, spaces collapsed, line breaks kept
    (at most one blank line), no break between two Chinese characters.

    >>> clean_text("intel-\\nlectual  pro\\u00adperty\\u00a0rights")
    'intellectual property rights'
    >>> clean_text("知识\\n产权\\n\\n\\n\\nNext")
    '知识产权\\n\\nNext'
    >>> clean_text("الملكية\\u200f الفكرية \\u202e21")
    'الملكية الفكرية 21'
    """
    out = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)
    out = _HYPHEN_BREAK.sub(r"\1\2", out)
    out = _SPACES.sub(" ", out)
    out = _LINE_EDGES.sub("\n", out)
    out = _CJK_GAP.sub("", out)
    return _BLANK_LINES.sub("\n\n", out).strip()


def fold_char(char: str) -> str:
    """The folded form of one character (possibly empty or longer).

    >>> [fold_char(c) for c in "ÉßИ\\u0651"]
    ['e', 'ss', 'и', '']
    """
    folded = _FOLD_CACHE.get(char)
    if folded is None:
        decomposed = unicodedata.normalize("NFD", char.casefold())
        folded = "".join(_EXTRA_FOLDS.get(c, c) for c in decomposed if not unicodedata.combining(c))
        _FOLD_CACHE[char] = folded
    return folded


@dataclass(frozen=True)
class FoldedText:
    """Folded text and, when lengths differ, each folded character's display position."""

    text: str
    positions: tuple[int, ...] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The display span of the folded span ``[start, end)``.

        >>> folded = fold_text("Straße patent")
        >>> folded.text, folded.span(8, 14)
        ('strasse patent', (7, 13))
        """
        if self.positions is None:
            return start, end
        return self.positions[start], self.positions[end - 1] + 1


def fold_text(display: str) -> FoldedText:
    """Fold display text for matching: case folded, accents and diacritics stripped.

    Most text folds character for character and keeps its positions; text
    with a character folding to none or several ("ß", Arabic harakat) gets a
    position map.

    >>> fold_text("Propriété Intellectuelle").text
    'propriete intellectuelle'
    >>> fold_text("Propriété").positions is None
    True
    """
    table = {ord(c): fold_char(c) for c in set(display)}
    if all(len(v) == 1 for v in table.values()):
        return FoldedText(display.translate(table), None)
    pieces: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(display):
        folded = table[ord(char)]
        pieces.append(folded)
        positions.extend([index] * len(folded))
    return FoldedText("".join(pieces), tuple(positions))


def fold_term(text: str) -> str:
    """A term written by a person, folded as page text is.

    >>> fold_term("Propriété  intellectuelle")
    'propriete intellectuelle'
    """
    return fold_text(clean_text(text)).text


def count_words(text: str) -> int:
    """Words of a text: runs of letters or digits, each Chinese/Japanese character counting as one.

    >>> count_words("Intellectual property, 2022-2026"), count_words("知识产权 WIPO")
    (4, 5)
    """
    cjk = len(CJK_CHAR.findall(text))
    if cjk:
        text = CJK_CHAR.sub(" ", text)
    return len(_WORD.findall(text)) + cjk


_SCRIPTS = (("ar", re.compile(r"[\u0600-\u06ff]")), ("ru", re.compile(r"[\u0400-\u04ff]")), ("zh", CJK_CHAR))
_STOPWORDS = {
    "en": frozenset(
        ["the", "of", "and", "to", "in", "for", "with", "is", "are", "by", "on", "this", "that", "be", "will"]
    ),
    "fr": frozenset(
        ["le", "la", "les", "des", "et", "du", "de", "dans", "pour", "avec", "est", "une", "sur", "au", "aux"]
    ),
    "es": frozenset(["el", "los", "las", "del", "y", "de", "en", "para", "con", "es", "una", "por", "al", "se"]),
}


def detect_language(texts: Iterable[str], *, sample: int = 20_000) -> str:
    """The UN language a text is most likely in: ar, zh, ru by script; en, fr, es by common words.

    Returns "" when there is no text.

    >>> detect_language(["La propriété intellectuelle et les brevets"])
    'fr'
    >>> detect_language(["الملكية الفكرية"]), detect_language([""])
    ('ar', '')
    """
    text = ""
    for page in texts:
        text += page + "\n"
        if len(text) >= sample:
            break
    text = text[:sample]
    letters = sum(1 for c in text if c.isalpha())
    if not letters:
        return ""
    for language, pattern in _SCRIPTS:
        if len(pattern.findall(text)) > letters * 0.3:
            return language
    words = _WORD.findall(text.casefold())
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    return best if counts[best] else "en"


_PERIOD = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*(?:-|/|to|à|a|al|au|до|至|إلى)\s*((?:19|20)\d\d)(?!\d)")


def find_period(text: str) -> str:
    """The first plausible period "YYYY-YYYY" in a text, or "".

    >>> find_period("Cooperation Framework 2022 – 2026"), find_period("no years")
    ('2022-2026', '')
    """
    for match in _PERIOD.finditer(text.translate(_PUNCTUATION)):
        first, last = int(match.group(1)), int(match.group(2))
        if first < last <= first + 15:
            return f"{first}-{last}"
    return ""


def find_title(text: str, *, max_lines: int = 3, max_chars: int = 160) -> str:
    """The title of a document from its first page: its first lines (up to a blank line).

    >>> find_title("\\nUnited Nations Sustainable Development\\nCooperation Framework\\nKenya 2022-2026\\nMore")
    'United Nations Sustainable Development Cooperation Framework Kenya 2022-2026'
    """
    lines: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            if lines:
                break
            continue
        lines.append(line)
        if len(lines) == max_lines:
            break
    return " ".join(lines)[:max_chars]
