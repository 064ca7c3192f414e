"""The tracker's own state: `copy()` is independent and complete, `totals()` agrees with
`scorecard()` (the analyser scores with the first, the session and debrief read the second)."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from simulator.engine.rubric import RubricTracker, TurnFacts, compile_rubric
from simulator.scenario.model import SKILLS

CONVERSATION = [("acknowledge", "invite"), ("apologize",), ("apologize",), ("apologize",), ("refuse-flat",),
                ("defensive", "offer-options"), ("summarize",), ("thank", "close-positive")]


def _fed(rubric, upto: int) -> RubricTracker:
    tracker = rubric.tracker()
    for turn, acts in enumerate(CONVERSATION[:upto], start=1):
        tracker.add_turn(TurnFacts(turn=turn, acts=acts, reply_text=f"reply {turn}",
                                   provokes=("insult",) if turn == 2 else (), ends=turn == len(CONVERSATION)))
    return tracker


@pytest.fixture(scope="module")
def rubric(catalog):
    return compile_rubric(catalog, "impatient")


def test_copy_names_every_field(rubric):
    from simulator.engine.rubric_rows import ROW_FIELDS

    tracker = _fed(rubric, 5)
    clone = tracker.copy()
    assert clone.evidence == tracker.evidence and clone.evidence is not tracker.evidence
    for name in ROW_FIELDS:  # every array of the rubric state is copied, none shared
        original, copied = getattr(tracker.rows, name), getattr(clone.rows, name)
        assert (copied == original).all(), name
        assert not np.shares_memory(copied, original), f"{name} is shared between a tracker and its copy"


def test_copy_scores_on_alone(rubric):
    tracker = _fed(rubric, 5)
    before = tracker.scorecard(None)
    clone = tracker.copy()
    clone.add_turn(TurnFacts(turn=6, acts=("sarcasm",), reply_text="x", ends=True))
    clone.finish("escalated")
    assert tracker.scorecard(None) == before
    assert clone.scorecard("escalated") != before


@pytest.mark.parametrize("outcome", [None, "resolved", "escalated", "walked-out", "delighted"])
@pytest.mark.parametrize("upto", range(len(CONVERSATION) + 1))
def test_totals_match_the_scorecard(rubric, outcome, upto):
    tracker = _fed(rubric, upto)
    if outcome is not None:
        tracker.finish(outcome)
    card = tracker.scorecard(outcome)
    overall, grade, skills = tracker.totals(outcome)
    assert (overall, grade) == (card.overall, card.grade)
    assert skills == dict(card.skills) and set(skills) == set(SKILLS)
    raw = {s: rubric.starts[s] for s in SKILLS}
    for item in card.evidence:  # the running totals are the sum over the evidence
        raw[item.skill] += item.points
    assert all(tracker.raw.get(s, rubric.starts[s]) == pytest.approx(raw[s]) for s in SKILLS)


def test_every_rule_rubric_yaml_may_name_is_scored_somewhere():
    from simulator.engine.rubric_rules import FINISH_RULES, TRACKER_RULES, TURN_RULES
    from simulator.engine.rubric_schema import RULE_KEYS

    registered = {rule_id for rule_id, _ in TURN_RULES + FINISH_RULES} | set(TRACKER_RULES)
    assert registered == set(RULE_KEYS)


@pytest.mark.parametrize("late", [0, 1])
def test_two_roads_waits_exactly_its_window(catalog, late):
    """A refusal's alternative counts in the same reply or up to `window` replies later, not after."""
    rubric = compile_rubric(catalog)
    spec = rubric.rules["two_roads"]
    window = int(spec["window"])
    refusal, alternative = spec["refusal_acts"][0], spec["alternative_acts"][0]
    acts = [(refusal,)] + [("invite",)] * (window - 1 + late) + [(alternative,)]
    tracker = rubric.tracker()
    for turn, these in enumerate(acts, start=1):
        tracker.add_turn(TurnFacts(turn=turn, acts=these, reply_text=f"reply {turn}"))
    about_the_refusal = [e for e in tracker.evidence if e.rule == "two_roads" and e.turn == 1]
    if late:
        assert [e.points for e in about_the_refusal] == [float(spec["points"])]
    else:
        assert about_the_refusal and all(e.points >= 0 for e in about_the_refusal)
