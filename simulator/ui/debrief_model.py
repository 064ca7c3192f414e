"""What the debrief teaches, computed from a finished session (no pygame here).

Key moments are the turns with the largest mood swings and the turns whose evidence cost
the most points. For each: what the customer said, what the trainee said, the rule it
touched, and the better reply that was on screen at that moment. "Better" is decided by
replaying the conversation up to that turn with each other reply and comparing the rubric
points and the mood change the reply would have earned, so it comes from the same engine
that scored the trainee, not from a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

MAX_SWINGS = 3
MAX_COSTS = 3
MAX_MOMENTS = 5
MIN_SWING = 0.05  # smaller mood changes are not worth a trainee's attention


@dataclass(frozen=True, slots=True)
class KeyMoment:
    turn: int
    headline: str  # e.g. "Mood dropped sharply (Annoyed → Angry)"
    customer_line: str
    said: str
    rule: str  # the rule touched / why it mattered
    better: str  # the better reply that was on screen ('' when the trainee's was the best)
    mood_change: float  # change in pleasure this turn
    points: float  # evidence points this turn (negative = cost)


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


def _turn_points(record: Any) -> float:
    return sum(e.points for e in record.evidence if e.turn == record.turn)


def _swing(record: Any) -> float:
    return float(record.mood_after.get("pleasure", 0.0)) - float(record.mood_before.get("pleasure", 0.0))


def better_reply(session: Any, turn: int) -> str:
    """The reply on screen at `turn` that would have scored best, if better than the one chosen."""
    from simulator.engine.session import Session

    record = session.transcript[turn - 1]
    prefix = list(session.choices[: turn - 1])
    best_key = (_turn_points(record), _swing(record))
    best_text = ""
    for index, option in enumerate(record.options):
        if index == record.choice:
            continue
        try:
            trial = Session.replay(session.scenario, session.catalog, prefix + [index],
                                   compiled=getattr(session, "compiled", None))
        except Exception:  # an alternative that cannot be replayed is simply not offered
            continue
        alt = trial.transcript[-1]
        key = (_turn_points(alt), _swing(alt))
        if key > best_key:
            best_key, best_text = key, option.text
    return best_text


def _rule_text(session: Any, record: Any, costs: Sequence[Any], swing: float) -> str:
    if costs:
        messages = []
        for evidence in sorted(costs, key=lambda e: e.points):
            if evidence.message and evidence.message not in messages:
                messages.append(evidence.message)
        return " ".join(messages[:2])
    acts = session.catalog.acts
    wanted = "negative" if swing < 0 else "positive"
    lessons = [acts[a].lesson for a in record.acts if a in acts and acts[a].polarity == wanted and acts[a].lesson]
    if record.note:
        return record.note
    return lessons[0] if lessons else ""


def key_moments(session: Any) -> list[KeyMoment]:
    """The turns worth discussing, in turn order (at most MAX_MOMENTS)."""
    from simulator.ui.labels import expression_label

    transcript = session.transcript
    if not transcript:
        return []
    swings = sorted((r for r in transcript if abs(_swing(r)) >= MIN_SWING), key=lambda r: -abs(_swing(r)))
    chosen = {r.turn for r in swings[:MAX_SWINGS]}
    result = session.result
    evidence = list(result.evidence) if result is not None else [e for r in transcript for e in r.evidence]
    costly = sorted((e for e in evidence if e.points < 0), key=lambda e: e.points)
    for item in costly[:MAX_COSTS]:
        if 1 <= item.turn <= len(transcript):
            chosen.add(item.turn)
    moments = []
    for turn in sorted(chosen):
        record = transcript[turn - 1]
        swing = _swing(record)
        costs = [e for e in evidence if e.turn == turn and e.points < 0]
        before, after = expression_label(record.expression_before), expression_label(record.expression_after)
        if abs(swing) >= MIN_SWING:
            direction = "rose" if swing > 0 else "dropped"
            size = "sharply" if abs(swing) >= 0.25 else "noticeably"
            headline = f"Mood {direction} {size}" + (f" ({before} → {after})" if before != after else "")
        else:
            headline = "Cost points"
        if costs:
            headline += f" · {sum(e.points for e in costs):+.0f} points"
        moments.append(KeyMoment(
            turn=turn, headline=headline, customer_line=record.customer_line, said=record.reply_text,
            rule=_rule_text(session, record, costs, swing), better=better_reply(session, turn),
            mood_change=swing, points=sum(e.points for e in evidence if e.turn == turn)))
    # keep the most instructive ones if there are many: costs first, then the biggest swings
    if len(moments) > MAX_MOMENTS:
        ranked = sorted(moments, key=lambda m: (m.points, -abs(m.mood_change)))[:MAX_MOMENTS]
        moments = sorted(ranked, key=lambda m: m.turn)
    return moments
