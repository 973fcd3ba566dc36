"""Evidence for criterion 3 from Cooperation Framework documents.

Pure core: text normalisation (:mod:`~scorer.evidence.text`), the term list
and matching (:mod:`~scorer.evidence.terms`), where a passage sits
(:mod:`~scorer.evidence.contexts`), document analysis
(:mod:`~scorer.evidence.analysis`), country identification
(:mod:`~scorer.evidence.identify`), level suggestion
(:mod:`~scorer.evidence.suggestion`), output rows
(:mod:`~scorer.evidence.tables`) and merging suggestions into a sheet
(:mod:`~scorer.evidence.merge`). Reading files is :mod:`scorer.io.documents`
and :mod:`scorer.io.evidence_file`.

The public names load on first use, so that :mod:`scorer.model.criteria` can import
:mod:`scorer.evidence.rules` (a few pydantic models) without the text and term
machinery the ``rank`` command never needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scorer.evidence.analysis import analyse_document
    from scorer.evidence.model import (
        CountryEvidence,
        DocumentEvidence,
        DocumentText,
        EvidenceResult,
        Mention,
        Passage,
        Suggestion,
    )
    from scorer.evidence.suggestion import country_evidence, suggest_level
    from scorer.evidence.tables import passages_by_country
    from scorer.evidence.terms import Matcher, TermList

_LAZY = {
    "analyse_document": "scorer.evidence.analysis",
    "CountryEvidence": "scorer.evidence.model",
    "DocumentEvidence": "scorer.evidence.model",
    "DocumentText": "scorer.evidence.model",
    "EvidenceResult": "scorer.evidence.model",
    "Mention": "scorer.evidence.model",
    "Passage": "scorer.evidence.model",
    "Suggestion": "scorer.evidence.model",
    "country_evidence": "scorer.evidence.suggestion",
    "suggest_level": "scorer.evidence.suggestion",
    "passages_by_country": "scorer.evidence.tables",
    "Matcher": "scorer.evidence.terms",
    "TermList": "scorer.evidence.terms",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'scorer.evidence' has no attribute {name!r}")


__all__ = [
    "CountryEvidence",
    "DocumentEvidence",
    "DocumentText",
    "EvidenceResult",
    "Matcher",
    "Mention",
    "Passage",
    "Suggestion",
    "TermList",
    "analyse_document",
    "country_evidence",
    "passages_by_country",
    "suggest_level",
]
