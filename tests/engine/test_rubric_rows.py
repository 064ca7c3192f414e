"""The batch-shaped rubric against two references.

1. The tracker as it was written before (tests/engine/rubric_oracle.py, plain Python sets and
   dicts, one conversation): for any sequence of replies - random act mixes that hit mixed
   replies, right hand-offs, persona rules, provocations, refusals waiting, closes - the
   session's n = 1 tracker writes the same evidence, in the same order, and the same scorecard.
2. Itself with n = many: scoring many conversations in one `RubricRows` gives every row
   exactly the totals a one-row tracker fed the same turns gives.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rubric_oracle import OracleTracker
from simulator.engine.rubric import TurnFacts, compile_rubric
from simulator.engine.rubric_rows import fresh_rows, outcome_index, reply_table
from simulator.engine.rubric_rules import score_finish, score_turn, totals
from simulator.scenario.model import OUTCOMES, SKILLS

PERSONAS = ("", "impatient", "confused", "skeptic", "hostile", "reasonable")


@pytest.fixture(scope="module")
def rubrics(catalog):
    known = [p for p in PERSONAS if not p or p in catalog.personas]
    assert len(known) >= 4, "the persona rules need their personas"
    return {(p, reachable): compile_rubric(catalog, p, resolution_reachable=reachable)
            for p in known for reachable in (False, True)}


def _reply(draw, acts):
    chosen = draw(st.lists(st.sampled_from(acts), min_size=0, max_size=4))
    skills = draw(st.lists(st.tuples(st.sampled_from(SKILLS), st.sampled_from([-15.0, -5.0, 0.0, 5.0, 30.0])),
                           max_size=2))
    return dict(acts=tuple(chosen), reply_text=draw(st.sampled_from(["a", "b", "c", "said no"])),
                skills=tuple(skills), note=draw(st.sampled_from(["", "a note"])),
                provokes=draw(st.sampled_from([(), ("insult",), ("blame", "sarcasm")])),
                hand_off_right=draw(st.booleans()))


@st.composite
def conversations(draw, acts):
    turns = draw(st.integers(min_value=0, max_value=9))
    replies = [_reply(draw, acts) for _ in range(turns)]
    outcome = draw(st.sampled_from([None, *OUTCOMES]))
    return [TurnFacts(turn=i + 1, ends=(i == turns - 1 and outcome is not None), **r)
            for i, r in enumerate(replies)], outcome


def _oracle_card(rubric, facts, outcome):
    oracle = OracleTracker(rubric)
    turn_evidence = [oracle.add_turn(f) for f in facts]
    end = oracle.finish(outcome) if outcome is not None else []
    return turn_evidence, end, oracle.scorecard(outcome), oracle.totals(outcome)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_session_tracker_writes_what_the_old_tracker_wrote(rubrics, catalog, data):
    rubric = rubrics[data.draw(st.sampled_from(sorted(rubrics)))]
    facts, outcome = data.draw(conversations(sorted(catalog.acts)))
    tracker = rubric.tracker()
    turn_evidence = [tracker.add_turn(f) for f in facts]
    end = tracker.finish(outcome) if outcome is not None else []
    want_turns, want_end, want_card, want_totals = _oracle_card(rubric, facts, outcome)
    assert turn_evidence == want_turns
    assert end == want_end
    assert tracker.scorecard(outcome) == want_card
    assert tracker.totals(outcome) == want_totals


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_many_rows_score_as_one_row_each(rubrics, catalog, data):
    rubric = rubrics[data.draw(st.sampled_from(sorted(rubrics)))]
    plays = [data.draw(conversations(sorted(catalog.acts))) for _ in range(data.draw(st.integers(2, 12)))]
    # every distinct reply once in one table, every conversation a row, stepped turn by turn
    distinct = sorted({(f.acts, f.reply_text, f.skills, f.note, f.provokes, f.hand_off_right)
                       for facts, _ in plays for f in facts})
    index = {key: i for i, key in enumerate(distinct)}
    table = reply_table(rubric.arrays, [TurnFacts(0, acts=a, reply_text=t, skills=s, note=n, provokes=p, hand_off_right=h)
                                        for a, t, s, n, p, h in distinct]) if distinct else None
    rows = fresh_rows(rubric.arrays, len(plays), rubric.pending_slots)
    for turn in range(1, 1 + max(len(facts) for facts, _ in plays)):
        live = np.array([k for k, (facts, _) in enumerate(plays) if len(facts) >= turn])
        if not live.size:
            break
        part = rows.take(live)
        picked = [plays[k][0][turn - 1] for k in live.tolist()]
        score_turn(rubric, part, table, np.array([index[(f.acts, f.reply_text, f.skills, f.note, f.provokes,
                                                          f.hand_off_right)] for f in picked]),
                   np.full(live.size, turn), np.array([f.ends for f in picked]))
        rows.put(live, part)
    outcomes = np.array([outcome_index(o) for _, o in plays])
    done = np.nonzero(outcomes >= 0)[0]
    if done.size:
        part = rows.take(done)
        score_finish(rubric, part, outcomes[done])
        rows.put(done, part)
    overall, _, grade, skills, _ = totals(rubric, rows, outcomes)
    for k, (facts, outcome) in enumerate(plays):
        want = _oracle_card(rubric, facts, outcome)[3]
        assert (float(overall[k]), rubric.grades[int(grade[k])][0],
                dict(zip(SKILLS, skills[k].tolist()))) == want, f"conversation {k}"


def test_evidence_is_written_for_one_conversation_at_a_time(rubrics):
    rubric = rubrics[("", False)]
    table = reply_table(rubric.arrays, [TurnFacts(1, ("acknowledge",))])
    with pytest.raises(ValueError, match="one conversation at a time"):
        score_turn(rubric, fresh_rows(rubric.arrays, 2, rubric.pending_slots), table, np.zeros(2, dtype=np.int64),
                   np.ones(2, dtype=np.int64), np.zeros(2, dtype=bool), log=[])
