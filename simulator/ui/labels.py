"""Words the screens show for engine identifiers (outcomes, expressions, skills)."""

from __future__ import annotations

OUTCOME_LABELS = {
    "delighted": "Delighted",
    "resolved": "Resolved",
    "unresolved": "Unresolved",
    "escalated": "Escalated to a manager",
    "walked-out": "Walked out",
}
OUTCOME_SYMBOLS = {"delighted": "★", "resolved": "✓", "unresolved": "…", "escalated": "▲", "walked-out": "✗"}
SKILL_LABELS = {"calm": "Calm", "listening": "Listening", "empathy": "Empathy",
                "solutions": "Solutions", "follow_up": "Follow-up"}


def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome, outcome.replace("-", " ").capitalize())


def outcome_symbol(outcome: str) -> str:
    return OUTCOME_SYMBOLS.get(outcome, "•")


def expression_label(expression: str) -> str:
    return expression.replace("_", " ").replace("-", " ").capitalize()


def skill_label(skill: str) -> str:
    return SKILL_LABELS.get(skill, skill.replace("_", " ").capitalize())
