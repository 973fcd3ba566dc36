"""Where in a Cooperation Framework a passage sits: outcome, results framework, partners, narrative.

The rules read the folded lines of each page, in order, with a state carried
from page to page:

* A *heading* (a short line, capitalised in scripts with case, beginning
  with a known phrase after any "Annex 2:" or "3.1" numbering) opens a
  section: "Results framework", "Signatories"/"Signature page"/"UN
  entities", "Acronyms"; other known headings ("Introduction", "Executive
  summary", an "Annex 3:" or "Chapter 2" with another title) return to the
  narrative. A section lasts across pages until the next such heading.
* A *statement* line opens a statement that runs until a line ending a
  sentence, a blank line, another statement or heading, or six lines:
  "Outcome 1.2:", "Output 2.1", "Effet 1", "Producto 3", "النتيجة 1",
  "成果1", "Результат 1" make an outcome statement; "Partners:",
  "UN entities:", "Partenaires :" a partner list; "Indicator", "Baseline",
  "Target" a results-framework row.
* Everything else is narrative.

A statement wins over the section it sits in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scorer.evidence.text import fold_term

_NUMBER = r"(?:\d+(?:\.\d+)*|[ivx]+|[一二三四五六七八九十]+)"
_PREFIX = re.compile(
    r"^[\W_]{0,3}(?P<chapter>(?:annex|annexe|anexo|appendix|chapter|chapitre|capitulo|section|part|partie|parte"
    r"|المرفق|الملحق|الفصل|附件|附录|приложение|глава|раздел)(?!\w)\s*" + _NUMBER + r"?\s*[:.\-)]?\s*"
    r"|第\s*" + _NUMBER + r"\s*[章节部分]\s*)?"
    r"(?:" + _NUMBER + r"[.)]?\s+)?"
)


def _phrases(*items: str) -> str:
    return "|".join(re.escape(fold_term(item)).replace(r"\ ", r"\s+") for item in items)


_SECTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "results_framework",
        re.compile(
            "(?:"
            + _phrases(
                "results framework",
                "results matrix",
                "results and resources framework",
                "cadre de résultats",
                "cadre des résultats",
                "matrice des résultats",
                "matrice de résultats",
                "marco de resultados",
                "matriz de resultados",
                "إطار النتائج",
                "مصفوفة النتائج",
                "成果框架",
                "结果框架",
                "成果矩阵",
                "рамка результатов",
                "матрица результатов",
            )
            + ")"
        ),
    ),
    (
        "partners",
        re.compile(
            "(?:"
            + _phrases(
                "signatories",
                "signature page",
                "signatures",
                "un entities",
                "list of partners",
                "signataires",
                "page des signatures",
                "firmantes",
                "firmas",
                "página de firmas",
                "الموقعون",
                "التوقيعات",
                "签署方",
                "签字页",
                "подписи",
                "подписавшие стороны",
            )
            + r")(?!\w)"
        ),
    ),
    (
        "acronyms",
        re.compile(
            "(?:"
            + _phrases(
                "acronyms",
                "abbreviations",
                "list of acronyms",
                "sigles",
                "acronymes",
                "abréviations",
                "liste des sigles",
                "siglas",
                "abreviaturas",
                "acrónimos",
                "الاختصارات",
                "المختصرات",
                "缩略语",
                "缩写",
                "сокращения",
                "аббревиатуры",
                "список сокращений",
            )
            + r")(?!\w)"
        ),
    ),
    (
        "narrative",
        re.compile(
            "(?:"
            + _phrases(
                "introduction",
                "executive summary",
                "foreword",
                "preface",
                "context",
                "country context",
                "résumé",
                "avant-propos",
                "contexte",
                "resumen ejecutivo",
                "prólogo",
                "contexto",
                "مقدمة",
                "تمهيد",
                "الملخص التنفيذي",
                "引言",
                "前言",
                "执行摘要",
                "введение",
                "предисловие",
                "резюме",
            )
            + r")(?!\w)"
        ),
    ),
)
_STATEMENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "outcome",
        re.compile(
            r"(?:(?:cooperation\s+framework|cf|unsdcf|undaf|strategic)\s+)?(?:"
            + _phrases(
                "outcome",
                "output",
                "effet",
                "produit",
                "résultat",
                "resultado",
                "efecto",
                "producto",
                "النتيجة",
                "الناتج",
                "المخرج",
                "الحصيلة",
                "成果",
                "产出",
                "результат",
                "промежуточный результат",
                "конечный результат",
            )
            + r")\s*(?:"
            + _NUMBER
            + r"\s*[:.\-]?|[:\-])"
        ),
    ),
    (
        "partners",
        re.compile(
            r"(?:"
            + _phrases(
                "partners",
                "un entities",
                "contributing un entities",
                "contributing agencies",
                "participating un entities",
                "partenaires",
                "entités des nations unies",
                "socios",
                "entidades de las naciones unidas",
                "الشركاء",
                "كيانات الأمم المتحدة",
                "合作伙伴",
                "联合国实体",
                "партнеры",
                "структуры оон",
            )
            + r")\s*[:：]"
        ),
    ),
    (
        "results_framework",
        re.compile(
            r"(?:"
            + _phrases(
                "indicator",
                "baseline",
                "target",
                "indicateur",
                "référence",
                "cible",
                "indicador",
                "línea de base",
                "meta",
                "المؤشر",
                "خط الأساس",
                "الهدف",
                "指标",
                "基线",
                "目标",
                "показатель",
                "базовый уровень",
                "целевое значение",
            )
            + r")\w*\s*(?:"
            + _NUMBER
            + r")?\s*[:：]"
        ),
    ),
)
_QUALIFIER = re.compile(
    r"^(?:(?:un\s+|united\s+nations\s+)?(?:sustainable\s+development\s+)?cooperation\s+framework|unsdcf|undaf"
    r"|cadre\s+de\s+cooperation|marco\s+de\s+cooperacion)\s*[:\-]?\s*"
)
_SENTENCE_END = re.compile(r"[.!?;。！？؛]\s*$")
_MAX_STATEMENT_LINES = 6
_MAX_HEADING_EXTRA = 40
_LIST_SECTIONS = frozenset({"partners", "acronyms"})


@dataclass
class SectionState:
    """The section in force at the end of the pages read so far."""

    section: str = "narrative"


def _heading(line: str, folded: str) -> str | None:
    """The section a heading line opens, or None when the line is no heading.

    A numbered chapter or annex with an unknown title ("Annex 3: Legal annex") returns to the narrative.
    """
    first = next((c for c in line if c.isalpha()), "")
    if not first or first.islower() or _SENTENCE_END.search(line):
        return None
    prefix = _PREFIX.match(folded)
    assert prefix is not None
    body = folded[prefix.end() :]
    body = _QUALIFIER.sub("", body, count=1)
    for section, pattern in _SECTIONS:
        hit = pattern.match(body)
        if hit and len(body) - hit.end() <= _MAX_HEADING_EXTRA:
            return section
    if prefix.group("chapter") and len(body) <= _MAX_HEADING_EXTRA * 2:
        return "narrative"
    return None


def _statement(folded: str) -> str | None:
    body = folded[_PREFIX.match(folded).end() :]  # type: ignore[union-attr]
    for context, pattern in _STATEMENTS:
        if pattern.match(body):
            return context
    return None


def classify_lines(display: str, folded: str, state: SectionState) -> list[tuple[str, bool]]:
    r"""The context of each line of a page, and whether the line starts a new block, updating ``state``.

    ``folded`` must have the same line breaks as ``display`` (folding keeps
    them). A block is what a quote may span: a heading, a statement, one item
    of a partner list or list of acronyms, or a run of narrative lines.

    >>> page = "Introduction\nIP matters.\nOutcome 1: Firms use patents\nmore often.\nAfter.\nPartners: WIPO"
    >>> from scorer.evidence.text import fold_text
    >>> [c for c, _ in classify_lines(page, fold_text(page).text, SectionState())]
    ['narrative', 'narrative', 'outcome', 'outcome', 'narrative', 'partners']
    >>> [new for _, new in classify_lines(page, fold_text(page).text, SectionState())]
    [True, True, True, False, True, True]
    """
    lines: list[tuple[str, bool]] = []
    statement: str | None = None
    statement_lines = 0
    boundary = True
    for line, folded_line in zip(display.split("\n"), folded.split("\n"), strict=True):
        stripped = folded_line.strip()
        if not stripped:
            statement = None
            lines.append((state.section, True))
            boundary = True
            continue
        opened = _statement(stripped)
        section = None if opened else _heading(line.strip(), stripped)
        if section is not None:
            state.section = section
            statement = None
            lines.append((section, True))
            boundary = True
            continue
        if opened is not None:
            statement, statement_lines = opened, 0
            boundary = True
        if statement is not None:
            lines.append((statement, boundary))
            boundary = False
            statement_lines += 1
            if _SENTENCE_END.search(line) or statement_lines >= _MAX_STATEMENT_LINES:
                statement = None
                boundary = True
        else:
            lines.append((state.section, boundary or state.section in _LIST_SECTIONS))
            boundary = False
    return lines
