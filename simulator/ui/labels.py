"""Words the screens show for engine identifiers (outcomes, expressions, skills).

The words themselves live in rubric.yaml (skill labels, outcome labels and symbols) and are
read through `rubric_terms`; a screen passes its session's catalog, so a folder whose own
data/ extends the rubric shows that folder's words.
"""

from __future__ import annotations

from typing import Any

from simulator.engine.debrief import expression_label  # the key moments' words for a mood, re-exported
from simulator.scenario.rubric_terms import rubric_terms


def outcome_label(outcome: str, catalog: Any = None) -> str:
    """The outcome in words, from `catalog`'s rubric (default: the shipped one)."""
    return rubric_terms(catalog).outcome_label(outcome)


def outcome_symbol(outcome: str, catalog: Any = None) -> str:
    """The outcome's symbol, from `catalog`'s rubric (default: the shipped one)."""
    return rubric_terms(catalog).outcome_symbol(outcome)


def skill_label(skill: str) -> str:
    """The skill's label from rubric.yaml (the one place the labels live)."""
    return rubric_terms().label(skill)
