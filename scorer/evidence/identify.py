"""Which country a Cooperation Framework document is about.

In order: the user's mapping file, the file name ("KEN_UNSDCF_2022-2026.pdf",
"Cooperation Framework - Côte d'Ivoire.docx"), then the title page. Names go
through the same :class:`~scorer.prepare.countries.CountryResolver` as the
spreadsheets, so every spelling a sheet may use (six UN languages, accents
or not) works here too. Codes are accepted only as an upper-case ISO3 code
opening the file name: "CF", "AND" or "PER" inside a name are too often
words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from scorer.prepare.countries import CountryResolver

_NAME_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_FILE_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_MAX_WORDS = 6
_TITLE_CHARS = 1500


def _unique_name(words: list[str], resolver: CountryResolver) -> str | None:
    text = " ".join(words)
    if len(text) < 4 or (len(words) == 1 and len(text) <= 3):
        return None
    codes = resolver.candidates(text)
    return codes[0] if len(codes) == 1 else None


def file_name_countries(file_name: str, resolver: CountryResolver) -> tuple[str, ...]:
    """Every country a file name names, longest names first, each word counted once.

    >>> from scorer.prepare.countries import default_resolver
    >>> resolver = default_resolver()
    >>> [file_name_countries(n, resolver) for n in ("Niger_Nigeria_CF.pdf", "UNSDCF_Papua_New_Guinea.pdf",
    ...     "Sudan and South Sudan.txt", "KEN_UNSDCF.pdf")]
    [('NER', 'NGA'), ('PNG',), ('SSD', 'SDN'), ('KEN',)]
    """
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    tokens = _FILE_TOKEN.findall(stem)
    if tokens and len(tokens[0]) == 3 and tokens[0].isupper() and tokens[0] in resolver.codes:
        return (tokens[0],)
    used = [False] * len(tokens)
    found: list[str] = []
    for size in range(min(_MAX_WORDS, len(tokens)), 0, -1):
        for first in range(len(tokens) - size + 1):
            if any(used[first : first + size]):
                continue
            code = _unique_name(tokens[first : first + size], resolver)
            if code is not None:
                used[first : first + size] = [True] * size
                if code not in found:
                    found.append(code)
    return tuple(found)


def country_from_file_name(file_name: str, resolver: CountryResolver) -> str | None:
    """The country a file name names, or None (also when it names several: "Niger_Nigeria.pdf").

    >>> from scorer.prepare.countries import default_resolver
    >>> resolver = default_resolver()
    >>> [country_from_file_name(n, resolver) for n in ("KEN_UNSDCF.pdf", "UNSDCF_Papua_New_Guinea_2018.pdf",
    ...     "cadre-cooperation-cote-d'ivoire.docx", "Trade_and_CF.pdf", "Guinea-Bissau_and_Guinea.pdf")]
    ['KEN', 'PNG', 'CIV', None, None]
    """
    found = file_name_countries(file_name, resolver)
    return found[0] if len(found) == 1 else None


def country_from_title_page(text: str, resolver: CountryResolver) -> str | None:
    """The first country named on a title page (longest name at each word), or None.

    >>> from scorer.prepare.countries import default_resolver
    >>> country_from_title_page("United Nations Cooperation Framework\\nPapua New Guinea 2018", default_resolver())
    'PNG'
    """
    words = _NAME_WORD.findall(text[:_TITLE_CHARS])
    for first, word in enumerate(words):
        if word[0].islower():
            continue
        for size in range(min(_MAX_WORDS, len(words) - first), 0, -1):
            code = _unique_name(words[first : first + size], resolver)
            if code is not None:
                return code
    return None


def identify_country(
    file: str,
    title_page: str,
    resolver: CountryResolver,
    mapping: Mapping[str, str] | None = None,
) -> tuple[str | None, str]:
    """(ISO3 or None, where it was found: "mapping file", "file name" or "title page").

    >>> from scorer.prepare.countries import default_resolver
    >>> identify_country("annex.pdf", "Cadre de coopération\\nSénégal", default_resolver())
    ('SEN', 'title page')
    """
    if mapping:
        code = mapping.get(file) or mapping.get(file.rsplit("/", 1)[-1])
        if code:
            return code, "mapping file"
    code = country_from_file_name(file, resolver)
    if code:
        return code, "file name"
    code = country_from_title_page(title_page, resolver)
    return (code, "title page") if code else (None, "")
