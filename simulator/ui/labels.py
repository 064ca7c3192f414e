"""Words the screens show for engine identifiers (outcomes, expressions, skills).

The words themselves live in rubric.yaml (skill labels, outcome labels and symbols) and are
read through `rubric_terms`; a screen passes its session's catalog (or the library's), so a
data folder whose rubric words things its own way shows that folder's words. Reading them
costs a look through the rubric, so a screen reads them once, when it is built.
"""

from __future__ import annotations

from typing import Any

from simulator.engine.debrief import expression_label  # the key moments' words for a mood, re-exported
from simulator.scenario.rubric_terms import rubric_terms


def outcome_words(outcome: str, catalog: Any) -> str:
    """The outcome as the end of a conversation and the debrief name it: its symbol and its
    label ("✓ Resolved"), from `catalog`'s rubric (None: the shipped one)."""
    terms = rubric_terms(catalog)
    return f"{terms.outcome_symbol(outcome)} {terms.outcome_label(outcome)}"


def skill_label(skill: str, catalog: Any) -> str:
    """The skill's label from `catalog`'s rubric (None: the shipped one)."""
    return rubric_terms(catalog).label(skill)
