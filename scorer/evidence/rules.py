"""The rules that turn mentions into a suggested level for criterion 3, as a term file or a criteria file declares them.

Pure pydantic (no other import from the package's heavier modules), so that
:mod:`scorer.model.criteria` can hold an ``evidence:`` block on criterion 3's
indicator:

.. code-block:: yaml

    gov_ip_interest:
      column: gov_ip_interest
      normalisation: ordinal
      levels: {none: 0, expressed: 1, requested: 2, included: 3}
      evidence:                    # optional; without it the term file's rules apply
        levels:                    # checked in order: the first that holds gives the level
          - level: included
            because: WIPO is named as a signatory or partner
            kinds: [wipo]
            contexts: [partners]
          - level: requested
            because: an IP term is in an outcome or output statement
            contexts: [outcome, results_framework]
            min_term_weight: 2
        otherwise: {level: none, because: no IP term where the rules look}

Each ``level`` must be one of the indicator's levels
(:func:`scorer.model.checks.check_criteria` says so, at its line).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CONTEXTS = ("outcome", "results_framework", "partners", "narrative", "acronyms")
Context = Literal["outcome", "results_framework", "partners", "narrative", "acronyms"]
Kind = Literal["ip", "wipo"]
KINDS: tuple[Kind, ...] = ("ip", "wipo")
NonNegative = Annotated[float, Field(ge=0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelRule(_Model):
    """A level is suggested when enough mentions of these kinds occur in these contexts."""

    level: str = Field(min_length=1, description="The level this rule suggests (one of the indicator's levels).")
    because: str = Field(min_length=1, description="Why, in words, shown beside the suggestion.")
    kinds: list[Kind] = Field(
        default_factory=lambda: list(KINDS),
        description="Which mentions count: ip (IP terms), wipo (WIPO named), or both.",
    )
    contexts: list[Context] = Field(
        min_length=1,
        description="Where a mention must occur: outcome, results_framework, partners, narrative, acronyms.",
    )
    min_mentions: int = Field(default=1, ge=1, description="How many such mentions the rule needs.")
    min_term_weight: NonNegative = Field(default=0.0, description="Only terms of at least this weight count.")


class Otherwise(_Model):
    """The level when no rule holds (and some text was read)."""

    level: str = Field(default="none", description="The level suggested when no rule holds.")
    because: str = Field(
        default="no IP term in the places the rules look at", description="Why, in words, shown beside the suggestion."
    )


class EvidenceRules(_Model):
    """Level rules declared on criterion 3's indicator in a criteria file (they replace the term file's)."""

    levels: list[LevelRule] = Field(
        min_length=1, description="Checked in order; the first rule the mentions satisfy gives the suggested level."
    )
    otherwise: Otherwise = Field(default_factory=Otherwise, description="The level when no rule holds.")
