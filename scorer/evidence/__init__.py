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
"""

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
