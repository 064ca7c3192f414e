"""What the debrief screen shows, from a finished session (no pygame here).

The teaching itself (key moments, the better reply judged by the best final score still
reachable, the skill that held the grade back) is decided in `simulator.engine.debrief`;
this module adds the chart data and keeps the screen alive if that analysis fails.
"""

from __future__ import annotations

import logging
from typing import Any

from simulator.engine.debrief import BetterReply, Debrief, KeyMoment, build_debrief, skill_standings

__all__ = ["BetterReply", "Debrief", "KeyMoment", "debrief_for", "mood_series", "expression_bands"]
log = logging.getLogger(__name__)


def debrief_for(session: Any) -> Debrief:
    """The engine's debrief; if the look-ahead fails (a scenario edited under a resumed
    attempt, say) the screen still shows the skills, without key moments."""
    try:
        return build_debrief(session)
    except Exception:  # the debrief must open whatever the analysis hits
        log.exception("the debrief analysis failed; showing the scores only")
        standings, floor, pass_mark = skill_standings(session)
        held = tuple(s.label for s in standings if s.status == "below floor")
        result = session.result
        return Debrief(moments=(), skills=standings, held_back_by=held, floor=floor, pass_mark=pass_mark,
                       passed=bool(result is not None and result.passed and not held))


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
