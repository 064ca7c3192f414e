"""The run command's JSON document: a played (or stopped) session as plain, deterministic
JSON data, what `customer-sim run --format json` prints and the line protocol's `result`.

Each turn is the engine's one turn encoding, `TurnRecord.to_json()` (what snapshots store
and the records keep in compact form). Floats are rounded to 4 decimals and -0.0 becomes
0.0, so the same scenario and choices give byte-identical output on every machine. The
top-level `choices` are 1-based, as a person reads them and as `run --choices` takes them; a
turn's `choice` is the 0-based index into its `options`, whose `number` is what was shown.
"""

from __future__ import annotations

from typing import Any

from simulator.engine.debrief import key_moments
from simulator.engine.session import Phase, Session

IN_PROGRESS = "in_progress"  # `phase` when the choices ran out before an ending
DECIMALS = 4


def tidy(value: Any) -> Any:
    """Round every float in a JSON-able structure to DECIMALS (and turn -0.0 into 0.0)."""
    if isinstance(value, float):
        return round(value, DECIMALS) + 0.0
    if isinstance(value, dict):
        return {key: tidy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [tidy(item) for item in value]
    return value


def run_document(session: Session) -> dict[str, Any]:
    """Everything about a play-through: transcript, outcome, score, evidence and the key
    moments (`engine.debrief.key_moments`, the ones the debrief screen shows).

    When the session has not ended, `phase` is "in_progress", `outcome` and `ending` are
    null, the score is the provisional score so far (`provisional: true`) and `waiting`
    shows the line and replies on screen.
    """
    scenario = session.scenario
    ended = session.phase is Phase.ENDED
    if ended:
        result = session.result
        card = {"skills": dict(result.skills), "overall": result.overall, "grade": result.grade,
                "passed": result.passed, "caps": list(result.caps), "evidence": result.evidence}
        ending = scenario.endings.get(result.ending_id or "")
        outcome, note = result.outcome, result.note
    else:
        score = session.provisional_score()
        card = {"skills": dict(score.skills), "overall": score.overall, "grade": score.grade,
                "passed": score.passed, "caps": list(score.caps), "evidence": score.evidence}
        ending, outcome, note = None, None, ""
    report = {
        "scenario": {"id": scenario.id, "title": scenario.title, "persona": scenario.customer.persona,
                     "customer": scenario.customer.name},
        "phase": session.phase.value if ended else IN_PROGRESS,
        "outcome": outcome,
        "ending": None if ending is None else {"id": ending.id, "outcome": ending.outcome, "text": ending.text},
        "note": note,
        "grade": card["grade"],
        "overall": card["overall"],
        "passed": card["passed"],
        "provisional": not ended,
        "skills": card["skills"],
        "caps": card["caps"],
        "choices": [c + 1 for c in session.choices],  # shown positions under `seed`
        "seed": session.seed,  # reply-order seed (None: the file's order)
        "turns": [record.to_json() for record in session.transcript],
        "evidence": [e.as_json() for e in card["evidence"]],
        # the debrief's key moments, as the game's debrief screen and the records' exports list them
        "key_moments": [moment.to_json() for moment in key_moments(session)],
        "waiting": None if ended else {
            "turn": session.turn + 1, "node": session.node_id, "customer_line": session.customer_line,
            "expression": session.expression, "options": [o.to_json() for o in session.options]},
    }
    return tidy(report)
