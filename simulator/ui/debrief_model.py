"""What the debrief screen shows, from a finished session (no pygame here).

The teaching itself (key moments, the better reply judged by the best final score still
reachable, the skill that held the grade back, and the scores-only fallback when that
analysis fails) is decided in `simulator.engine.debrief`, the same code `run --format json`
and the records' exports use; this module adds only the chart data.
"""

from __future__ import annotations

from typing import Any

from simulator.engine.debrief import BetterReply, Debrief, KeyMoment
from simulator.engine.debrief import debrief_or_scores as debrief_for

__all__ = ["BetterReply", "Debrief", "KeyMoment", "debrief_for", "mood_series", "expression_bands"]


def mood_series(session: Any) -> tuple[list[float], list[str]]:
    """Valence (pleasure) at the start and after each turn, and the expression at each point."""
    transcript = session.transcript
    if not transcript:
        return [float(session.mood.get("pleasure", 0.0))], [session.expression]
    values = [float(transcript[0].mood_before.get("pleasure", 0.0))]
    expressions = [transcript[0].expression_before]
    for record in transcript:
        values.append(float(record.mood_after.get("pleasure", 0.0)))
        expressions.append(record.expression_after)
    return values, expressions


def expression_bands(catalog: Any) -> list[tuple[str, float, float]]:
    """(expression, low, high) bands on the pleasure axis from mood.yaml's `at_most` bounds."""
    bands: list[tuple[str, float, float]] = []
    low = -1.0
    for expression in catalog.mood.expressions:
        high = None
        for bound in expression.bounds:
            if bound.dimension == "pleasure" and bound.at_most is not None:
                high = float(bound.at_most)
        if high is None:
            high = 1.0
        if high > low:
            bands.append((expression.id, low, min(1.0, high)))
            low = high
        if low >= 1.0:
            break
    return bands or [("neutral", -1.0, 1.0)]
