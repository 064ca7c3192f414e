"""Words the screens show for engine identifiers (outcomes, expressions, skills)."""

from __future__ import annotations

from simulator.engine.debrief import expression_label  # the key moments' words for a mood, re-exported

OUTCOME_LABELS = {
    "delighted": "Delighted",
    "resolved": "Resolved",
    "unresolved": "Unresolved",
    "escalated": "Escalated to a manager",
    "walked-out": "Walked out",
}
OUTCOME_SYMBOLS = {"delighted": "★", "resolved": "✓", "unresolved": "…", "escalated": "▲", "walked-out": "✗"}


def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome, outcome.replace("-", " ").capitalize())


def outcome_symbol(outcome: str) -> str:
    return OUTCOME_SYMBOLS.get(outcome, "•")


def skill_label(skill: str) -> str:
    """The skill's label from rubric.yaml (the one place the labels live)."""
    from simulator.scenario.rubric_terms import rubric_terms

    return rubric_terms().label(skill)
