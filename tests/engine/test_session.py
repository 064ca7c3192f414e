"""The session state machine. Every test taking `start` runs twice: directly, and through a
snapshot -> JSON -> restore round trip after every turn (see conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from engine_builders import node, reply, scenario, trigger, when
from simulator.engine.session import TURN_LIMIT, ChoiceError, Phase, Session, pick_line
from simulator.scenario.model import LineVariant, Node

BEST = [0, 0, 0, 0, 0]


def test_a_new_session_waits_at_the_start(start, format_tour):
    s = start(format_tour)
    assert s.phase is Phase.AWAITING_REPLY and s.turn == 0 and s.node_id == "opening"
    assert [o.number for o in s.options] == [1, 2]
    assert s.options[0].acts == ("acknowledge", "invite") and s.options[1].reply_index == 1
    assert s.result is None and s.transcript == ()
    # the customer starts angry, but the opening has no 'angry' variant, so `default` is used
    assert s.expression == "angry"
    assert s.customer_line.startswith("Hi. I got my shoes")
    assert set(s.mood) == set(s.compiled.mood.dimensions)


def test_best_path_is_delighted_and_graded_a(start, format_tour):
    s = start(format_tour, BEST)
    assert s.phase is Phase.ENDED and s.node_id == "delighted_end"
    result = s.result
    assert (result.outcome, result.ending_id, result.grade, result.passed) == ("delighted", "delighted_end", "A", True)
    assert result.overall == 100.0 and result.caps == () and result.note == ""
    assert s.customer_line == result.ending_text
    assert s.options == ()
    # the customer warms up over the conversation: angry at the start, delighted at the end
    assert s.transcript[0].expression_before == "angry" and s.transcript[-1].expression_after == "delighted"


def test_a_bad_path_walks_out_with_an_f(start, format_tour):
    s = start(format_tour, [1, 1, 1, 1])
    assert s.result.outcome == "walked-out" and s.result.grade == "F" and not s.result.passed
    assert any("walked out" in cap for cap in s.result.caps)


def test_transcript_records_each_turn(start, format_tour):
    s = start(format_tour, [0, 1])
    first, second = s.transcript
    assert (first.turn, first.node_id, first.choice, first.next_id, first.trigger) == (1, "opening", 0, "story", None)
    assert first.acts == ("acknowledge", "invite") and len(first.options) == 2
    assert first.mood_before == pytest.approx(dict(s.compiled.mood.as_dict(s.compiled.mood.start)))
    assert first.mood_after == pytest.approx(second.mood_before)
    assert {e.rule for e in first.evidence} == {"credit:acknowledge", "credit:invite"}
    assert second.acts == ("apologize", "over-apologize") and not second.ended
    assert s.mood == pytest.approx(second.mood_after)


def test_conditions_hide_replies_and_numbering_follows_what_is_shown(start, format_tour):
    shown = start(format_tour, [0])
    assert [o.reply_index for o in shown.options] == [0, 1, 2]
    hidden = start(format_tour, [1])  # hide-behind-policy hides the discount-code reply
    assert [o.reply_index for o in hidden.options] == [0, 1]
    assert [o.number for o in hidden.options] == [1, 2]


def test_bad_choices_raise_clear_errors(start, format_tour):
    s = start(format_tour)
    with pytest.raises(ChoiceError, match=r"turn 1 at node 'opening' shows 2 replies; pick an index from 0 to 1"):
        s.choose(2)
    with pytest.raises(ChoiceError, match="0-based int"):
        s.choose("1")
    with pytest.raises(ChoiceError):
        s.choose(-1)
    assert s.turn == 0  # a refused choice changes nothing
    done = start(format_tour, BEST)
    with pytest.raises(ChoiceError, match="already ended .*delighted"):
        done.choose(0)


def test_triggers_fire_in_file_order_before_next(start):
    sc = scenario([node("a", [reply("Sure.", ["stall"], "b")]),
                   node("b", [reply("Right.", ["offer-solution"], "done")])],
                  mood=[("patience", 1.0)],
                  triggers=[trigger("gone", threshold="walk_out"), trigger("boss", threshold="walk_out")])
    s = start(sc, [0])
    record = s.transcript[0]
    assert record.trigger == 0 and record.next_id == "gone" and record.ended
    assert s.result.outcome == "walked-out" and s.result.ending_id == "gone"


def test_triggers_beat_an_ending_in_next(start):
    sc = scenario([node("a", [reply("Whatever.", ["insult"], "done")])],
                  triggers=[trigger("boss", acts_used=["insult"])])
    s = start(sc, [0])
    assert s.result.outcome == "escalated"


def test_triggers_are_judged_before_the_target_is_entered(start):
    # the reply leads to b; a trigger asking "b not seen yet" must still see b unseen
    sc = scenario([node("a", [reply("On to b.", ["invite"], "b")]),
                   node("b", [reply("Done.", ["offer-solution"], "done")])],
                  triggers=[trigger("happy", not_visited=["b"], visited=["a"])])
    s = start(sc, [0])
    assert s.transcript[0].trigger == 0 and s.result.ending_id == "happy" and s.visited == ("a",)


def test_skill_chances_count_the_screens_played(start):
    # turn 1 offers an empathy-earning reply and a calm-losing one beside a clean one; turn 2 only solutions
    sc = scenario([node("a", [reply("I'm sorry.", ["apologize"], "b"), reply("Calm down.", ["dismiss"], "b"),
                              reply("Go on.", ["invite"], "b")]),
                   node("b", [reply("Fixed.", ["offer-solution"], "done")])])
    s = start(sc, [1])
    first = dict(s.skill_chances)
    s.choose(0)
    assert sum(first.values()) >= 2 and first["solutions"] == 0
    assert s.skill_chances["solutions"] == first["solutions"] + 1


def test_a_node_with_no_available_reply_ends_unresolved(start):
    sc = scenario([node("a", [reply("Go on.", ["invite"], "b")]),
                   node("b", [reply("Only if calm.", ["offer-solution"], "done", when=when(expression=["delighted"]))])])
    s = start(sc, [0])
    assert s.phase is Phase.ENDED and s.node_id == "b"
    assert s.result.outcome == "unresolved" and s.result.ending_id is None
    assert "'b' has no reply available" in s.result.note
    assert s.transcript[-1].ended and s.customer_line == "..."


def test_a_stuck_start_node_ends_before_any_turn(start):
    sc = scenario([node("a", [reply("Never.", ["invite"], "done", when=when(visited=["nowhere"]))])])
    s = start(sc)
    assert s.phase is Phase.ENDED and s.turn == 0 and s.result.outcome == "unresolved"


def test_cycles_end_at_the_turn_limit(start):
    sc = scenario([node("a", [reply("Hmm.", ["offer-solution"], "b")]),
                   node("b", [reply("Hmm again.", ["next-step"], "a")])])
    s = start(sc, [0] * TURN_LIMIT)
    assert s.phase is Phase.ENDED and s.turn == TURN_LIMIT
    assert s.result.outcome == "unresolved" and f"{TURN_LIMIT}-turn limit" in s.result.note


def test_visited_includes_the_node_on_screen(start):
    sc = scenario([node("a", [reply("x", ["invite"], "b")]),
                   node("b", [reply("seen a", ["invite"], "done", when=when(visited=["a", "b"])),
                              reply("not a", ["invite"], "done", when=when(not_visited=["a"]))])])
    s = start(sc, [0])
    assert [o.text for o in s.options] == ["seen a"]
    assert s.visited == ("a", "b")


def test_same_choices_give_byte_identical_snapshots(catalog, format_tour):
    a = Session.replay(format_tour, catalog, [0, 2, 0, 0, 0])
    b = Session.replay(format_tour, catalog, [0, 2, 0, 0, 0])
    assert json.dumps(a.snapshot(), sort_keys=True) == json.dumps(b.snapshot(), sort_keys=True)
    assert a.conversation.mood[0].tobytes() == b.conversation.mood[0].tobytes()


def test_replay_matches_playing_by_hand(catalog, format_tour):
    by_hand = Session(format_tour, catalog)
    for i in [0, 0, 0, 1]:
        by_hand.choose(i)
    assert Session.replay(format_tour, catalog, [0, 0, 0, 1]).snapshot() == by_hand.snapshot()
    assert by_hand.choices == (0, 0, 0, 1)


def test_restoring_mid_game_then_continuing_equals_playing_straight(catalog, format_tour):
    straight = Session.replay(format_tour, catalog, BEST)
    half = Session.replay(format_tour, catalog, BEST[:2])
    resumed = Session.restore(format_tour, catalog, json.loads(json.dumps(half.snapshot())))
    for i in BEST[2:]:
        resumed.choose(i)
    assert resumed.snapshot() == straight.snapshot()
    assert resumed.result == straight.result


def test_the_conversation_state_handed_out_is_a_copy(catalog, format_tour):
    s = Session(format_tour, catalog)
    state = s.conversation
    state.mood[:] = 99.0  # a caller's changes must not reach the session's own mood
    assert s.conversation.mood.max() < 99.0


def test_line_variants_pick_exact_then_default_then_nearest():
    scale = ("furious", "angry", "annoyed", "neutral", "pleased", "delighted")
    n = Node("n", (LineVariant("default", "D"), LineVariant("furious", "F")), ())
    assert pick_line(n, "furious", scale) == "F"
    assert pick_line(n, "pleased", scale) == "D"
    no_default = Node("n", (LineVariant("angry", "A"), LineVariant("pleased", "P")), ())
    assert pick_line(no_default, "furious", scale) == "A"
    assert pick_line(no_default, "delighted", scale) == "P"
    assert pick_line(no_default, "neutral", scale) == "P"
    # annoyed is one step from both angry and neutral: ties go to the angrier side
    tie = Node("n", (LineVariant("neutral", "N"), LineVariant("angry", "A")), ())
    assert pick_line(tie, "annoyed", scale) == "A"


def test_the_same_node_reads_angrier_when_the_customer_is_angrier(start, format_tour):
    calm = start(format_tour, [0, 0])
    assert calm.node_id == "options" and calm.customer_line.startswith("Yes, the same ones")
    cross = start(format_tour, [1, 1])
    assert cross.node_id == "options" and cross.expression == "angry"
    assert cross.customer_line.startswith("Same ones. And don't tell me")


def test_the_engine_never_imports_pygame():
    code = ("import sys, simulator.engine, simulator.engine.session, simulator.engine.run_document, "
            "simulator.engine.snapshot; assert 'pygame' not in sys.modules, 'pygame was imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
