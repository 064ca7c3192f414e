"""The debrief that teaches: the better reply is judged by the best final score still within
reach, key moments include costly replies that did not move the mood, a skill under the
floor is never shown as passed, and no generic lesson contradicts the scene."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

from engine_builders import node, reply, scenario
from simulator.engine.debrief import Lookahead, build_debrief, key_moments, skill_standings, turn_alternatives
from simulator.engine.session import Session

CALM_DOWN = reply("Calm down, please.", ["calm-down"], "b", note="Telling him to calm down never calms anyone.")
# Everything at once: the most credit any single reply can earn, then the call ends unheard.
GREEDY = reply("Sorted: refund or swap, today. So that's agreed. Anything else? Thanks, bye!",
               ["take-ownership", "offer-options", "next-step", "summarize", "check-remaining", "thank",
                "close-positive"], "done", note="Everything at once, before you know the problem.")
FEEL_FIRST = reply("That sounds really frustrating. What happened?", ["acknowledge", "invite"], "b",
                   note="Feel first, then ask.")
REST = [
    node("b", [reply("So the box says 38, not 42 - is that right?", ["paraphrase", "clarify"], "c")]),
    node("c", [reply("I'll own this: a courier by Friday, or a refund today?", ["take-ownership", "offer-options"], "d")]),
    node("d", [reply("So: courier by Friday, tracking by five today. Anything else? Thanks for your patience.",
                     ["summarize", "next-step", "check-remaining", "thank", "close-positive"], "happy")]),
]


def _shoes():
    return scenario([node("a", [CALM_DOWN, GREEDY, FEEL_FIRST]), *REST])


def test_the_better_reply_is_the_best_reachable_not_the_best_turn(catalog):
    shoes = _shoes()
    greedy_turn = Session.replay(shoes, catalog, [1]).transcript[0]
    feel_turn = Session.replay(shoes, catalog, [2]).transcript[0]
    points = lambda record: sum(e.points for e in record.evidence if e.turn == 1)  # noqa: E731
    assert points(greedy_turn) > points(feel_turn)  # one turn's credit would pick the greedy reply
    played = Session.replay(shoes, catalog, [0, 0, 0, 0])
    regret, better = turn_alternatives(Lookahead(played), played, 1)
    assert better is not None and better.text == FEEL_FIRST.text and better.number == 3
    assert better.note == "Feel first, then ask." and better.best_overall == 100.0
    assert regret > 0


def test_the_better_reply_never_skips_a_skill_the_floor_needs(catalog):
    # picked the greedy reply: its ending has listening and empathy at 0, under the floor
    played = Session.replay(_shoes(), catalog, [1])
    debrief = build_debrief(played)
    assert debrief.floor is not None and {"Listening", "Empathy"} <= set(debrief.held_back_by)
    assert not debrief.passed
    moment = next(m for m in debrief.moments if m.turn == 1)
    assert moment.better is not None and moment.better.text == FEEL_FIRST.text
    # every suggestion's best continuation keeps all skills at the floor
    look = Lookahead(played)
    root = look.node_after([])
    for option in range(3):
        keeps, _ = look.best(int(look.tree.grow([root], [option])[0]) if look.tree.children[root, option] < 0
                             else int(look.tree.children[root, option]))
        assert keeps == (option == 2)  # calm-down's road never earns empathy; greedy ends unheard


def test_a_costly_reply_is_a_key_moment_even_when_the_mood_does_not_move(catalog):
    flat = reply("Let me just check that for you.", ["stall"], "b", note="Filler: he is still waiting.")
    quiet = dataclasses.replace(flat, mood=(("pleasure", 0.0),))
    shoes = scenario([node("a", [quiet, FEEL_FIRST]), *REST])
    played = Session.replay(shoes, catalog, [0, 0, 0, 0])
    record = played.transcript[0]
    moments = {m.turn: m for m in key_moments(played)}
    assert 1 in moments, [m.turn for m in moments.values()]
    first = moments[1]
    assert first.coaching == "Filler: he is still waiting."
    assert first.better is not None and first.better.text == FEEL_FIRST.text
    assert first.regret > 0 or first.points < 0
    assert abs(first.mood_change) < 0.05 or record.mood_after != record.mood_before


def test_key_moments_show_the_scenarios_note_and_the_rule(catalog):
    played = Session.replay(_shoes(), catalog, [0, 0, 0, 0])
    first = next(m for m in key_moments(played) if m.turn == 1)
    assert first.coaching == CALM_DOWN.note
    assert first.rule and first.rules  # the evidence message and its rule id
    assert first.said == CALM_DOWN.text and first.number == 1


def test_no_passed_beside_a_skill_under_the_floor(catalog):
    played = Session.replay(_shoes(), catalog, [0, 0, 0, 0])
    standings, floor, pass_mark = skill_standings(played)
    by_skill = {s.skill: s for s in standings}
    assert floor is not None and by_skill["empathy"].score < floor
    assert by_skill["empathy"].status == "below floor"
    assert all(s.status != "passed" for s in standings if s.score < floor)
    assert all((s.status == "passed") == (s.score >= pass_mark) for s in standings if s.score >= floor)
    assert build_debrief(played).held_back_by == ("Empathy",)


def test_no_generic_lesson_that_contradicts_a_provoking_scene(catalog):
    from types import MappingProxyType

    # a generic lesson that assumes a calm customer (the shipped wording may change; this one must not)
    lesson = "Defending the company starts an argument; the customer is not attacking you."
    acts = dict(catalog.acts)
    acts["defensive"] = dataclasses.replace(acts["defensive"], lesson=lesson)
    catalog = dataclasses.replace(catalog, acts=MappingProxyType(acts))
    defensive = reply("That is simply not how our company works.", ["defensive"], "b")
    insulting = dataclasses.replace(node("a", [defensive, FEEL_FIRST], say="You lot are useless idiots."),
                                    provokes=("insult",))
    played = Session.replay(scenario([insulting, *REST]), catalog, [0, 0, 0, 0])
    penalty = next(e for e in played.transcript[0].evidence if e.rule == "penalty:defensive")
    assert "not attacking" in penalty.message  # the evidence would carry the contradicting lesson
    first = next(m for m in key_moments(played) if m.turn == 1)
    assert first.provokes == ("insult",)
    assert "not attacking" not in first.rule and "insult" in first.rule  # the provocation rule explains it
    # the same reply where nobody provoked: the generic lesson may be used when nothing else explains it
    calm_scene = scenario([node("a", [defensive, FEEL_FIRST]), *REST])
    calm = next(m for m in key_moments(Session.replay(calm_scene, catalog, [0, 0, 0, 0])) if m.turn == 1)
    assert calm.rule


def test_better_reply_numbers_are_the_ones_shown_under_the_seed(catalog):
    shoes = _shoes()
    for seed in range(30):
        session = Session(shoes, catalog, seed=seed)
        if [o.reply_index for o in session.options] != [0, 1, 2]:
            break
    calm_at = [o.reply_index for o in session.options].index(0)
    session.choose(calm_at)
    while session.result is None:
        session.choose(0)
    first = next(m for m in key_moments(session) if m.turn == 1)
    shown = [o.reply_index for o in session.transcript[0].options]
    assert first.number == calm_at + 1
    assert first.better.number == shown.index(2) + 1


def test_a_best_path_has_nothing_better_to_offer(catalog, format_tour):
    played = Session.replay(format_tour, catalog, [0, 0, 0, 0, 0])
    debrief = build_debrief(played)
    assert debrief.passed and debrief.held_back_by == ()
    assert all(m.better is None for m in debrief.moments)


def test_the_debrief_engine_does_not_import_pygame():
    code = "import sys, simulator.engine.debrief; print('pygame' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_look_ahead_finds_the_analysers_best_score_on_every_shipped_scenario(catalog):
    from pathlib import Path

    from simulator.engine.analysis import analyse
    from simulator.scenario.loader import load_scenario

    for path in sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml")):
        shipped, _ = load_scenario(path, catalog)
        best = analyse(shipped, catalog, runs=50).best
        look = Lookahead(Session(shipped, catalog))
        keeps, overall = look.best(0)
        assert overall == best.overall, path.name
        if all(score >= look.floor for score in best.skills.values()):
            assert keeps, path.name  # the best path keeps the floor, so the look-ahead must see one that does


def test_key_moments_as_json_carry_every_field_rounded(catalog, format_tour):
    played = Session.replay(format_tour, catalog, [1, 1, 1, 1])  # the walk-out
    moments = key_moments(played)
    as_json = [m.to_json() for m in moments]
    assert json.loads(json.dumps(as_json)) == as_json
    for moment, value in zip(moments, as_json):
        assert set(value) == {f.name for f in dataclasses.fields(moment)}
        assert value["turn"] == moment.turn and value["rules"] == list(moment.rules)
        assert value["mood_change"] == round(moment.mood_change, 4)
        if moment.better is not None:
            assert value["better"]["text"] == moment.better.text
            assert value["better"]["best_overall"] == round(moment.better.best_overall, 4)
    assert any(v["better"] for v in as_json)


def test_the_same_play_through_is_looked_ahead_once(catalog, format_tour, monkeypatch):
    from simulator.engine import debrief

    first = key_moments(Session.replay(format_tour, catalog, [1, 1, 0, 0]))
    monkeypatch.setattr(debrief, "Lookahead", None)  # a second search would fail now
    assert key_moments(Session.replay(format_tour, catalog, [1, 1, 0, 0])) is first
    edited = dataclasses.replace(format_tour)  # equal content, another object: not the same inputs
    assert debrief.moments_json(Session.replay(edited, catalog, [1, 1, 0, 0])) is None


def test_a_failing_look_ahead_still_gives_the_scores_and_saves_without_moments(catalog, format_tour, monkeypatch):
    from simulator.engine import debrief

    played = Session.replay(_shoes(), catalog, [1])

    def broken(session):
        raise KeyError("a node the transcript names is gone")

    monkeypatch.setattr(debrief, "Lookahead", broken)
    shown = debrief.debrief_or_scores(played)
    assert shown.moments == () and shown == debrief.scores_only(played)
    assert {"Listening", "Empathy"} <= set(shown.held_back_by) and not shown.passed
    assert debrief.moments_json(played) is None


def test_the_debrief_drops_exactly_the_floor_cap_it_names_under_the_bars(catalog):
    """The held-back skills are shown under the skill bars, so the floor's cap is left out of
    the caps list - found by the rubric's own wording of it, not by guessing at its text."""
    from pathlib import Path

    from simulator.engine.debrief import scores_only
    from simulator.scenario.loader import load_scenario

    played, _ = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "double_charge.yaml", catalog)
    session = Session.replay(played, catalog, [1, 4, 0, 1, 0])
    result = session.result
    assert result.held_back_by and len(result.caps) == 3, result.caps
    floor_cap, *others = result.caps
    assert "below the floor" in floor_cap and not any("below the floor" in cap for cap in others)
    assert scores_only(session).caps_besides_floor(result.caps) == tuple(others)
    assert scores_only(Session.replay(played, catalog, [])).caps_besides_floor(("a cap",)) == ("a cap",)


def test_after_the_floor_is_lost_for_good_the_reply_that_leads_furthest_is_still_offered(catalog):
    # personal_attack: "please calm down" at the insult costs calm more than the rest of the
    # call can win back, so at turn 2 no reply keeps every skill at the floor. The headline
    # still says points slipped away there, so the moment must name the reply that led on.
    from pathlib import Path

    from simulator.scenario.loader import load_scenario

    shipped, _ = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "personal_attack.yaml", catalog)
    played = Session.replay(shipped, catalog, [0, 0])
    look = Lookahead(played)
    regret, better = turn_alternatives(look, played, 2)
    assert regret > 0 and better is not None
    assert better.number != played.transcript[1].choice + 1
    # neither reply keeps the floor, so the pick's own best is given to compare, not -1
    assert 0 <= better.chosen_best < better.best_overall
    assert better.best_overall - better.chosen_best == regret
    moment = next(m for m in key_moments(played) if m.turn == 2)
    assert moment.better == better
